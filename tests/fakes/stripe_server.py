"""A local HTTP server that speaks enough of Stripe's refunds API for the real ``stripe`` package.

- ``POST /v1/refunds`` (form-encoded) creates a refund shaped like shared/fixtures/stripe/refund.*.json;
  the same ``Idempotency-Key`` replays the first response, as Stripe does.
- ``GET /v1/refunds/{id}`` returns it.
- ``crash_next``: process the next create, then drop the connection without answering (the provider
  paid, the caller never heard: the case reconciliation exists for).
- ``fail_next``: answer the next create with a card error (402).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


class FakeStripe:
    def __init__(self, fixture: dict[str, Any]) -> None:
        self.fixture = fixture
        self.refunds: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, dict[str, Any]] = {}
        self.creates = 0  # refunds actually made (not replays)
        self.requests = 0
        self.crash_next = False
        self.fail_next = False
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeStripe:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def total_refunded(self) -> int:
        return sum(refund["amount"] for refund in self.refunds.values())

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", "req_fake")
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                refund = fake.refunds.get(self.path.rsplit("/", 1)[-1])
                if refund is None:
                    self._send(404, {"error": {"type": "invalid_request_error", "message": "No such refund"}})
                else:
                    self._send(200, refund)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                key = self.headers.get("Idempotency-Key", "")
                with fake.lock:
                    fake.requests += 1
                    if key in fake.by_key:
                        self._send(200, fake.by_key[key])
                        return
                    if fake.fail_next:
                        fake.fail_next = False
                        self._send(
                            402,
                            {
                                "error": {
                                    "type": "card_error",
                                    "code": "charge_already_refunded",
                                    "message": "Refunded",
                                }
                            },
                        )
                        return
                    fake.creates += 1
                    refund = dict(fake.fixture)
                    refund.update(
                        id=f"re_fake{fake.creates}",
                        amount=int(form["amount"]),
                        charge=form.get("charge"),
                        payment_intent=form.get("payment_intent"),
                        status="succeeded",
                    )
                    fake.refunds[refund["id"]] = refund
                    if key:
                        fake.by_key[key] = refund
                    if fake.crash_next:
                        fake.crash_next = False
                        self.close_connection = True
                        self.connection.shutdown(2)
                        return
                self._send(200, refund)

        return Handler
