"""Past returns of the demo store, in every state of the lifecycle, made through the services.

``add_past_returns(store, now=...)`` asks for a return of a delivered line of a different order for each
stage below, as a shopper does (``request_return``, decided by the store's policy), then takes it as far
as that stage the way staff and the system do: an agent rejects or approves, the label is issued, the
parcel travels, the warehouse receives and grades it, finance pays the refund (``request_refund``, then
``confirm_manual`` for what is paid by hand), the shopper cancels, the expiry job expires. Nothing writes
a state itself: every step is the service a person or the worker would call, with its events, ledger
entries and emails.

Each return has a request key of its own (``demo-<stage>``), so running the demo again adds only the
stages that are missing. A stage whose line cannot be found (a small store, or a policy that approves
everything where the stage needs a review) is left out and named in the report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from retour.catalog.models import Store
from retour.core.errors import DomainError
from retour.orders.models import Order, OrderLine
from retour.policies.order_facts import delivered_on
from retour.refunds.gateways import MANUAL
from retour.refunds.gateways.base import PENDING
from retour.refunds.services.paying import confirm_manual, request_refund
from retour.returns.domain import states
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.creating import (
    Decided,
    LineRequest,
    allowed_methods,
    decide_lines,
    request_return,
    returnable_units,
)

KEY_PREFIX = "demo-"
# A line is picked among orders delivered this many days before the request, oldest first: the most
# recent orders stay free for a newcomer to try the portal with.
DELIVERED_DAYS = (3, 28)


@dataclass(frozen=True)
class Stage:
    name: str  # the request key's suffix
    state: str  # where the return ends
    reason: str
    condition: str
    method: str  # how the parcel goes back: label, drop_off
    review: bool = False  # a line the policy leaves for a person to approve
    days_ago: int = 0  # asked for this many days before ``now`` (the expired one is old enough to expire)
    outcome: str = ""


def _stages() -> tuple[Stage, ...]:
    expiry = settings.RETURN_EXPIRY_DAYS
    return (
        Stage("requested", states.REQUESTED, "defective", "damaged", "label", review=True),
        Stage("rejected", states.REJECTED, "not_as_described", "used", "label", review=True),
        Stage("approved", states.APPROVED, "changed_mind", "unopened", "drop_off"),
        Stage("label-issued", states.LABEL_ISSUED, "size_fit", "unopened", "label"),
        Stage("in-transit", states.IN_TRANSIT, "no_longer_needed", "unopened", "label"),
        Stage("received", states.RECEIVED, "size_fit", "opened", "label"),
        Stage("inspected", states.INSPECTED, "changed_mind", "opened", "drop_off"),
        Stage("refunded", states.RESOLVED, "size_fit", "unopened", "label", outcome="refunded"),
        Stage(
            "store-credit", states.RESOLVED, "changed_mind", "unopened", "drop_off", outcome="store_credit"
        ),
        Stage(
            "reviewed-refunded",
            states.RESOLVED,
            "defective",
            "damaged",
            "label",
            review=True,
            outcome="refunded",
        ),
        Stage("cancelled", states.CANCELLED, "better_price", "unopened", "drop_off"),
        Stage("expired", states.EXPIRED, "changed_mind", "unopened", "drop_off", days_ago=expiry + 2),
    )


@dataclass
class PastReturns:
    created: list[Return] = field(default_factory=list)
    existing: int = 0
    missing: list[str] = field(default_factory=list)  # stages no line could be found for


class _Staff:
    """The demo's staff accounts (``retour demo`` creates them); None stands for the system."""

    def __init__(self) -> None:
        users = {
            user.username: user
            for user in User.objects.filter(username__in=["agent", "warehouse", "finance"])
        }
        self.agent = users.get("agent")
        self.warehouse = users.get("warehouse")
        self.finance = users.get("finance")


def add_past_returns(store: Store, *, now: datetime) -> PastReturns:
    """Give the demo store a return in each stage it lacks (see the module's docstring)."""
    report = PastReturns()
    staff = _Staff()
    used: set[int] = set(Return.objects.filter(store=store).values_list("order_id", flat=True))
    for stage in _stages():
        key = KEY_PREFIX + stage.name
        if Return.objects.filter(store=store, request_key=key).exists():
            report.existing += 1
            continue
        asked = now - timedelta(days=stage.days_ago)
        found = _line_for(store, stage, asked, used)
        if found is None:
            report.missing.append(stage.name)
            continue
        order, request = found
        used.add(order.pk)
        with transaction.atomic():
            ret, _created = request_return(
                order,
                [request],
                language=order.language or store.language_list[0],
                now=asked,
                return_method=stage.method,
                request_key=key,
            )
            ret = _take_to(ret, stage, staff, now)
        report.created.append(ret)
    return report


def _line_for(
    store: Store, stage: Stage, asked: datetime, used: set[int]
) -> tuple[Order, LineRequest] | None:
    """A delivered line of an order not used yet, eligible for ``stage`` under the store's policy."""
    for line in _candidates(store, asked):
        if line.order_id in used:
            continue
        request = LineRequest(line.pk, returnable_units(line), stage.reason, stage.condition)
        try:
            decided = decide_lines(line.order, [request], now=asked)
        except DomainError:
            continue
        if _fits(decided[0], stage):
            return line.order, request
    return None


def _candidates(store: Store, asked: datetime) -> Iterator[OrderLine]:
    """Lines fulfilled in full, of orders with an email, that reached the shopper within
    ``DELIVERED_DAYS`` before ``asked``; the oldest first."""
    first, last = DELIVERED_DAYS
    lines = (
        OrderLine.objects.filter(
            order__store=store,
            order__cancelled_at__isnull=True,
            order__ordered_at__gte=asked - timedelta(days=last + 30),
            order__ordered_at__lte=asked - timedelta(days=first),
            fulfilled_quantity__gt=0,
        )
        .exclude(order__email="")
        .select_related("order__store", "order__customer", "shipment", "seller")
        .order_by("order__ordered_at", "position")
    )
    today = asked.astimezone(store.zone).date()
    for line in lines:
        day = delivered_on(line)
        if day is not None and first <= (today - day).days <= last and returnable_units(line) > 0:
            yield line


def _fits(item: Decided, stage: Stage) -> bool:
    decision = item.decision
    reviewed = decision.approval != "auto" or decision.photo_required
    return (
        decision.eligible
        and reviewed == stage.review
        and "refund" in decision.resolutions
        and not decision.keep_item
        and stage.method in allowed_methods([item])
        and (stage.outcome != "store_credit" or "store_credit" in decision.resolutions)
    )


def _take_to(ret: Return, stage: Stage, staff: _Staff, now: datetime) -> Return:
    """Move ``ret`` along the lifecycle, as people and the worker do, until it is in ``stage.state``."""
    steps: list[Callable[[Return], Return]] = []
    if stage.state == states.REQUESTED:
        return ret
    if stage.state == states.REJECTED:
        return handling.reject(ret, actor=staff.agent, reason=_rejection(ret))
    if stage.review:
        steps.append(lambda r: handling.approve(r, actor=staff.agent))
    if stage.state == states.CANCELLED:
        steps.append(lambda r: handling.cancel(r, actor=None, reason=_cancellation(r)))
    elif stage.state == states.EXPIRED:
        steps.append(lambda r: handling.expire(r, days=settings.RETURN_EXPIRY_DAYS, now=now) or r)
    else:
        order = (states.LABEL_ISSUED, states.IN_TRANSIT, states.RECEIVED, states.INSPECTED, states.RESOLVED)
        target = order.index(stage.state) if stage.state in order else -1
        if stage.method == "label" and target >= order.index(states.IN_TRANSIT):
            steps.append(lambda r: handling.mark_in_transit(r, tracking=r.tracking_number))
        if target >= order.index(states.RECEIVED):
            steps.append(lambda r: handling.receive(r, actor=staff.warehouse))
        if target >= order.index(states.INSPECTED):
            steps.append(lambda r: handling.inspect(r, _gradings(r), actor=staff.warehouse))
        if stage.state == states.RESOLVED:
            steps.append(lambda r: _refund(r, stage, staff))
    for step in steps:
        ret = step(ret)
    return Return.objects.get(pk=ret.pk)


def _gradings(ret: Return) -> list[handling.Grading]:
    return [
        handling.Grading(line.pk, line.reported_condition, "accepted", "restock")
        for line in ret.lines.filter(reception="received")
    ]


def _refund(ret: Return, stage: Stage, staff: _Staff) -> Return:
    """Finance pays the refund: to the original payment (by hand: confirmed at once) or as store credit."""
    method = "store_credit" if stage.outcome == "store_credit" else "original"
    request, _created = request_refund(
        ret, idempotency_key=f"{KEY_PREFIX}{stage.name}", method=method, actor=staff.finance
    )
    for refund in request.refunds.filter(status=PENDING, gateway=MANUAL):
        confirm_manual(refund, actor=staff.finance)
    return ret


def _rejection(ret: Return) -> str:
    with translation.override(handling.shopper_language(ret)):
        return _(
            "The item shows wear from normal use, which is not a fault: it cannot be returned as not as "
            "described."
        )


def _cancellation(ret: Return) -> str:
    with translation.override(handling.shopper_language(ret)):
        return _("The shopper decided to keep the item.")
