"""The demo store's year of returns: a history for the analytics and the refund forecast to learn from.

``add_history(store, seed=..., now=...)`` goes through the store's delivered order lines in order and,
for each, decides with one ``random.Random(seed)`` whether it came back, when and how, then brings the
returns in through the past-returns import (``import_past_returns``: the same checks, all or nothing,
idempotent on the number), as a store moving from another returns tool brings its history. They move
no money in Retour's ledger (the history was paid elsewhere); the returns made in Retour itself, in every
state, come from ``retour demo --lifecycle``.

What makes it realistic enough for the forecast's backtest to mean something:

- return rates by category in the published ranges (apparel 25-40 %, shoes 20-30 %, electronics
  8-15 %, beauty 5-12 %, books and food rarely), gifts bought in the Christmas run-up a little more often;
- the orders themselves follow the season (``orders.demo.seasonal_weights``: the December peak);
- reasons in the shares the demo's return requests use: size and fit first for what
  comes in sizes, faults and "changed my mind" for the rest;
- a timeline: asked for within the 30 days after delivery (most in the first week), sent back within a
  few days, in transit for two to five, inspected and refunded one to three days after arriving; a few
  rejected, cancelled or never sent (expired); what had not happened by ``now`` has not happened: the
  latest returns are still open;
- outcomes: mostly refunds to the original payment (less a return fee for a change of mind sent with a
  label), some store credit and exchanges, cheap items kept (returnless).

The same (store, seed, now) always gives the same history; lines that already have a return are left
alone (their random draws are still made, so the others do not change).
"""

from __future__ import annotations

import math
import random
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import accumulate

from django.conf import settings

from retour.catalog.models import Store
from retour.insights.domain.metrics import paid_value, returned_value
from retour.insights.importers.past_returns import PastReturnIn, PastReturnRecord
from retour.insights.models import PastReturn, PastReturnLine
from retour.insights.services.importing import ReturnsImportReport, import_past_returns
from retour.orders.models import OrderLine
from retour.policies.domain.vocabulary import SELLER_FAULT_REASONS
from retour.returns.models import ReturnLine

NUMBER_PREFIX = "HIST-"
# Reasons, in percent: the shares of the demo's return requests, size and fit first for what comes in
# sizes, faults and changes of mind for the rest.
SIZED = frozenset({"apparel", "shoes"})
REASONS_SIZED = (
    ("size_fit", 34),
    ("changed_mind", 18),
    ("no_longer_needed", 8),
    ("better_price", 4),
    ("arrived_late", 3),
    ("defective", 9),
    ("damaged_in_transit", 6),
    ("wrong_item", 7),
    ("not_as_described", 11),
)
REASONS_OTHER = (
    ("changed_mind", 34),
    ("no_longer_needed", 14),
    ("better_price", 6),
    ("arrived_late", 4),
    ("defective", 18),
    ("damaged_in_transit", 9),
    ("wrong_item", 6),
    ("not_as_described", 9),
)
WINDOW_DAYS = 30
# The chance that a delivered line comes back, by category.
RETURN_RATES = {
    "apparel": 0.30,
    "shoes": 0.24,
    "electronics": 0.11,
    "beauty": 0.08,
    "home": 0.09,
    "sports": 0.12,
    "toys": 0.07,
    "books": 0.04,
    "media": 0.05,
    "software": 0.03,
    "grocery": 0.02,
}
GIFT_SEASON_FACTOR = 1.15  # ordered from 21 November to 24 December
# Of the returns that count: (resolution, status, share in percent).
OUTCOMES = (
    ("refund", "refunded", 73),
    ("store_credit", "store_credit", 13),
    ("exchange", "exchanged", 11),
    ("keep", "kept", 3),
)
VOID_SHARE = 0.09  # rejected, cancelled or expired, a third each
RETURN_FEE = Decimal("4.95")  # a change of mind sent back with the store's label
LABEL_COST = Decimal("5.40")
LABEL_SHARE = 0.6  # of parcels sent with the store's label (the others dropped off)
KEEP_BELOW = Decimal(15)  # an item cheaper than this is kept (returnless) when it is not a fault
CONDITIONS = {"fault": "damaged", "other": "unopened"}


@dataclass(frozen=True, slots=True)
class _Line:
    pk: int
    order_number: str
    position: int
    sku: str
    category: str
    quantity: int
    value: Decimal
    currency: str
    ordered_at: datetime
    delivered_at: datetime


def add_history(store: Store, *, seed: int, now: datetime) -> ReturnsImportReport:
    """Bring in the store's history of returns (see the module's docstring); the import's report."""
    records = (
        PastReturnRecord(row, value) for row, value in enumerate(generate(store, seed=seed, now=now), 1)
    )
    return import_past_returns(store, records)


def generate(store: Store, *, seed: int, now: datetime) -> Iterator[PastReturnIn]:
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    taken = _lines_with_returns(store)
    for line in _delivered_lines(store, now):
        made = _history_of(line, rng, now)
        if made is not None and line.pk not in taken:
            yield made


def _lines_with_returns(store: Store) -> set[int]:
    """Lines a return made in Retour or a past return not from this history already took units of."""
    real = ReturnLine.objects.filter(ret__store=store).values_list("order_line_id", flat=True)
    past = PastReturnLine.objects.filter(past_return__store=store).exclude(
        past_return__number__startswith=NUMBER_PREFIX
    )
    return set(real) | set(past.values_list("order_line_id", flat=True))


def _delivered_lines(store: Store, now: datetime) -> Iterator[_Line]:
    rows = (
        OrderLine.objects.filter(
            order__store=store,
            order__cancelled_at__isnull=True,
            requires_shipping=True,
            fulfilled_quantity__gt=0,
            shipment__delivered_at__lt=now,
        )
        .order_by("order__ordered_at", "order_id", "position")
        .values_list(
            "pk",
            "order__number",
            "position",
            "sku",
            "category",
            "quantity",
            "unit_price",
            "line_discount",
            "order_discount_share",
            "order__currency",
            "order__ordered_at",
            "shipment__delivered_at",
        )
        .iterator(chunk_size=5000)
    )
    for (
        pk,
        number,
        position,
        sku,
        category,
        quantity,
        price,
        discount,
        share,
        currency,
        ordered,
        delivered,
    ) in rows:
        if delivered is None:  # the filter wants it delivered: never here
            continue
        value = returned_value(paid_value(price, quantity, discount, share), quantity, quantity, currency)
        yield _Line(pk, number, position, sku, category, quantity, value, currency, ordered, delivered)


def _pick(table: tuple[tuple[str, int], ...], roll: float) -> str:
    cumulative = list(accumulate(share for _name, share in table))
    return table[min(bisect(cumulative, roll * cumulative[-1]), len(table) - 1)][0]


def _history_of(line: _Line, rng: random.Random, now: datetime) -> PastReturnIn | None:
    """The return of ``line``, if it came back; the same number of draws whatever the outcome."""
    draws = [rng.random() for _ in range(12)]
    zone = line.ordered_at.tzinfo
    rate = RETURN_RATES.get(line.category, 0.0)
    ordered = line.ordered_at.astimezone(zone)
    if (11, 21) <= (ordered.month, ordered.day) <= (12, 24):
        rate *= GIFT_SEASON_FACTOR
    if draws[0] >= rate or not line.sku:
        return None
    reasons = REASONS_SIZED if line.category in SIZED else REASONS_OTHER
    reason = _pick(reasons, draws[1])
    fault = reason in SELLER_FAULT_REASONS
    # Days after delivery: most in the first week, all within the window (a beta-shaped spread).
    after = min(int(_beta(draws[2], draws[3]) * WINDOW_DAYS), WINDOW_DAYS - 1)
    requested = line.delivered_at + timedelta(days=after, hours=2 + 10 * draws[4])
    if requested >= now:
        return None  # still to come
    label = draws[5] < LABEL_SHARE
    value: dict[str, object] = {
        "number": f"{NUMBER_PREFIX}{line.order_number}-{line.position}",
        "order": line.order_number,
        "requested_at": requested,
        "label_cost": LABEL_COST if label else Decimal(0),
    }
    if draws[6] < VOID_SHARE:
        status = ("rejected", "cancelled", "expired")[int(draws[7] * 3)]
        days = {"rejected": 1, "cancelled": 2, "expired": settings.RETURN_EXPIRY_DAYS + 1}[status]
        ended = requested + timedelta(days=days + int(draws[8] * 2))
        value.update(_line(line, reason, fault, "refund"), label_cost=Decimal(0))
        if ended >= now:
            return PastReturnIn.model_validate({**value, "status": "open"})
        return PastReturnIn.model_validate({**value, "status": status, "resolved_at": ended})
    resolution = _pick(tuple((name, share) for name, _status, share in OUTCOMES), draws[7])
    if not fault and line.value < KEEP_BELOW:
        resolution = "keep"
    status = next(status for name, status, _share in OUTCOMES if name == resolution)
    value.update(_line(line, reason, fault, resolution))
    if resolution == "keep":
        resolved = requested + timedelta(hours=20)
        value["label_cost"] = Decimal(0)
        received = None
    else:
        sent = int(-2.2 * _log(draws[8]))  # days before the shopper sends it: mostly at once
        transit = 2 + int(draws[9] * 4)
        received = requested + timedelta(days=min(sent, 12) + transit)
        resolved = received + timedelta(days=1 + int(draws[10] * 3), hours=3)
    if received is not None and received >= now:
        return PastReturnIn.model_validate({**value, "status": "open"})
    if received is not None:
        value["received_at"] = received
    if resolved >= now:
        return PastReturnIn.model_validate({**value, "status": "open"})
    fee = RETURN_FEE if label and not fault and resolution == "refund" else Decimal(0)
    fee = min(fee, line.value)
    money = {
        "refund": {"refunded": line.value - fee, "fees_charged": fee},
        "keep": {"refunded": line.value},
        "store_credit": {"store_credit": line.value},
        "exchange": {},
    }[resolution]
    return PastReturnIn.model_validate({**value, **money, "status": status, "resolved_at": resolved})


def _line(line: _Line, reason: str, fault: bool, resolution: str) -> dict[str, object]:
    return {
        "lines": [
            {
                "sku": line.sku,
                "quantity": line.quantity,
                "reason": reason,
                "condition": CONDITIONS["fault" if fault else "other"],
                "resolution": resolution,
                "amount": line.value,
            }
        ]
    }


def _beta(first: float, second: float) -> float:
    """A share of the window skewed towards 0, from two uniform draws: the smaller of the two raised to
    1.3 (mean about a quarter of the window: most returns are asked for in the first week)."""
    return float(min(first, second) ** 1.3)


def _log(value: float) -> float:
    return math.log(max(value, 1e-12))


def history_count(store: Store) -> int:
    return PastReturn.objects.filter(store=store, number__startswith=NUMBER_PREFIX).count()
