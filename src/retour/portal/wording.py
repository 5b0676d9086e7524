"""How the returns vocabulary reads for a shopper (staff wording lives with the policies admin)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REASONS: dict[str, Promise] = {
    "size_fit": _("It doesn't fit"),
    "changed_mind": _("I changed my mind"),
    "no_longer_needed": _("I no longer need it"),
    "better_price": _("I found a better price"),
    "arrived_late": _("It arrived too late"),
    "defective": _("It's faulty or doesn't work"),
    "damaged_in_transit": _("It arrived damaged"),
    "wrong_item": _("I received the wrong item"),
    "not_as_described": _("It's not as described"),
}
CONDITIONS: dict[str, Promise] = {
    "unopened": _("Unopened, in its packaging"),
    "opened": _("Opened, not used"),
    "used": _("Used"),
    "damaged": _("Damaged"),
    "missing_parts": _("Parts are missing"),
}
RESOLUTIONS: dict[str, Promise] = {
    "refund": _("Refund"),
    "store_credit": _("Store credit"),
    "exchange": _("Exchange for another size or colour"),
    "replacement": _("Replacement with the same item"),
    "repair": _("Repair"),
    "keep": _("Keep the item and get a refund"),
}
METHODS: dict[str, Promise] = {
    "label": _("Print a return label"),
    "drop_off": _("Box-free drop-off with a QR code"),
    "in_store": _("Bring it to a store"),
}
PAYMENT_METHODS: dict[str, Promise] = {
    "card": _("your card"),
    "paypal": _("your PayPal account"),
    "gift_card": _("your gift card"),
    "store_credit": _("your store credit"),
}
STATES: dict[str, Promise] = {
    "requested": _("Waiting for the store's approval"),
    "approved": _("Approved: send the items back"),
    "rejected": _("Not accepted"),
    "label_issued": _("Label ready: send the items back"),
    "in_transit": _("On its way to us"),
    "received": _("Received at our warehouse"),
    "inspected": _("Checked: refund being prepared"),
    "resolved": _("Completed"),
    "cancelled": _("Cancelled"),
    "expired": _("Expired"),
}
# Timeline entries a shopper sees, by event kind (others are staff-only detail).
EVENTS: dict[str, Promise] = {
    "requested": _("You asked for this return."),
    "approved": _("The return was approved."),
    "rejected": _("The return was not accepted."),
    "label_issued": _("Your return label was issued."),
    "in_transit": _("The parcel is on its way to us."),
    "delivered": _("The carrier delivered the parcel to our warehouse."),
    "received": _("We received your parcel."),
    "inspected": _("We checked the items."),
    "resolved": _("The return is complete."),
    "cancelled": _("The return was cancelled."),
    "expired": _("The return expired: nothing was sent back in time."),
    "reminder": _("We reminded you to send the parcel."),
    "refund_requested": _("Your refund was prepared."),
    "refunded": _("Your refund was sent."),
    "exchange": _("Your new item is being prepared."),
    "replacement": _("Your replacement is being prepared."),
    "repair": _("Your item was repaired."),
    "withdrawal": _("You withdrew from the contract."),
    "exchange_paid": _("The price difference of your exchange was paid."),
    "exchange_charge_failed": _("The payment for your exchange did not go through."),
    "exchange_charged": _("Your exchange was charged: the item never came back."),
    "refund_failed": _("A problem came up with your refund; we are on it."),
}


def label(table: dict[str, Promise], key: str) -> str:
    return str(table.get(key, key))


def payment_method(method: str) -> str:
    """How a way of paying reads in "refunded to …" (an unknown one is named as the shop named it)."""
    key = method.strip().lower().replace(" ", "_")
    if key in PAYMENT_METHODS:
        return str(PAYMENT_METHODS[key])
    return method or str(PAYMENT_METHODS["card"])


# The guarantee, in the buyer's words.
CLAIM_TYPES: dict[str, Promise] = {
    "not_received": _("My item never arrived"),
    "not_as_described": _("It arrived damaged, faulty, wrong or not as described"),
    "return_not_refunded": _("I sent it back and the seller has not refunded me"),
}
CLAIM_STATES: dict[str, Promise] = {
    "awaiting_seller": _("Waiting for the seller's answer"),
    "seller_responded": _("The seller answered: the marketplace decides"),
    "seller_refunded": _("Refunded by the seller"),
    "granted": _("Granted"),
    "denied": _("Declined"),
    "paid": _("Granted and paid"),
    "appealed": _("Under appeal"),
}
# What the seller is asked to show, per type of claim.
CLAIM_EVIDENCE: dict[str, Promise] = {
    "not_received": _(
        "The seller is asked for the parcel's tracking number and a proof of delivery to your address."
    ),
    "not_as_described": _(
        "The seller is asked to answer your message and photos, and whether they take the item back."
    ),
    "return_not_refunded": _("The seller is asked to refund you, or to show why they have not."),
}
CLAIM_EVENTS: dict[str, Promise] = {
    "filed": _("Claim filed"),
    "seller_responded": _("The seller answered"),
    "seller_refunded": _("The seller refunded you"),
    "granted": _("Granted by the marketplace"),
    "denied": _("Declined by the marketplace"),
    "paid": _("Payout sent"),
    "appealed": _("Decision appealed"),
    "appeal_upheld": _("Appeal decided: the decision stands"),
    "appeal_reversed": _("Appeal decided: the decision is reversed"),
}
