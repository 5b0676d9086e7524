"""A local HTTP server that speaks enough of WooCommerce's REST API (``/wp-json/wc/v3``) for Retour.

Every request must carry the consumer key and secret as HTTP Basic credentials (WooCommerce's answer
otherwise: 401 ``woocommerce_rest_cannot_view``).

- ``GET /orders?page=N&per_page=M``: the ``orders`` given (tests/fixtures/woocommerce/…), a page at a time;
- ``POST /orders/{id}/refunds``: a refund of an order it has, with an ``amount`` no larger than what is
  left to refund (``woocommerce_rest_invalid_refund_amount`` otherwise), recorded in ``refunds``.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

REFUNDS = re.compile(r"^/wp-json/wc/v3/orders/(\d+)/refunds$")


class FakeWooCommerce:
    def __init__(self, orders: list[dict[str, Any]], key: str = "ck_test", secret: str = "cs_test") -> None:  # noqa: S107
        self.orders = orders
        self.credentials = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.refunds: list[dict[str, Any]] = []
        self.refused = 0
        self.fail_next = 0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeWooCommerce:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def left_to_refund(self, order: dict[str, Any]) -> Decimal:
        done = sum((Decimal(r["total"]) for r in order.get("refunds", [])), Decimal(0))
        mine = sum((Decimal(r["amount"]) for r in self.refunds if r["order"] == order["id"]), Decimal(0))
        return Decimal(order["total"]) + done - mine

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _allowed(self) -> bool:
                if self.headers.get("Authorization") == fake.credentials:
                    return True
                fake.refused += 1
                self._send(401, {"code": "woocommerce_rest_cannot_view", "data": {"status": 401}})
                return False

            def do_GET(self) -> None:
                with fake.lock:
                    if not self._allowed():
                        return
                    url = urlsplit(self.path)
                    if url.path != "/wp-json/wc/v3/orders":
                        self._send(404, {"code": "rest_no_route"})
                        return
                    query = parse_qs(url.query)
                    page, size = int(query.get("page", ["1"])[0]), int(query.get("per_page", ["10"])[0])
                    self._send(200, fake.orders[(page - 1) * size : page * size])

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake.lock:
                    if not self._allowed():
                        return
                    if fake.fail_next:
                        fake.fail_next -= 1
                        self._send(500, {"code": "internal_server_error"})
                        return
                    found = REFUNDS.match(urlsplit(self.path).path)
                    order = next((o for o in fake.orders if found and o["id"] == int(found.group(1))), None)
                    if order is None:
                        self._send(404, {"code": "woocommerce_rest_shop_order_invalid_id"})
                        return
                    amount = Decimal(str(body.get("amount", "0")))
                    if amount <= 0 or amount > fake.left_to_refund(order):
                        self._send(400, {"code": "woocommerce_rest_invalid_refund_amount"})
                        return
                    refund = {"id": 900 + len(fake.refunds), "order": order["id"], **body}
                    fake.refunds.append(refund)
                    self._send(
                        201, {"id": refund["id"], "amount": str(amount), "reason": body.get("reason", "")}
                    )

        return Handler
