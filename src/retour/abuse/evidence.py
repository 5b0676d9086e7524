"""What the signals need about one return, read from the database (``domain.signals.Evidence``)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from retour.abuse.domain import identity
from retour.abuse.domain.signals import HIGH_VALUE, WORN_ONCE, Evidence
from retour.abuse.models import IdentityKey, Observation
from retour.claims.models import Claim
from retour.orders.models import Customer, Order
from retour.policies import services as policies
from retour.policies.domain.compiler import return_by_date
from retour.returns.models import Return, ReturnLine
from retour.segments.services import figures_as_of

WORN = frozenset({"used", "opened"})


def keys_of(customer: Customer) -> set[tuple[str, str]]:
    """The customer's identity keys: normalised emails and shipping addresses of their orders, and the
    cards and devices observed on their returns."""
    keys = {("email", identity.normalised_email(customer.email))}
    orders = Order.objects.filter(customer=customer).values_list(
        "email", "shipping_address1", "shipping_postal_code", "shipping_country"
    )
    for email, line1, postal, country in orders:
        keys.add(("email", identity.normalised_email(email)))
        keys.add(("address", identity.normalised_address(line1, postal, country)))
    observed = Observation.objects.filter(ret__customer=customer).values_list(
        "card_fingerprint", "device_cookie"
    )
    for card, device in observed:
        keys.update({("card", card), ("device", device)})
    return {(kind, key[:255]) for kind, key in keys if key}


def remember_keys(customer: Customer) -> set[tuple[str, str]]:
    keys = keys_of(customer)
    for kind, key in keys:
        IdentityKey.objects.get_or_create(store_id=customer.store_id, customer=customer, kind=kind, key=key)
    return keys


def linked(customer: Customer, keys: set[tuple[str, str]]) -> tuple[set[int], tuple[str, ...]]:
    """The other customers of the store who share a key with this one, and which kinds of keys."""
    others: set[int] = set()
    kinds: set[str] = set()
    for kind in sorted({kind for kind, _key in keys}):
        mine = [key for k, key in keys if k == kind]
        found = set(
            IdentityKey.objects.filter(store_id=customer.store_id, kind=kind, key__in=mine)
            .exclude(customer=customer)
            .values_list("customer_id", flat=True)
        )
        if found:
            others |= found
            kinds.add(kind)
    order = [kind for kind in ("email", "address", "card", "device") if kind in kinds]
    return others, tuple(order)


def _lines(ret: Return) -> list[ReturnLine]:
    return list(ret.lines.select_related("order_line", "decision__version", "order_line__product__category"))


def _days_left(lines: list[ReturnLine]) -> int | None:
    """Days from the request to the end of the return window, the fewest of the lines'."""
    left = []
    for line in lines:
        decision = line.decision
        if decision.delivered_at is None:
            continue
        window = policies.compiled(decision.version).policy.return_window
        left.append((return_by_date(window, decision.delivered_at) - decision.requested_at).days)
    return min(left) if left else None


def _category(line: ReturnLine) -> str:
    product = line.order_line.product
    if product is not None and product.category is not None:
        return str(product.category.slug)
    return str(line.order_line.category)


def evidence_for(ret: Return) -> Evidence:
    lines = _lines(ret)
    observation = Observation.objects.filter(ret=ret).first()
    day = min((line.decision.requested_at for line in lines), default=date.today())
    customer = ret.customer
    history = figures_as_of(customer, day) if customer is not None else None
    worn = sum(
        1
        for line in lines
        if _category(line) in WORN_ONCE
        and (
            line.reported_condition in WORN
            or line.graded_condition in WORN
            or (observation and observation.worn)
        )
    )
    incomplete = sum(
        1
        for line in lines
        if Decimal(line.decision.unit_price) >= HIGH_VALUE
        and "missing_parts" in (line.reported_condition, line.graded_condition)
    )
    accounts: set[int] = set()
    kinds: tuple[str, ...] = ()
    claims = 0
    if customer is not None:
        accounts, kinds = linked(customer, remember_keys(customer))
        # The claims of every account the shopper seems to use.
        claims = Claim.objects.filter(
            order__customer_id__in={customer.pk, *accounts},
            claim_type=Claim.Type.NOT_RECEIVED,
            filed_at__date__gte=day - timedelta(days=365),
        ).count()
    return Evidence(
        returns_365d=history.returns_365d if history else 0,
        return_rate_365d=history.return_rate_units if history else Decimal(0),
        worn_once_lines=worn,
        days_left_in_window=_days_left(lines),
        high_value_incomplete=max(incomplete, observation.accessories_missing_lines if observation else 0),
        inr_claims_365d=claims,
        linked_accounts=len(accounts),
        linked_by=kinds,
        shipped_weight_grams=observation.shipped_weight_grams if observation else None,
        received_weight_grams=observation.received_weight_grams if observation else None,
        refund_before_shipping=bool(observation and observation.refund_before_shipping),
    )
