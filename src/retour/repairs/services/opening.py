"""A repair is opened for each line of a return the shopper asked to have repaired (with the description
and photos the return took), and approved with its return; its deadline starts at the request."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from retour.repairs.domain import clock
from retour.repairs.domain.states import STAFF, State
from retour.repairs.models import Repair
from retour.repairs.services import routing
from retour.repairs.services.timeline import move, record_event
from retour.returns.models import ReturnEvent, ReturnLine

GUARANTEE = "legal_guarantee"


def reasonable_days() -> int:
    return int(getattr(settings, "REPAIR_REASONABLE_DAYS", 30))


def on_return_event(event: ReturnEvent) -> None:
    """Returns' hook: open the repairs of a return just requested; approve them with the return."""
    if event.kind == "requested":
        for line in ReturnLine.objects.filter(ret=event.ret, resolution="repair").select_related(
            "decision", "order_line", "ret__order", "ret__store"
        ):
            open_repair(line, event)
    elif event.kind == "approved":
        for repair in Repair.objects.filter(ret=event.ret, state=State.REQUESTED):
            approve(repair, actor=event.actor, reason=event.reason)


def open_repair(line: ReturnLine, event: ReturnEvent) -> Repair:
    ret = line.ret
    order = ret.order
    under = bool(line.decision is not None and line.decision.legal_basis == GUARANTEE)
    country = (order.shipping_country or ret.store.country or "").upper()
    requested_on = timezone.localtime(event.at, ret.store.zone).date()
    due = clock.deadline(requested_on, country, under_guarantee=under, reasonable_days=reasonable_days())
    repair = Repair.objects.create(
        store=ret.store,
        ret=ret,
        line=line,
        under_guarantee=under,
        country=country,
        currency=order.currency,
        requested_at=event.at,
        due_on=due.due,
        due_legal=due.legal,
        due_basis=due.basis,
        state_since=event.at,
        description=line.reason_text,
    )
    record_event(
        repair,
        State.REQUESTED,
        actor=event.actor,
        actor_label=event.actor_label or "shopper",
        to_state=State.REQUESTED,
        data={"return": ret.number, "due_on": due.due.isoformat(), "legal": due.legal},
        at=event.at,
    )
    return repair


def approve(repair: Repair, *, actor: object = None, reason: str = "") -> Repair:
    """Approve ``repair`` and choose its repairer (in the caller's transaction)."""
    repairer = routing.choose_repairer(repair)
    return move(
        repair,
        State.APPROVED,
        role=STAFF,
        actor=actor,  # type: ignore[arg-type]
        reason=reason,
        data={"repairer": repairer.code if repairer is not None else ""},
        changes={"repairer": repairer},
    )
