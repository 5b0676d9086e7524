"""Abuse planted in the demo store (``retour demo --lifecycle``), so that the review queue, the scores and
the segments have something true to show.

The shoppers are drawn with a seed from the evaluation's generator (``abuse.domain.planted``): its abusive
cases, at most ``PER_PATTERN`` of each of its five patterns, become real accounts of the store, with
orders, return requests made through the returns services (scored as any request is), observations
recorded as the warehouse would, and "never arrived" claims filed through the claims services. Each
pattern keeps the signals the generator gave it where the store can show them (a serial returner's
returns, the worn evening dress asked back at the window's end, the camera back without its accessories,
the empty parcel, the mailbox behind several accounts, the claims of parcels said lost). Planted returns
stay a small share of the demo's (a few dozen among thousands), so that its other figures keep their
meaning. Idempotent: a store that has the planted orders already is left as it is.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction

from retour.abuse import services
from retour.abuse.domain import planted
from retour.abuse.domain.signals import SERIAL_RETURNS, Evidence
from retour.abuse.models import Assessment
from retour.catalog.models import Seller, Store
from retour.claims.models import Claim
from retour.claims.services.filing import ClaimedLine, Filing, file_claim
from retour.core.errors import DomainError
from retour.insights.models import PastReturn
from retour.orders.importers import json_orders
from retour.orders.models import Order
from retour.orders.services.importing import import_orders
from retour.policies import services as policies
from retour.policies.domain.compiler import return_by_date
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, request_return

PREFIX = "ML-AB"  # the planted orders' numbers: ML-AB<shopper><order>
SHOPPERS = 400  # drawn from the generator: about 32 abusive among them, before PER_PATTERN
PER_PATTERN = 2
# What each planted shopper bought: an evening dress (a kind worn once), a camera (high value), a jumper.
DRESS = {"title": "Robe de soirée en satin", "unit_price": "140.00", "category": "evening-wear"}
CAMERA = {"title": "Appareil photo hybride", "unit_price": "420.00", "category": "electronics"}
JUMPER = {"title": "Pull en laine mérinos", "unit_price": "79.00", "category": "apparel"}
FIRST_NAMES = ("lea", "hugo", "ines", "louis", "chloe", "jules", "manon", "arthur", "zoe", "nathan")


@dataclass
class Planting:
    shoppers: Counter[str] = field(default_factory=Counter)  # pattern -> shoppers planted now
    returns: int = 0
    held: int = 0  # of the planted returns, those waiting in the review queue
    existing: bool = False


def _order(
    store: Store, number: str, email: str, item: dict[str, str], delivered: datetime, **extra: Any
) -> Order:
    ordered = delivered - timedelta(days=3)
    values: dict[str, Any] = {
        "number": number,
        "ordered_at": ordered.isoformat(),
        "currency": store.currency,
        "language": "fr",
        "customer": {"email": email, "country": "FR", "language": "fr"},
        "shipping_country": "FR",
        "shipping_address1": extra.pop("address", f"{number[-3:]} rue des Lilas"),
        "shipping_postal_code": "69003",
        "fulfillment_status": "fulfilled",
        "lines": [{**item, "quantity": 1, "fulfilled_quantity": 1}],
        "payments": [{"method": "card", "amount": item["unit_price"], "captured_at": ordered.isoformat()}],
        "shipments": [
            {"shipped_at": (ordered + timedelta(days=1)).isoformat(), "delivered_at": delivered.isoformat()}
        ],
        **extra,
    }
    report = import_orders(store, [json_orders.parse_one(values, 1)])
    if not report.ok:
        raise ValueError(f"planted order {number} refused: {report.errors}")
    return Order.objects.get(store=store, number=number)


def _ask(order: Order, asked: datetime, condition: str = "unopened", reason: str = "changed_mind") -> Return:
    line = order.lines.get()
    return request_return(order, [LineRequest(line.pk, 1, reason, condition)], now=asked)[0]


class _Shopper:
    """One planted shopper: their account(s), orders and returns, numbered from ``index``."""

    def __init__(self, store: Store, index: int, now: datetime, r: random.Random) -> None:
        self.store, self.index, self.now, self.r = store, index, now, r
        self.name = f"{FIRST_NAMES[index % len(FIRST_NAMES)]}.planted{index}"
        self.orders = 0
        self.returns: list[Return] = []

    def number(self) -> str:
        self.orders += 1
        return f"{PREFIX}{self.index:03d}{self.orders:02d}"

    def bought(self, item: dict[str, str], days_ago: int, email: str = "", **extra: Any) -> Order:
        email = email or f"{self.name}@example.com"
        return _order(self.store, self.number(), email, item, self.now - timedelta(days=days_ago), **extra)

    def asked(self, order: Order, days_after_delivery: int, condition: str = "unopened") -> Return:
        delivered = order.shipments.get().delivered_at
        assert delivered is not None
        ret = _ask(order, min(delivered + timedelta(days=days_after_delivery), self.now), condition)
        self.returns.append(ret)
        return ret

    def serial(self, returns: int, email: str = "") -> None:
        """``returns`` earlier orders over the year before the last two months, each sent back a few days
        after it came."""
        for n in range(returns):
            order = self.bought(JUMPER, 330 - n * 50 - self.r.randint(0, 10), email)
            self.asked(order, self.r.randint(2, 10))


def _wardrober(s: _Shopper, e: Evidence) -> None:
    """A serial returner who wore the evening dress and asked for it back on one of the window's last
    days (the store's policy's window, seasonal extensions included: the request may be in the past)."""
    s.serial(SERIAL_RETURNS)
    version = policies.active_version(s.store)
    if version is None:
        raise ValueError("the store has no policy")
    window = policies.compiled(version).policy.return_window
    for days_ago in range(40, 400):  # the latest delivery whose window ended a day ago or later
        delivered = s.now - timedelta(days=days_ago)
        last_day = return_by_date(window, delivered.date())
        if last_day <= s.now.date():
            break
    asked = datetime.combine(last_day - timedelta(days=s.r.randint(0, 2)), delivered.timetz())
    dress = s.bought(DRESS, days_ago)
    s.asked(dress, (asked - delivered).days, condition="used")


def _accessories(s: _Shopper, e: Evidence) -> None:
    s.serial(SERIAL_RETURNS)
    camera = s.bought(CAMERA, 12)
    s.asked(camera, 9, condition="missing_parts")


def _multi_account(s: _Shopper, e: Evidence) -> None:
    # One Gmail mailbox behind three accounts: dots and a +tag make it look like three addresses.
    user = s.name.replace(".", "")
    emails = [f"{user}@gmail.com", f"{user[:3]}.{user[3:]}+shop@gmail.com", f"{user}+promo@googlemail.com"]
    for email in emails[:2]:
        s.asked(s.bought(JUMPER, 60 + s.r.randint(0, 30), email), 5)
    s.serial(SERIAL_RETURNS, emails[2])
    s.asked(s.bought(JUMPER, 6, emails[2]), 4)


def _not_received(s: _Shopper, e: Evidence, *, seller: Seller | None) -> None:
    user = s.name.replace(".", "")
    # A second account of the same mailbox asked for a return before.
    s.asked(s.bought(JUMPER, 80, f"{user}+2@gmail.com"), 6)
    email = f"{user}@gmail.com"
    if seller is not None:
        # Two claims, filed long enough ago not to weigh on the seller's recent claim rate.
        for n in range(2):
            _never_arrived(s, seller, email, filed=s.now - timedelta(days=120 - 40 * n))
    s.asked(s.bought(JUMPER, 8, email), 5)


def _never_arrived(s: _Shopper, seller: Seller, email: str, filed: datetime) -> None:
    ordered = filed - timedelta(days=21)
    item = {"title": f"{seller.name}: colis", "unit_price": "59.00", "seller": seller.code}
    order = _order(
        s.store,
        s.number(),
        email,
        item,
        ordered,
        shipments=[
            {
                "shipped_at": (ordered + timedelta(days=1)).isoformat(),
                "estimated_delivery_latest": str((ordered + timedelta(days=7)).date()),
            }
        ],
    )
    filing = Filing(
        claim_type=Claim.Type.NOT_RECEIVED,
        lines=[ClaimedLine(order.lines.get().pk, 1)],
        message="Mon colis n’est jamais arrivé.",
        language="fr",
    )
    file_claim(order, filing, actor=None, channel=Claim.Channel.PORTAL, now=filed)


def _empty_box(s: _Shopper, e: Evidence) -> None:
    order = s.bought(CAMERA, 10)
    ret = s.asked(order, 4)
    grams = e.shipped_weight_grams or 900
    if ret.state in ("approved", "label_issued"):
        services.observe(ret, shipped_weight_grams=grams, refund_before_shipping=e.refund_before_shipping)
        ret = handling.receive(ret, actor=None)
    services.observe(ret, shipped_weight_grams=grams, received_weight_grams=max(grams // 8, 40))


def plant_abuse(store: Store, *, seed: int, now: datetime) -> Planting:
    """Plant the seed's abusive shoppers in ``store`` (see the module's docstring)."""
    found = Planting()
    if Order.objects.filter(store=store, number__startswith=PREFIX).exists():
        found.existing = True
        return found
    r = random.Random(seed)  # noqa: S311 (a reproducible demo, not a secret)
    seller = Seller.objects.filter(store=store, kind=Seller.Kind.MARKETPLACE).order_by("code").first()
    cases = [case for case in planted.plant(seed, SHOPPERS) if case.abusive]
    chosen: list[planted.Planted] = []
    for case in cases:
        if sum(1 for c in chosen if c.pattern == case.pattern) < PER_PATTERN:
            chosen.append(case)
    makers: dict[str, Callable[[_Shopper, Evidence], None]] = {
        "wardrober": _wardrober,
        "accessories": _accessories,
        "multi_account": _multi_account,
        "empty_box": _empty_box,
        "not_received": partial(_not_received, seller=seller),
    }
    returns: list[Return] = []
    with transaction.atomic():  # all planted or none (a shopper whose request is refused is left out)
        for index, case in enumerate(chosen, start=1):
            shopper = _Shopper(store, index, now, r)
            try:
                with transaction.atomic():
                    makers[case.pattern](shopper, case.evidence)
            except (DomainError, ValueError):
                continue  # a policy that refuses this pattern's request: the shopper is left out
            found.shoppers[case.pattern] += 1
            returns.extend(shopper.returns)
    found.returns = len(returns)
    found.held = Assessment.objects.filter(
        ret__in=returns, review=True, ret__state=Return.State.REQUESTED
    ).count()
    return found


def planted_share(store: Store) -> Decimal:
    """The planted returns' share of the returns the store's analytics count (made in Retour, and brought
    in as its history): a small one."""
    total = Return.objects.filter(store=store).count() + PastReturn.objects.filter(store=store).count()
    ours = Return.objects.filter(store=store, order__number__startswith=PREFIX).count()
    return (Decimal(ours) / total).quantize(Decimal("0.001")) if total else Decimal(0)
