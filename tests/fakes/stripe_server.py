"""A local HTTP server that speaks enough of Stripe's API for the real ``stripe`` package.

Refunds:
- ``POST /v1/refunds`` (form-encoded) creates a refund shaped like tests/fixtures/stripe/refund.*.json;
  the same ``Idempotency-Key`` replays the first response, as Stripe does.
- ``GET /v1/refunds/{id}`` returns it.

Charges (an exchange's difference, charged off session on the card of the original payment):
- ``GET /v1/charges/{id}`` and ``GET /v1/payment_intents/{id}`` describe an original payment: the
  customer and the saved payment method behind it (``unsaved`` lists references with none).
- ``POST /v1/payment_intents`` creates a PaymentIntent, ``succeeded`` at once (``confirm`` and
  ``off_session``), replayed for the same key; ``GET`` returns it.

For both:
- ``crash_next``: process the next create, then drop the connection without answering (the provider
  acted, the caller never heard: the case reconciliation exists for).
- ``fail_next``: answer the next create with a card error (402).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

INTENT = {
    "object": "payment_intent",
    "capture_method": "automatic",
    "confirmation_method": "automatic",
    "livemode": False,
    "metadata": {},
    "next_action": None,
    "last_payment_error": None,
}


class FakeStripe:
    def __init__(self, fixture: dict[str, Any]) -> None:
        self.fixture = fixture
        self.refunds: dict[str, dict[str, Any]] = {}
        self.intents: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, dict[str, Any]] = {}
        self.creates = 0  # refunds actually made (not replays)
        self.charges_made = 0  # payment intents actually made
        self.requests = 0
        self.crash_next = False
        self.fail_next = False
        self.unsaved: set[str] = set()  # original payments that left no card to charge again
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

    def total_charged(self) -> int:
        return sum(i["amount"] for i in self.intents.values() if i["status"] == "succeeded")

    def original(self, kind: str, reference: str) -> dict[str, Any]:
        saved = reference not in self.unsaved
        return {
            "id": reference,
            "object": kind,
            "customer": "cus_fake" if saved else None,
            "payment_method": "pm_fake" if saved else None,
            "status": "succeeded",
        }

    def refund(self, form: dict[str, str]) -> dict[str, Any]:
        self.creates += 1
        refund = dict(self.fixture)
        refund.update(
            id=f"re_fake{self.creates}",
            amount=int(form["amount"]),
            charge=form.get("charge"),
            payment_intent=form.get("payment_intent"),
            status="succeeded",
        )
        self.refunds[refund["id"]] = refund
        return refund

    def intent(self, form: dict[str, str]) -> dict[str, Any]:
        self.charges_made += 1
        intent = dict(INTENT)
        number = self.charges_made
        intent.update(
            id=f"pi_fake{number}",
            amount=int(form["amount"]),
            currency=form["currency"],
            customer=form.get("customer"),
            payment_method=form.get("payment_method"),
            latest_charge=f"ch_fakecharge{number}",
            status="succeeded",
        )
        self.intents[intent["id"]] = intent
        return intent

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

            def _missing(self) -> None:
                self._send(404, {"error": {"type": "invalid_request_error", "message": "No such object"}})

            def do_GET(self) -> None:
                parts = self.path.split("?")[0].strip("/").split("/")  # v1, kind, id
                kind, reference = parts[1], parts[-1]
                if kind == "refunds":
                    found = fake.refunds.get(reference)
                elif kind == "payment_intents":
                    found = fake.intents.get(reference) or fake.original("payment_intent", reference)
                elif kind == "charges":
                    found = fake.original("charge", reference)
                else:
                    found = None
                if found is None:
                    self._missing()
                else:
                    self._send(200, found)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                key = self.headers.get("Idempotency-Key", "")
                kind = self.path.strip("/").split("/")[1]
                if kind not in ("refunds", "payment_intents"):
                    self._missing()
                    return
                with fake.lock:
                    fake.requests += 1
                    if key in fake.by_key:
                        self._send(200, fake.by_key[key])
                        return
                    if fake.fail_next:
                        fake.fail_next = False
                        code = "charge_already_refunded" if kind == "refunds" else "card_declined"
                        self._send(
                            402,
                            {
                                "error": {
                                    "type": "card_error",
                                    "code": code,
                                    "message": "Your card was declined.",
                                }
                            },
                        )
                        return
                    made = fake.refund(form) if kind == "refunds" else fake.intent(form)
                    if key:
                        fake.by_key[key] = made
                    if fake.crash_next:
                        fake.crash_next = False
                        self.close_connection = True
                        self.connection.shutdown(2)
                        return
                self._send(200, made)

        return Handler
