"""The demo marketplace's sellers: a login each, guarantee claims in every state, one seller at risk.

``add_marketplace(store, now=...)`` gives each marketplace seller of the demo store a seller account
(username: the seller's code, the demo password), then files claims on orders of its own that never
arrived (orders ``MP-…``, imported as a shop sends them) and takes each as far as its state the way
people and the worker do: the seller answers or refunds, staff grant or deny, the buyer appeals, staff
confirm the manual payout and the worker marks the claim paid. Every step is the service a person would
call, with its events and ledger entries.

The claims granted against a seller all fall on one seller (the first), whose claim rate over 60 days
is then above the 1 % line; the others stay under it. Running the demo again adds only what is missing
(each claim has its own order number).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from retour.catalog.models import Seller, Store
from retour.claims.models import Claim
from retour.claims.services import deciding, money
from retour.claims.services.filing import ClaimedLine, Filing, file_claim
from retour.orders.importers import json_orders
from retour.orders.models import Order
from retour.orders.services.importing import import_orders
from retour.refunds.gateways import MANUAL
from retour.refunds.gateways.base import PENDING
from retour.refunds.services.paying import confirm_manual
from retour.sellers.services import accounts

Step = Callable[[Claim, Any], Claim]


def _answer(claim: Claim, staff: Any) -> Claim:
    evidence = deciding.Answer(
        kind="evidence", tracking_number="6A12345678901", message="Sent by tracked post."
    )
    return deciding.respond(claim, evidence, actor=None)


def _refund(claim: Claim, staff: Any) -> Claim:
    return deciding.respond(claim, deciding.Answer(kind="refund"), actor=None)


def _grant(claim: Claim, staff: Any) -> Claim:
    granted, _made = deciding.decide(
        claim, "granted", note="The parcel never arrived.", key="demo", actor=staff
    )
    return granted


def _deny(claim: Claim, staff: Any) -> Claim:
    claim = _answer(claim, staff)
    denied, _made = deciding.decide(
        claim, "denied", note="The carrier's tracking shows the parcel delivered.", key="demo", actor=staff
    )
    return denied


def _paid(claim: Claim, staff: Any) -> Claim:
    claim = _grant(claim, staff)
    claim.refresh_from_db()
    if claim.payout_request is not None:
        for refund in claim.payout_request.refunds.filter(gateway=MANUAL, status=PENDING):
            confirm_manual(refund, actor=staff)
    return money.settle(Claim.objects.get(pk=claim.pk))


def _appealed(claim: Claim, staff: Any) -> Claim:
    return deciding.appeal(_deny(claim, staff), "buyer", reason="I never had it: the address was wrong.")


@dataclass(frozen=True)
class DemoClaim:
    number: str  # the order's
    state: str
    step: Step | None
    at_risk: bool  # on the seller at risk: a claim granted against it
    hours_ago: int  # when it was filed


CLAIMS = (
    DemoClaim("MP-1001", "awaiting_seller", None, False, 2),
    DemoClaim("MP-1002", "awaiting_seller", None, False, 55),  # 17 hours left: the reminder is due
    DemoClaim("MP-1003", "seller_responded", _answer, False, 30),
    DemoClaim("MP-1004", "seller_refunded", _refund, False, 20),
    DemoClaim("MP-1005", "denied", _deny, False, 40),
    DemoClaim("MP-1006", "appealed", _appealed, False, 45),
    DemoClaim("MP-1007", "granted", _grant, True, 10),
    DemoClaim("MP-1008", "paid", _paid, True, 60),
)


@dataclass
class Marketplace:
    accounts: list[str] = field(default_factory=list)  # seller logins made now
    existing: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)  # made now
    at_risk: Seller | None = None


def _order(store: Store, number: str, seller: Seller, now: datetime) -> Order:
    """An order of the seller's that never arrived: shipped 20 days ago, due 14 days ago."""
    ordered = now - timedelta(days=21)
    values = {
        "number": number,
        "ordered_at": ordered.isoformat(),
        "currency": store.currency,
        "language": "fr" if number[-1] in "13579" else "en",
        "customer": {"email": f"{number.lower()}@example.com", "country": "FR"},
        "shipping_country": "FR",
        "fulfillment_status": "fulfilled",
        "shipping": "4.90",
        "lines": [
            {
                "title": f"{seller.name} parcel",
                "quantity": 1,
                "unit_price": "59.00",
                "fulfilled_quantity": 1,
                "seller": seller.code,
                "seller_name": seller.name,
            }
        ],
        "payments": [{"method": "card", "amount": "63.90", "captured_at": ordered.isoformat()}],
        "shipments": [
            {
                "shipped_at": (ordered + timedelta(days=1)).isoformat(),
                "estimated_delivery_latest": str((ordered + timedelta(days=7)).date()),
            }
        ],
    }
    report = import_orders(store, [json_orders.parse_one(values, 1)])
    if not report.ok:
        raise ValueError(f"demo order {number} refused: {report.errors}")
    return Order.objects.get(store=store, number=number)


def _filed(store: Store, number: str, seller: Seller, now: datetime, filed_at: datetime) -> Claim:
    """A "never arrived" claim on a new order of ``seller``'s, filed from the portal at ``filed_at``."""
    with transaction.atomic():
        order = _order(store, number, seller, now)
        claim, _created = file_claim(
            order,
            Filing(
                claim_type="not_received",
                lines=[ClaimedLine(order.lines.get().pk, 1)],
                message="My parcel never came.",
                language=order.language,
            ),
            actor=None,
            channel=Claim.Channel.PORTAL,
            now=filed_at,
        )
    return claim


def add_marketplace(store: Store, *, now: datetime, password: str) -> Marketplace:
    found = Marketplace()
    sellers = list(Seller.objects.filter(store=store, kind=Seller.Kind.MARKETPLACE).order_by("code"))
    if not sellers:
        return found
    for seller in sellers:
        if User.objects.filter(username=seller.code).exists():
            found.existing.append(seller.code)
        else:
            accounts.add_member(seller, seller.code, f"{seller.code}@sellers.example.com", password, "fr")
            found.accounts.append(seller.code)
    found.at_risk = sellers[0]
    others = sellers[1:] or sellers
    staff = User.objects.filter(username="agent").first()
    for index, spec in enumerate(CLAIMS):
        if Order.objects.filter(store=store, number=spec.number).exists():
            continue
        seller = sellers[0] if spec.at_risk else others[index % len(others)]
        claim = _filed(store, spec.number, seller, now, now - timedelta(hours=spec.hours_ago))
        if spec.step is not None:
            claim = spec.step(claim, staff)
        found.claims.append(claim)
    found.claims.extend(_until_at_risk(store, sellers[0], staff, now))
    return found


def _until_at_risk(store: Store, seller: Seller, staff: User | None, now: datetime) -> list[Claim]:
    """More granted claims against ``seller`` until its rate is over the 1 % line, however many orders
    the demo made (each claim's order counts in the rate too); at most 100."""
    from retour.claims.queries import claim_rate

    made: list[Claim] = []
    for extra in range(1, 101):
        if claim_rate(seller).rate * 100 > 1:
            break
        number = f"MP-2{extra:03d}"
        if Order.objects.filter(store=store, number=number).exists():
            continue
        made.append(_grant(_filed(store, number, seller, now, now - timedelta(hours=12)), staff))
    return made


def seller_rate_percent(seller: Seller) -> Decimal:
    from retour.claims.queries import claim_rate

    return (claim_rate(seller).rate * 100).quantize(Decimal("0.01"))
