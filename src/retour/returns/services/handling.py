"""Staff and system actions on a return after it was asked for: each one transition, each one event."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.policies import services as policies
from retour.policies.domain.vocabulary import CONDITIONS
from retour.returns.domain import states
from retour.returns.errors import ReturnInvalid, ReturnNotFound, TransitionRefused
from retour.returns.models import Return, ReturnLine
from retour.returns.services.creating import after_approval
from retour.returns.services.timeline import Actor, locked, record_event, transition


def find(number: str, store_id: int | None = None) -> Return:
    """The return with this number, as typed or scanned (spaces and case do not matter)."""
    cleaned = "".join(number.split()).upper()
    query = Return.objects.filter(number=cleaned)
    if store_id is not None:
        query = query.filter(store_id=store_id)
    found = query.select_related("store", "order", "customer").first()
    if found is None:
        raise ReturnNotFound(_("There is no return %(number)s.") % {"number": cleaned})
    return found


def approve(ret: Return, *, actor: Actor, note: str = "") -> Return:
    with transaction.atomic():
        return after_approval(transition(ret, states.APPROVED, actor=actor, reason=note), actor=actor)


def reject(ret: Return, *, actor: Actor, reason: str) -> Return:
    """Refuse the return; ``reason`` is what the shopper reads."""
    if not reason.strip():
        raise ReturnInvalid(_("Say why the return is rejected: the shopper reads it."))
    with transaction.atomic():
        current = transition(ret, states.REJECTED, actor=actor, reason=reason.strip())
        Return.objects.filter(pk=current.pk).update(rejection_reason=reason.strip())
        ret.rejection_reason = current.rejection_reason = reason.strip()
    return current


def mark_label_issued(ret: Return, *, actor: Actor = None, tracking: str = "") -> Return:
    with transaction.atomic():
        return transition(ret, states.LABEL_ISSUED, actor=actor, data={"tracking": tracking})


def mark_in_transit(ret: Return, *, actor: Actor = None, tracking: str = "") -> Return:
    with transaction.atomic():
        return transition(ret, states.IN_TRANSIT, actor=actor, data={"tracking": tracking})


def cancel(ret: Return, *, actor: Actor, reason: str = "") -> Return:
    """Cancelling is refused once anything was received: the parcel is then the warehouse's to handle."""
    with transaction.atomic():
        current = locked(ret)
        received = current.lines.exclude(reception=ReturnLine.Reception.AWAITING).exists()
        if received or current.state in (states.RECEIVED, states.INSPECTED):
            raise TransitionRefused(
                _("This return can no longer be cancelled: part of it has been received."),
                current=current.state,
                target=states.CANCELLED,
            )
        return transition(current, states.CANCELLED, actor=actor, reason=reason)


def expire(ret: Return, *, days: int) -> Return:
    with transaction.atomic():
        why = _("Nothing was sent back within %(days)d days of the approval.") % {"days": days}
        return transition(ret, states.EXPIRED, actor_label="system", reason=why)


@dataclass(frozen=True)
class Receipt:
    line_id: int
    status: str = ReturnLine.Reception.RECEIVED
    quantity: int | None = None  # None: every unit of the line


def receive(
    ret: Return, receipts: Sequence[Receipt] = (), *, actor: Actor, at: datetime | None = None
) -> Return:
    """Record what the parcel held, line by line (every line received in full by default)."""
    with transaction.atomic():
        current = locked(ret)
        lines = {line.pk: line for line in current.lines.select_for_update()}
        given = {receipt.line_id: receipt for receipt in receipts}
        unknown = [pk for pk in given if pk not in lines]
        if unknown:
            raise ReturnInvalid(_("This return has no such line."), lines=unknown)
        if current.state not in (states.APPROVED, states.LABEL_ISSUED, states.IN_TRANSIT):
            raise TransitionRefused(
                _("A return that is %(current)s cannot be received.")
                % {"current": Return.State(current.state).label},
                current=current.state,
                target=states.RECEIVED,
            )
        for pk, line in lines.items():
            receipt = given.get(pk, Receipt(pk) if not receipts else None)
            if receipt is None:
                continue
            if not states.can_move(states.RECEPTION_TRANSITIONS, line.reception, receipt.status):
                raise TransitionRefused(
                    _("Line %(line)s is already %(state)s.")
                    % {"line": pk, "state": ReturnLine.Reception(line.reception).label},
                    line=pk,
                )
            quantity = line.quantity if receipt.quantity is None else receipt.quantity
            if receipt.status == ReturnLine.Reception.RECEIVED and not 1 <= quantity <= line.quantity:
                raise ReturnInvalid(
                    _("Between 1 and %(max)d units of line %(line)s can be received.")
                    % {"max": line.quantity, "line": pk},
                    line=pk,
                )
            source = line.reception
            line.reception = receipt.status
            line.received_quantity = quantity if receipt.status == ReturnLine.Reception.RECEIVED else 0
            line.save(update_fields=["reception", "received_quantity"])
            record_event(
                current,
                "line_" + receipt.status,
                actor=actor,
                line=line,
                from_state=source,
                to_state=receipt.status,
                data={"quantity": line.received_quantity},
                at=at,
            )
        return transition(current, states.RECEIVED, actor=actor, at=at)


@dataclass(frozen=True)
class Grading:
    line_id: int
    condition: str
    result: str = ReturnLine.Inspection.ACCEPTED
    disposition: str = ""


def inspect(ret: Return, gradings: Sequence[Grading], *, actor: Actor, at: datetime | None = None) -> Return:
    """Grade each received line; the policy decides again from the graded condition and any change is
    explained. The return is inspected once no received line is left pending or to review."""
    at = at or timezone.now()
    with transaction.atomic():
        current = locked(ret)
        if current.state != states.RECEIVED:
            raise TransitionRefused(
                _("Only a received return can be inspected; this one is %(current)s.")
                % {"current": Return.State(current.state).label},
                current=current.state,
                target=states.INSPECTED,
            )
        lines = {
            line.pk: line for line in current.lines.select_for_update().select_related("decision__version")
        }
        for grading in gradings:
            line = lines.get(grading.line_id)
            if line is None:
                raise ReturnInvalid(_("This return has no such line."), lines=[grading.line_id])
            if grading.condition not in CONDITIONS:
                raise ReturnInvalid(_("“%(value)s” is not a condition.") % {"value": grading.condition})
            if grading.disposition and grading.disposition not in states.DISPOSITIONS:
                raise ReturnInvalid(_("“%(value)s” is not a disposition.") % {"value": grading.disposition})
            if line.reception != ReturnLine.Reception.RECEIVED:
                raise TransitionRefused(
                    _("Line %(line)s was not received.") % {"line": line.pk}, line=line.pk
                )
            if not states.can_move(states.INSPECTION_TRANSITIONS, line.inspection, grading.result):
                raise TransitionRefused(
                    _("Line %(line)s is already %(state)s.")
                    % {"line": line.pk, "state": ReturnLine.Inspection(line.inspection).label},
                    line=line.pk,
                )
            row, change = policies.redecide_at_inspection(line.decision, grading.condition, when=at)
            explained = change.get(current.language or "en")
            source = line.inspection
            line.inspection_decision = row
            line.inspection_change = explained
            line.graded_condition = grading.condition
            line.inspection = grading.result
            line.disposition = grading.disposition
            line.save(
                update_fields=[
                    "inspection_decision",
                    "inspection_change",
                    "graded_condition",
                    "inspection",
                    "disposition",
                ]
            )
            record_event(
                current,
                "line_inspected",
                actor=actor,
                line=line,
                from_state=source,
                to_state=grading.result,
                reason=explained,
                data={"condition": grading.condition, "disposition": grading.disposition},
                at=at,
            )
        waiting = [
            line
            for line in lines.values()
            if line.reception == ReturnLine.Reception.RECEIVED
            and line.inspection in (ReturnLine.Inspection.PENDING, ReturnLine.Inspection.REVIEW)
        ]
        if waiting:
            return current
        return transition(current, states.INSPECTED, actor=actor, at=at)


def resolve(ret: Return, outcome: str, *, actor: Actor = None, reason: str = "") -> Return:
    if outcome not in states.OUTCOMES:
        raise ReturnInvalid(_("“%(value)s” is not an outcome.") % {"value": outcome})
    with transaction.atomic():
        current = transition(ret, states.RESOLVED, actor=actor, reason=reason, data={"outcome": outcome})
        Return.objects.filter(pk=current.pk).update(outcome=outcome)
        current.outcome = ret.outcome = outcome
        return current


def review_queue(store_id: int | None = None) -> list[Return]:
    """Returns waiting for a person to approve or reject them, oldest first."""
    query = Return.objects.filter(state=states.REQUESTED).select_related("order", "customer")
    if store_id is not None:
        query = query.filter(store_id=store_id)
    return list(query.order_by("created_at", "id"))
