"""What a decision's reason means, in the reader's language (the API, and the pages built on it)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

REASONS: dict[str, Any] = {
    "not_delivered": _("The parcel was not delivered."),
    "delivered_with_proof": _("The carrier delivered the parcel, with a proof of delivery."),
    "seller_refused_return": _("The seller refused the return."),
    "seller_no_answer": _("The seller did not answer the return request."),
    "returned_not_as_described": _("The item was returned to the seller and was not as described."),
    "item_not_returned": _("The item has not been returned to the seller."),
    "returned_not_refunded": _("The item was returned, and the seller did not refund it."),
    "seller_no_response": _("The seller did not answer the claim in time."),
    "marketplace_decision": _("The marketplace decided on the evidence."),
}


def reason_text(reason: str) -> str:
    """The reason in the active language; an unknown code as it is."""
    return str(REASONS.get(reason, reason))
