"""A repair as pages and the API show it: its journey line by line, what comes next and by when, the
deadline, and what the shopper may choose now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.catalog.models import Variant
from retour.core.money import Money
from retour.repairs.domain import clock, states
from retour.repairs.domain.states import State
from retour.repairs.models import GuaranteeExtension, Repair, Repairer, RepairEvent
from retour.repairs.services import replacing
from retour.repairs.services.timeline import deadline_of, local_today
from retour.returns.models import Return, ReturnPhoto
from retour.sellers.services import accounts

# The steps a shopper reads about (the staff-only warning is not one).
SHOPPER_EVENTS = frozenset(State) | {"guarantee_extended"}


@dataclass(frozen=True)
class Step:
    at: datetime
    kind: str
    label: str
    why: str


@dataclass(frozen=True)
class Journey:
    repair: Repair
    state: str
    steps: list[Step]
    next_state: str  # "" when nothing more is expected
    next_label: str
    expected_on: date | None
    deadline: clock.Deadline
    late: bool
    choices: list[str]  # what the shopper may choose now
    quote: Money | None
    extension: GuaranteeExtension | None
    photos: list[ReturnPhoto]
    variants: list[Variant]  # what a replacement may be, in stock now (when one is offered)


def label(state: str) -> str:
    try:
        return str(Repair.State(state).label)
    except ValueError:
        return state


def for_return(ret: Return) -> QuerySet[Repair]:
    return (
        Repair.objects.filter(ret=ret).select_related("line__order_line", "repairer", "store").order_by("id")
    )


def journey(repair: Repair, now: datetime | None = None) -> Journey:
    due = deadline_of(repair)
    today = local_today(repair, now)
    zone = repair.store.zone
    events = RepairEvent.objects.filter(repair=repair, kind__in=SHOPPER_EVENTS).order_by("at", "id")
    steps = [Step(timezone.localtime(e.at, zone), e.kind, _event_label(e), e.reason) for e in events]
    following = clock.expected_next(repair.state, timezone.localtime(repair.state_since, zone).date(), due)
    late_choices = clock.late_remedies(repair.state, due, today, under_guarantee=repair.under_guarantee)
    choices = []
    if repair.state == State.QUOTED:
        choices = [State.QUOTE_ACCEPTED.value, State.QUOTE_DECLINED.value]
    elif repair.state == State.UNREPAIRABLE:
        choices = [State.REPLACEMENT_CHOSEN.value, State.REFUND_CHOSEN.value]
    elif late_choices:
        choices = [State.REFUND_CHOSEN.value, State.PRICE_REDUCTION_CHOSEN.value]
    return Journey(
        repair=repair,
        state=label(repair.state),
        steps=steps,
        next_state=following[0].value if following else "",
        next_label=label(following[0].value) if following else "",
        expected_on=following[1] if following else None,
        deadline=due,
        late=clock.is_late(due, today) and repair.state in {s.value for s in states.OPEN},
        choices=choices,
        quote=repair.quote,
        extension=GuaranteeExtension.objects.filter(repair=repair).first(),
        photos=list(ReturnPhoto.objects.filter(line_id=repair.line_id).order_by("id")),
        variants=replacing.in_stock_variants(repair) if State.REPLACEMENT_CHOSEN.value in choices else [],
    )


def _event_label(event: RepairEvent) -> str:
    if event.kind == "guarantee_extended":
        return _("Legal guarantee extended until %(until)s") % {"until": event.data.get("until", "")}
    return label(event.kind)


def for_repairer_user(user: Any) -> QuerySet[Repair]:
    """The repairs sent to the repairers ``user`` belongs to (a repair partner's users; a seller's accounts
    for the repairs sent to that seller), and no other."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Repair.objects.none()
    mine = Q(repairer__users=user)
    seller = accounts.seller_of(user)
    if seller is not None:
        mine |= Q(repairer__kind=Repairer.Kind.SELLER, repairer__seller=seller)
    return (
        Repair.objects.filter(mine)
        .distinct()
        .select_related("line__order_line", "repairer", "store", "ret")
        .order_by("-requested_at", "-id")
    )


def is_repairer(user: Any) -> bool:
    """A partner's user, or a seller's account (seller-repairers use the same pages)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return Repairer.objects.filter(users=user).exists() or accounts.seller_of(user) is not None


def find(number: str) -> Repair | None:
    return (
        Repair.objects.filter(number=(number or "").strip().upper()[:16])
        .select_related("store", "ret", "line__order_line", "repairer")
        .first()
    )
