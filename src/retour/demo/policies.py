"""Past return requests for the demo store: what its shoppers asked over the last 90 days, decided.

``add_past_requests(store, count, seed=..., now=...)`` writes request-stage ``PolicyDecision`` rows, the
way ``services.record`` would, decided under the store's active policy (``marketplace-standard`` is
loaded first when the store has none). Each request copies a delivered order line of the store (its
product, price, quantity, buyer, payment and transit time) and gives it a reason, a reported condition
and a day: the requests are spread evenly over the 90 days before ``now``, most of them within two weeks
of delivery, some late (past the 30-day window), a few months later when something is wrong with the item
(the legal guarantee), and one in a hundred before the parcel arrived.

Lines are sampled, so a million requests need only the few thousand lines of a small demo store; rows go
in through ``core.bulk`` (COPY on PostgreSQL), a million in about a minute. The same (store, count, seed,
now) always gives the same requests.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from typing import Any, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from retour.catalog.models import Store
from retour.core.bulk import insert_rows, refresh_statistics
from retour.core.errors import DomainError
from retour.orders.models import OrderLine
from retour.policies import services
from retour.policies.domain import legal
from retour.policies.domain.decision import Decision
from retour.policies.domain.facts import Facts
from retour.policies.domain.model import Text
from retour.policies.domain.vocabulary import SELLER_FAULT_REASONS
from retour.policies.models import PolicyDecision, PolicyVersion
from retour.policies.order_facts import facts_for_line, with_fact_relations

REQUEST_DAYS = 90
DEFAULT_TEMPLATE = "marketplace-standard"
MAX_LINES = 5_000  # the most recent delivered lines are sampled; enough variety for any count
BATCH = 10_000
_T = TypeVar("_T")

# Shares in percent. Sizes are a reason only for what comes in sizes.
_SIZED = frozenset({"apparel", "shoes"})
_REASONS_SIZED = (
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
_REASONS_OTHER = (
    ("changed_mind", 34),
    ("no_longer_needed", 14),
    ("better_price", 6),
    ("arrived_late", 4),
    ("defective", 18),
    ("damaged_in_transit", 9),
    ("wrong_item", 6),
    ("not_as_described", 9),
)
_CONDITIONS = {
    "fault": (("damaged", 35), ("opened", 30), ("used", 25), ("missing_parts", 10)),
    "wrong_item": (("unopened", 60), ("opened", 40)),
    "other": (("unopened", 45), ("opened", 35), ("used", 14), ("damaged", 3), ("missing_parts", 3)),
}
# Days after delivery: (share in percent, first day, last day).
_DAYS = {
    "fault": ((55, 0, 14), (30, 15, 90), (15, 91, 400)),
    "other": ((62, 0, 14), (26, 15, 30), (9, 31, 60), (3, 61, 120)),
}
NOT_DELIVERED_SHARE = 0.01
PARTIAL_SHARE = 0.3  # of lines of several units, one unit only is returned
# Hours of the day requests are made at (store time), relative weights.
_HOURLY = (1, 1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 10, 10, 10, 9, 9, 9, 10, 11, 13, 14, 12, 8, 3)
_HOURLY_CUMULATIVE = tuple(accumulate(_HOURLY))

FIELDS = (
    "store_id",
    "version_id",
    "stage",
    "decided_at",
    "country",
    "currency",
    "category",
    "unit_price",
    "quantity",
    "ordered_at",
    "delivered_at",
    "requested_at",
    "condition",
    "reason",
    "is_gift",
    "member",
    "final_sale",
    "personalised",
    "seller_code",
    "payment_method",
    "tags",
    "segment",
    "eligible",
    "code",
    "refund_percent",
    "item_refund",
    "fees",
    "refund_amount",
    "store_credit_amount",
    "keep_item",
    "legal_basis",
    "resolutions",
    "trace",
    "explanation_en",
    "explanation_fr",
)


class NoDeliveredLines(DomainError):
    code = "no_delivered_lines"
    status = 409


@dataclass(frozen=True)
class PastRequests:
    created: int
    existing: int  # request decisions the store had before
    version: PolicyVersion


@dataclass(frozen=True, slots=True)
class _Line:
    """What a request copies from a delivered order line."""

    facts: Facts
    transit: int  # days from the order to the delivery


def add_past_requests(store: Store, count: int, *, seed: int = 1, now: datetime) -> PastRequests:
    """Bring the store to ``count`` past return requests (request-stage decisions), adding what is missing.

    Running it again with the same count adds nothing, so ``retour demo --returns N`` stays idempotent.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    with transaction.atomic():
        version = services.active_version(store) or services.load_policy(
            store, services.template_text(DEFAULT_TEMPLATE), note="demo"
        )
        existing = PolicyDecision.objects.filter(store=store, stage=PolicyDecision.Stage.REQUEST).count()
        missing = max(0, count - existing)
        if missing:
            lines = delivered_lines(store)
            if not lines:
                raise NoDeliveredLines(
                    _("The store has no delivered order lines to make return requests from.")
                )
            rng = random.Random(seed * 1_000_003 + existing)  # noqa: S311 - demo data, not secrets
            today = now.astimezone(store.zone).date()
            requests = generate_requests(lines, missing, rng, today, store)
            _write(store, version, requests)
            refresh_statistics(PolicyDecision)  # PostgreSQL's planner sees the new rows at once
    return PastRequests(missing, existing, version)


def delivered_lines(store: Store, limit: int = MAX_LINES) -> list[_Line]:
    """The store's most recent delivered order lines, as the facts a return of them starts from."""
    lines = with_fact_relations(
        OrderLine.objects.filter(
            order__store=store, order__cancelled_at__isnull=True, fulfilled_quantity__gt=0
        ).order_by("-id")[:limit]
    )
    sampled = []
    for line in lines:
        facts = facts_for_line(line, requested_at=date.min, condition="unopened", reason="changed_mind")
        if facts.delivered_at is not None:
            sampled.append(_Line(facts, (facts.delivered_at - facts.ordered_at).days))
    sampled.reverse()  # oldest first, so that the sample does not depend on the database's order
    return sampled


def generate_requests(
    lines: Sequence[_Line], count: int, rng: random.Random, today: date, store: Store
) -> Iterator[tuple[datetime, Facts]]:
    """``count`` requests, in time order over the ``REQUEST_DAYS`` days before ``today``."""
    zone = store.zone
    first = today - timedelta(days=REQUEST_DAYS)
    step = REQUEST_DAYS / count
    random_ = rng.random
    for index in range(count):
        requested = first + timedelta(days=int((index + random_()) * step))
        sample = lines[int(random_() * len(lines))]
        line, transit = sample.facts, sample.transit
        reasons = _REASONS_SIZED if line.category in _SIZED else _REASONS_OTHER
        reason = _pick(reasons, random_())
        fault = reason in SELLER_FAULT_REASONS
        kind = "wrong_item" if reason == "wrong_item" else "fault" if fault else "other"
        condition = _pick(_CONDITIONS[kind], random_())
        delivered: date | None
        if random_() < NOT_DELIVERED_SHARE:
            reason, condition, delivered = "arrived_late", "unopened", None
            ordered = requested - timedelta(days=2 + int(random_() * 12))
        else:
            _share, low, high = _band(_DAYS["fault" if fault else "other"], random_())
            delivered = requested - timedelta(days=low + int(random_() * (high - low + 1)))
            ordered = delivered - timedelta(days=transit)
        quantity = line.quantity
        if quantity > 1 and random_() < PARTIAL_SHARE:
            quantity = 1
        hour = bisect(_HOURLY_CUMULATIVE, random_() * _HOURLY_CUMULATIVE[-1])
        moment = time(min(hour, 23), int(random_() * 60), int(random_() * 60))
        yield (
            datetime.combine(requested, moment, tzinfo=zone),
            Facts(
                country=line.country,
                currency=line.currency,
                category=line.category,
                unit_price=line.unit_price,
                quantity=quantity,
                ordered_at=ordered,
                delivered_at=delivered,
                requested_at=requested,
                condition=condition,
                reason=reason,
                is_gift=line.is_gift,
                member=line.member,
                final_sale=line.final_sale,
                personalised=line.personalised,
                tags=line.tags,
                seller=line.seller,
                payment_method=line.payment_method,
                segment=line.segment,
            ),
        )


def _pick(table: tuple[tuple[_T, int], ...], roll: float) -> _T:
    percent = roll * 100
    for value, share in table:
        if percent < share:
            return value
        percent -= share
    return table[-1][0]


def _band(bands: tuple[tuple[int, int, int], ...], roll: float) -> tuple[int, int, int]:
    percent = roll * 100
    for band in bands:
        if percent < band[0]:
            return band
        percent -= band[0]
    return bands[-1]


def _write(store: Store, version: PolicyVersion, requests: Iterator[tuple[datetime, Facts]]) -> None:
    policy = services.compiled(version)
    floor = services.floor(policy)
    explained = _Explanations()
    batch: list[tuple[Any, ...]] = []
    for when, facts in requests:
        decision = legal.decide(policy, facts, floor)
        batch.append(_row(store.pk, version.pk, when, facts, decision, explained(decision)))
        if len(batch) >= BATCH:
            insert_rows(PolicyDecision, FIELDS, batch)
            batch = []
    insert_rows(PolicyDecision, FIELDS, batch)


def _row(
    store_id: int, version_id: int, when: datetime, f: Facts, d: Decision, texts: tuple[str, str]
) -> tuple[Any, ...]:
    """The columns ``services.record`` writes, in the order of ``FIELDS``."""
    return (
        store_id,
        version_id,
        PolicyDecision.Stage.REQUEST.value,
        when,
        f.country,
        f.currency,
        f.category,
        f.unit_price,
        f.quantity,
        f.ordered_at,
        f.delivered_at,
        f.requested_at,
        f.condition,
        f.reason,
        f.is_gift,
        f.member,
        f.final_sale,
        f.personalised,
        f.seller,
        f.payment_method,
        services.tags_text(f.tags),
        f.segment,
        d.eligible,
        d.code,
        d.refund_percent,
        d.item_refund,
        d.fees_total,
        d.refund_amount,
        d.store_credit_amount,
        d.keep_item,
        d.legal_basis or "",
        ",".join(d.resolutions),
        " ".join(d.trace)[:500],
        *texts,
    )


class _Explanations:
    """``decision.explanation`` in English and French, formatted once per distinct sentence.

    Formatting an amount with babel costs tens of microseconds; a million decisions say only a few
    thousand different things. The day and the return-by date are part of the key only for the
    sentences that show them.
    """

    def __init__(self) -> None:
        self.cache: dict[tuple[Any, ...], tuple[str, str]] = {}
        self.shows_dates: dict[Text, tuple[bool, bool]] = {}

    def __call__(self, decision: Decision) -> tuple[str, str]:
        text = decision.explain
        shows = self.shows_dates.get(text)
        if shows is None:
            both = text.en + text.fr
            shows = self.shows_dates[text] = ("{days}" in both, "{return_by}" in both)
        key = (
            text,
            decision.refund_percent,
            decision.refund_amount,
            decision.fees,
            decision.currency,
            decision.days_since_delivery if shows[0] else None,
            decision.return_by if shows[1] else None,
        )
        texts = self.cache.get(key)
        if texts is None:
            texts = self.cache[key] = (decision.explanation("en"), decision.explanation("fr"))
        return texts
