"""Shopify's Admin GraphQL API: a return, a refund and an order created for Retour.

Every request is a POST to ``/admin/api/{version}/graphql.json`` with the app's access token in
``X-Shopify-Access-Token``. A mutation's ``userErrors`` are Shopify's refusal (``ShopUnreachable`` too:
the sync is tried again, then given up and shown to staff).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from retour.shopsync.errors import ShopUnreachable
from retour.shopsync.shops.http import request_json

API_VERSION = "2026-01"

RETURNABLE = """
query ReturnableFulfillments($orderId: ID!) {
  returnableFulfillments(orderId: $orderId, first: 50) {
    edges { node { returnableFulfillmentLineItems(first: 250) {
      edges { node { quantity fulfillmentLineItem { id lineItem { id } } } }
    } } }
  }
}
"""
RETURN_CREATE = """
mutation ReturnCreate($returnInput: ReturnInput!) {
  returnCreate(returnInput: $returnInput) {
    return { id status }
    userErrors { field message }
  }
}
"""
REFUND_CREATE = """
mutation RefundCreate($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id }
    userErrors { field message }
  }
}
"""
ORDER_CREATE = """
mutation OrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order { id name }
    userErrors { field message }
  }
}
"""


class ShopifyAdmin:
    def __init__(self, base_url: str, access_token: str) -> None:
        self.url = f"{base_url}/admin/api/{API_VERSION}/graphql.json"
        self.token = access_token

    def graphql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        answer = request_json(
            "POST", self.url, {"X-Shopify-Access-Token": self.token}, {"query": query, "variables": variables}
        )
        if not isinstance(answer, dict) or answer.get("errors") or not isinstance(answer.get("data"), dict):
            errors = answer.get("errors") if isinstance(answer, dict) else answer
            raise ShopUnreachable(_("Shopify refused the request: %(errors)s") % {"errors": errors})
        data: dict[str, Any] = answer["data"]
        return data

    def _mutate(self, name: str, query: str, variables: dict[str, Any], created: str) -> str:
        payload = self.graphql(query, variables).get(name) or {}
        if payload.get("userErrors"):
            messages = "; ".join(str(e.get("message")) for e in payload["userErrors"])
            raise ShopUnreachable(_("Shopify refused the request: %(errors)s") % {"errors": messages})
        made = payload.get(created) or {}
        if not made.get("id"):
            raise ShopUnreachable(_("Shopify's answer has no id."))
        return str(made["id"])

    def fulfillment_lines(self, order_id: str) -> dict[str, str]:
        """Each returnable line item's id -> the id of the fulfillment line that shipped it."""
        data = self.graphql(RETURNABLE, {"orderId": order_id}).get("returnableFulfillments") or {}
        found: dict[str, str] = {}
        for edge in data.get("edges", []):
            lines = edge["node"]["returnableFulfillmentLineItems"]["edges"]
            for line in lines:
                item = line["node"]["fulfillmentLineItem"]
                found.setdefault(item["lineItem"]["id"], item["id"])
        return found

    def create_return(self, request: dict[str, Any]) -> str:
        shipped = self.fulfillment_lines(request["order"])
        missing = [line["line_item"] for line in request["lines"] if line["line_item"] not in shipped]
        if missing:
            raise ShopUnreachable(
                _("Shopify has no returnable fulfilment for %(lines)s.") % {"lines": ", ".join(missing)}
            )
        return_input = {
            "orderId": request["order"],
            "notifyCustomer": False,
            "returnLineItems": [
                {
                    "fulfillmentLineItemId": shipped[line["line_item"]],
                    "quantity": line["quantity"],
                    "returnReason": line["reason"],
                    "returnReasonNote": line.get("note", ""),
                }
                for line in request["lines"]
            ],
        }
        return self._mutate("returnCreate", RETURN_CREATE, {"returnInput": return_input}, "return")

    def create_refund(self, request: dict[str, Any], key: str) -> str:
        refund_input = {
            "orderId": request["order"],
            "note": request["note"],
            "notify": False,
            "refundLineItems": [
                {"lineItemId": line["line_item"], "quantity": line["quantity"], "restockType": "NO_RESTOCK"}
                for line in request["lines"]
            ],
            # Retour paid the money already (its own gateway): Shopify records it, it does not pay it again.
            "transactions": [
                {
                    "orderId": request["order"],
                    "gateway": "manual",
                    "kind": "REFUND",
                    "amount": request["amount"],
                }
            ],
        }
        return self._mutate("refundCreate", REFUND_CREATE, {"input": refund_input, "key": key}, "refund")

    def create_order(self, request: dict[str, Any]) -> str:
        order = {
            "currency": request["currency"],
            "email": request["email"] or None,
            "note": request["note"],
            "tags": ["retour", "exchange"],
            "sourceIdentifier": request["source"],
            "financialStatus": "PAID" if request["paid"] else "PENDING",
            "lineItems": [
                {
                    "title": line["title"],
                    "sku": line["sku"] or None,
                    "quantity": line["quantity"],
                    "priceSet": {"shopMoney": {"amount": line["price"], "currencyCode": request["currency"]}},
                    "requiresShipping": True,
                }
                for line in request["lines"]
            ],
        }
        options = {"inventoryBehaviour": "DECREMENT_OBEYING_POLICY", "sendReceipt": False}
        return self._mutate("orderCreate", ORDER_CREATE, {"order": order, "options": options}, "order")
