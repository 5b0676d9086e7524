"""A repair as pages and the API show it: its journey line by line, what comes next and by when, the
deadline, and what the shopper may choose now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from retour.catalog.models import Variant
from retour.core.money import Money
from retour.refunds.models import Charge
from retour.repairs.domain import clock, states
from retour.repairs.domain.states import State
from retour.repairs.models import GuaranteeExtension, Repair, Repairer, RepairEvent
from retour.repairs.services import paying, replacing
from retour.repairs.services.timeline import deadline_of, local_today
from retour.returns.models import Return, ReturnPhoto
from retour.sellers.services import accounts

# The steps a shopper reads about (the staff-only warning is not one).
SHOPPER_EVENTS = frozenset(State) | {"guarantee_extended", "charge_succeeded", "charge_failed"}


@dataclass(frozen=True)
class Step:
    at: datetime
    kind: str
    label: str
    why: str


@dataclass(frozen=True)
class ChargeLine:
    """A charge of the repair as the shopper and the API read it."""

    reason: str
    reason_label: str
    amount: Money
    status: str
    status_label: str
    at: datetime


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
    charges: list[ChargeLine]  # what the shopper's answer to a quote charged, each with its status
    charged: Money | None  # collected so far (None: nothing was ever charged)
    unpaid: Money | None  # what a failed charge left to pay again (None: nothing)
    quote_refund_owed: Money | None  # an accepted quote collected, the item not repaired: owed back


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
        **_payment(repair),
    )


def _payment(repair: Repair) -> dict[str, Any]:
    made = [_line(c) for c in paying.charges(repair)]
    collected = sum((c.amount for c in made if c.status == "succeeded"), Money.zero(repair.currency))
    rest = paying.outstanding(repair) if made else Money.zero(repair.currency)
    return {
        "charges": made,
        "charged": collected if made else None,
        "unpaid": rest if rest.amount > 0 and made and made[-1].status == "failed" else None,
        "quote_refund_owed": paying.quote_refund_owed(repair) if made else None,
    }


def _line(charge: Charge) -> ChargeLine:
    return ChargeLine(
        reason=charge.reason,
        reason_label=str(charge.get_reason_display()),
        amount=Money(charge.amount, charge.currency),
        status=charge.status,
        status_label=str(charge.get_status_display()),
        at=charge.created_at,
    )


def _event_label(event: RepairEvent) -> str:
    if event.kind == "guarantee_extended":
        return _("Legal guarantee extended until %(until)s") % {"until": event.data.get("until", "")}
    if event.kind in ("charge_succeeded", "charge_failed"):
        amount = Money(Decimal(str(event.data.get("amount") or 0)), event.data.get("currency") or "EUR")
        template = (
            _("Paid: %(amount)s") if event.kind == "charge_succeeded" else _("Payment failed: %(amount)s")
        )
        return template % {"amount": amount.rounded().format((translation.get_language() or "en")[:2])}
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
