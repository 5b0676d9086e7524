"""WooCommerce's REST API (``/wp-json/wc/v3``): orders read for an import, refunds posted back.

The consumer key and secret authenticate with HTTP Basic over HTTPS, as WooCommerce documents.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from retour.shopsync.errors import ShopUnreachable
from retour.shopsync.shops.http import request_json

PAGE_SIZE = 100


class WooCommerceAPI:
    def __init__(self, base_url: str, key: str, secret: str) -> None:
        self.base = f"{base_url}/wp-json/wc/v3"
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}"}

    def orders(self, page: int) -> list[dict[str, Any]]:
        query = urlencode({"page": page, "per_page": PAGE_SIZE, "orderby": "id", "order": "asc"})
        answer = request_json("GET", f"{self.base}/orders?{query}", self.headers)
        if not isinstance(answer, list):
            raise ShopUnreachable(_("WooCommerce's answer is not a list of orders."))
        return answer

    def create_refund(self, request: dict[str, Any]) -> str:
        body = {
            "amount": request["amount"],
            "reason": request["note"],
            # Retour paid the money already: WooCommerce records the refund without paying it again.
            "api_refund": False,
            "line_items": [
                {"id": _id(line["line_item"]), "quantity": line["quantity"]} for line in request["lines"]
            ],
        }
        answer = request_json("POST", f"{self.base}/orders/{request['order']}/refunds", self.headers, body)
        if not isinstance(answer, dict) or "id" not in answer:
            raise ShopUnreachable(_("WooCommerce's answer has no refund id."))
        return str(answer["id"])


def _id(value: str) -> int | str:
    """WooCommerce's ids are integers; Retour keeps them as text."""
    return int(value) if value.isdigit() else value
