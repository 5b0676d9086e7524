"""A local HTTP server that speaks enough of Shopify's Admin GraphQL API for Retour's shop sync.

``POST /admin/api/{version}/graphql.json`` with ``X-Shopify-Access-Token`` (another token: 401 with
Shopify's error body). The document's operation is read from the query text, and its variables are
checked as Shopify's schema types them:

- ``returnableFulfillments(orderId:)``: the fulfilled line items of the orders in ``fulfilled``;
- ``returnCreate(returnInput: ReturnInput!)``: every ``fulfillmentLineItemId`` must be one of those, with
  a ``ReturnReason`` value; a ``Return`` in status OPEN;
- ``refundCreate(input: RefundInput!) @idempotent(key:)``: the directive is required (as from 2026-01
  when a key is given); the same key gives back the first refund, as Shopify does;
- ``orderCreate(order: OrderCreateOrderInput!)``: line items with a title, a quantity and a ``priceSet``.

``fail_next`` answers the next request 503 (Shopify busy); ``refuse_next`` answers a ``userErrors``.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

REASONS = {
    "COLOR",
    "DEFECTIVE",
    "NOT_AS_DESCRIBED",
    "OTHER",
    "SIZE_TOO_LARGE",
    "SIZE_TOO_SMALL",
    "STYLE",
    "UNKNOWN",
    "UNWANTED",
    "WRONG_ITEM",
}
PATH = re.compile(r"^/admin/api/(\d{4}-\d{2}|unstable)/graphql\.json$")
FIELD = re.compile(r"\b(returnableFulfillments|returnCreate|refundCreate|orderCreate)\s*\(")


class FakeShopify:
    def __init__(self, token: str = "shpat_test_token") -> None:  # noqa: S107  # a test token
        self.token = token
        self.fulfilled: dict[str, list[str]] = {}  # order id -> its fulfilled line item ids
        self.calls: list[tuple[str, dict[str, Any]]] = []  # (field, variables) of each accepted request
        self.returns: list[dict[str, Any]] = []
        self.refunds: dict[str, dict[str, Any]] = {}  # idempotency key -> refund
        self.orders: list[dict[str, Any]] = []
        self.refused_tokens = 0
        self.fail_next = 0
        self.refuse_next = False
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeShopify:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- operations ----------------------------------------------------------------------------------

    def _fulfillment_line(self, line_item: str) -> str:
        return line_item.replace("/LineItem/", "/FulfillmentLineItem/")

    def returnable(self, variables: dict[str, Any]) -> dict[str, Any]:
        lines = self.fulfilled.get(variables["orderId"], [])
        edges = [
            {
                "node": {
                    "quantity": 1,
                    "fulfillmentLineItem": {"id": self._fulfillment_line(i), "lineItem": {"id": i}},
                }
            }
            for i in lines
        ]
        nodes = [{"node": {"returnableFulfillmentLineItems": {"edges": edges}}}] if edges else []
        return {"returnableFulfillments": {"edges": nodes}}

    def return_create(self, variables: dict[str, Any]) -> dict[str, Any]:
        given = variables["returnInput"]
        known = {self._fulfillment_line(i) for i in self.fulfilled.get(given["orderId"], [])}
        problems = [
            {"field": ["returnInput", "returnLineItems"], "message": "Fulfillment line item not returnable."}
            for line in given["returnLineItems"]
            if line["fulfillmentLineItemId"] not in known
            or line["returnReason"] not in REASONS
            or int(line["quantity"]) < 1
        ]
        if problems:
            return {"returnCreate": {"return": None, "userErrors": problems}}
        made = {"id": f"gid://shopify/Return/{len(self.returns) + 1}", "status": "OPEN", "input": given}
        self.returns.append(made)
        return {"returnCreate": {"return": {"id": made["id"], "status": "OPEN"}, "userErrors": []}}

    def refund_create(self, variables: dict[str, Any]) -> dict[str, Any]:
        key, given = variables["key"], variables["input"]
        if key not in self.refunds:
            self.refunds[key] = {"id": f"gid://shopify/Refund/{len(self.refunds) + 1}", "input": given}
        return {"refundCreate": {"refund": {"id": self.refunds[key]["id"]}, "userErrors": []}}

    def order_create(self, variables: dict[str, Any]) -> dict[str, Any]:
        order = variables["order"]
        lines = order.get("lineItems") or []
        if not lines or any(
            not line.get("title")
            or int(line["quantity"]) < 1
            or "amount" not in line["priceSet"]["shopMoney"]
            for line in lines
        ):
            return {
                "orderCreate": {"order": None, "userErrors": [{"field": ["order"], "message": "Invalid"}]}
            }
        made = {"id": f"gid://shopify/Order/{9000 + len(self.orders)}", "name": f"#R{len(self.orders) + 1}"}
        self.orders.append({**made, "input": order})
        return {"orderCreate": {"order": made, "userErrors": []}}

    def answer(self, query: str, variables: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        found = FIELD.search(query)
        if found is None:
            return 200, {"errors": [{"message": "Field is not defined on QueryRoot or Mutation"}]}
        field = found.group(1)
        if field == "refundCreate" and "@idempotent(key:" not in re.sub(r"\s", "", query):
            return 200, {"errors": [{"message": "refundCreate needs the @idempotent directive"}]}
        if self.refuse_next and field != "returnableFulfillments":
            self.refuse_next = False
            return 200, {"data": {field: {"userErrors": [{"field": None, "message": "Refused by the fake"}]}}}
        operations = {
            "returnableFulfillments": self.returnable,
            "returnCreate": self.return_create,
            "refundCreate": self.refund_create,
            "orderCreate": self.order_create,
        }
        try:
            data = operations[field](variables)
        except (KeyError, TypeError, ValueError) as error:
            return 200, {"errors": [{"message": f"Variable is invalid: {error}"}]}
        self.calls.append((field, variables))
        return 200, {"data": data}

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
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                with fake.lock:
                    if not PATH.match(self.path):
                        self._send(404, {"errors": "Not Found"})
                        return
                    if self.headers.get("X-Shopify-Access-Token") != fake.token:
                        fake.refused_tokens += 1
                        self._send(
                            401, {"errors": "[API] Invalid API key or access token (unrecognized login)"}
                        )
                        return
                    if fake.fail_next:
                        fake.fail_next -= 1
                        self._send(503, {"errors": "Service unavailable"})
                        return
                    try:
                        body = json.loads(raw)
                        status, answer = fake.answer(body["query"], body.get("variables") or {})
                    except (ValueError, KeyError, TypeError):
                        status, answer = 400, {"errors": "Bad Request"}
                self._send(status, answer)

        return Handler
