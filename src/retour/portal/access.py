"""Who may see which order: the shopper proves it once (order number with the order's email or postal
code, or a signed link sent to the order's email), and the session remembers it.

Everything else in the portal asks here: an order or a return the session was not granted is answered
exactly like one that does not exist.
"""

from __future__ import annotations

from django.core import signing
from django.http import Http404, HttpRequest

from retour.catalog.models import Store
from retour.claims.models import Claim
from retour.orders.models import Order
from retour.returns.models import Return

SESSION_KEY = "retour_portal_orders"
LINK_SALT = "retour.portal.access-link"
LINK_MAX_AGE = 24 * 3600  # seconds a link sent by email stays valid


def clean_number(text: str) -> str:
    return "".join(text.split()).lstrip("#").upper()


def _clean_postal_code(text: str) -> str:
    return "".join(text.split()).upper()


def find_order(store: Store, number: str, proof: str) -> Order | None:
    """The store's order with this number whose email (when ``proof`` has an @) or shipping postal code
    is ``proof``; None when either does not match, so the caller cannot tell which."""
    cleaned = clean_number(number)
    proof = proof.strip()
    if not cleaned or not proof:
        return None
    candidates = Order.objects.filter(store=store, number__in=[cleaned, f"#{cleaned}"]).select_related(
        "customer"
    )
    for order in candidates:
        if "@" in proof:
            known = {order.email, order.customer.email if order.customer else ""}
            if proof.casefold() in {email.casefold() for email in known if email}:
                return order
        elif _clean_postal_code(order.shipping_postal_code or "") == _clean_postal_code(proof):
            return order
    return None


def grant(request: HttpRequest, order: Order) -> None:
    granted = set(request.session.get(SESSION_KEY, []))
    granted.add(order.pk)
    request.session[SESSION_KEY] = sorted(granted)
    request.session.cycle_key()  # a new session id once the shopper proved who they are


def granted_ids(request: HttpRequest) -> list[int]:
    return [int(pk) for pk in request.session.get(SESSION_KEY, [])]


def order_for(request: HttpRequest, order_id: int) -> Order:
    """The order, if this session was granted it; 404 otherwise (as for an order that does not exist)."""
    if order_id not in granted_ids(request):
        raise Http404
    return Order.objects.select_related("store", "customer").get(pk=order_id)


def return_for(request: HttpRequest, number: str) -> Return:
    """The return, if this session was granted its order; 404 otherwise."""
    found = (
        Return.objects.filter(number=number.strip().upper(), order_id__in=granted_ids(request))
        .select_related("store", "order", "customer")
        .first()
    )
    if found is None:
        raise Http404
    return found


def link_token(order: Order) -> str:
    return signing.dumps({"order": order.pk}, salt=LINK_SALT, compress=True)


def order_from_token(token: str) -> Order | None:
    """The order a link names, while the link is valid and unaltered."""
    try:
        value = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    order_id = value.get("order") if isinstance(value, dict) else None
    if not isinstance(order_id, int):
        return None
    return Order.objects.filter(pk=order_id).select_related("store").first()


def claim_for(request: HttpRequest, number: str) -> Claim:
    """The guarantee claim, if this session was granted its order; 404 otherwise (as for one that does
    not exist)."""
    found = (
        Claim.objects.filter(number=number.strip().upper(), order_id__in=granted_ids(request))
        .select_related("store", "order", "seller")
        .first()
    )
    if found is None:
        raise Http404
    return found


def send_link(store: Store, number: str, email: str, *, language: str, site: str) -> None:
    """Have the worker email the order's link to the order's own address, if the number and email match."""
    from retour.portal.tasks import send_access_link  # the task module builds on this one

    send_access_link.enqueue(store.pk, number, email, language, site)
