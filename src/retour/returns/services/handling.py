"""Staff and system actions on a return after it was asked for: each one transition, each one event."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from retour.catalog import stock
from retour.catalog.models import StockMovement
from retour.policies import services as policies
from retour.policies.domain.vocabulary import CONDITIONS
from retour.returns.domain import states
from retour.returns.errors import ReturnInvalid, ReturnNotFound, TransitionRefused
from retour.returns.models import Return, ReturnLine
from retour.returns.queries import listed
from retour.returns.services import amounts
from retour.returns.services.creating import after_approval
from retour.returns.services.timeline import Actor, locked, record_event, transition

OUTCOME_LABELS = {
    "refunded": pgettext_lazy("return outcome", "refunded"),
    "store_credit": pgettext_lazy("return outcome", "refunded as store credit"),
    "exchanged": pgettext_lazy("return outcome", "exchanged"),
    "replaced": pgettext_lazy("return outcome", "replaced"),
    "repaired": pgettext_lazy("return outcome", "repaired"),
    "kept": pgettext_lazy("return outcome", "kept by the shopper"),
}


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
    """The parcel is on its way; its tracking number kept when given."""
    with transaction.atomic():
        moved = transition(ret, states.IN_TRANSIT, actor=actor, data={"tracking": tracking})
        if tracking and moved.tracking_number != tracking:
            moved.tracking_number = tracking
            moved.save(update_fields=["tracking_number"])
        return moved


ARRIVED = (ReturnLine.Reception.RECEIVED, ReturnLine.Reception.WRONG_ITEM)


def anything_received(ret: Return) -> bool:
    """Whether part of the return has reached the warehouse (a line received, or a wrong item)."""
    return ret.lines.filter(reception__in=ARRIVED).exists()


def cancel(ret: Return, *, actor: Actor, reason: str = "") -> Return:
    """Cancel, as ``states.cancellation`` allows: until the parcel is on its way and nothing received."""
    with transaction.atomic():
        current = locked(ret)
        allowed, why = states.cancellation(current.state, anything_received(current))
        if not allowed:
            raise TransitionRefused(cannot_cancel(why), current=current.state, target=states.CANCELLED)
        return transition(current, states.CANCELLED, actor=actor, reason=reason)


def can_cancel(ret: Return) -> tuple[bool, str]:
    """Whether ``ret`` may be cancelled now, and if not the sentence saying why (for a page's button)."""
    allowed, why = states.cancellation(ret.state, anything_received(ret))
    return allowed, "" if allowed else cannot_cancel(why)


def cannot_cancel(why: str) -> str:
    if why == states.ON_ITS_WAY:
        return _("This return can no longer be cancelled: its parcel is on its way.")
    if why == states.RECEIVED_ALREADY:
        return _("This return can no longer be cancelled: part of it has been received.")
    return _("This return is closed: there is nothing left to cancel.")


def ship_by(ret: Return, days: int | None = None) -> date | None:
    """The last day (store time) to send an approved return before it expires (``expire``, after
    RETURN_EXPIRY_DAYS); None when nothing is awaited."""
    if ret.state not in states.AWAITING_SHIPMENT or ret.approved_at is None:
        return None
    if ret.return_method == Return.Method.KEEP:
        return None
    days = settings.RETURN_EXPIRY_DAYS if days is None else days
    expires_at = ret.approved_at + timedelta(days=days)
    return timezone.localdate(expires_at - timedelta(seconds=1), ret.store.zone)


def expire(ret: Return, *, days: int, now: datetime | None = None) -> Return | None:
    """Expire a return still not sent back ``days`` after its approval; None when, read again under its
    lock, it has moved on meanwhile (shipped, cancelled) or is not due yet."""
    now = now or timezone.now()
    with transaction.atomic():
        current = locked(ret)
        due = current.approved_at is not None and (now - current.approved_at).days >= days
        if current.state not in states.AWAITING_SHIPMENT or not due or anything_received(current):
            return None
        why = _("Nothing was sent back within %(days)d days of the approval.") % {"days": days}
        return transition(current, states.EXPIRED, actor_label="system", reason=why, at=now)


@dataclass(frozen=True)
class Receipt:
    line_id: int
    status: str = ReturnLine.Reception.RECEIVED
    quantity: int | None = None  # None: every unit of the line


def receive(
    ret: Return, receipts: Sequence[Receipt] = (), *, actor: Actor, at: datetime | None = None
) -> Return:
    """Record what arrived, line by line: without receipts, every line still awaited is received in full.

    Parcels may come apart: the return stays where it is until every line is settled (received, lost or
    wrong item), then becomes received. A line declared lost that turns up is received later, as long as
    the return has not been inspected.
    """
    with transaction.atomic():
        current = locked(ret)
        lines = {line.pk: line for line in current.lines.select_for_update()}
        unknown = [receipt.line_id for receipt in receipts if receipt.line_id not in lines]
        if unknown:
            raise ReturnInvalid(_("This return has no such line."), lines=unknown)
        if current.state not in states.RECEIVING:
            raise TransitionRefused(
                _("A return that is %(current)s cannot be received.")
                % {"current": Return.State(current.state).label},
                current=current.state,
                target=states.RECEIVED,
            )
        receipts = receipts or [
            Receipt(pk) for pk, line in lines.items() if line.reception == ReturnLine.Reception.AWAITING
        ]
        if not receipts:
            raise TransitionRefused(
                _("Every line of this return has already been received."), current=current.state
            )
        for receipt in receipts:
            _receive_line(current, lines[receipt.line_id], receipt, actor=actor, at=at)
        if current.state == states.RECEIVED or not states.all_settled(
            line.reception for line in lines.values()
        ):
            return current
        return transition(current, states.RECEIVED, actor=actor, at=at)


def _receive_line(
    ret: Return, line: ReturnLine, receipt: Receipt, *, actor: Actor, at: datetime | None
) -> None:
    if not states.can_move(states.RECEPTION_TRANSITIONS, line.reception, receipt.status):
        raise TransitionRefused(
            _("Line %(line)s is already %(state)s.")
            % {"line": line.pk, "state": ReturnLine.Reception(line.reception).label},
            line=line.pk,
        )
    quantity = line.quantity if receipt.quantity is None else receipt.quantity
    if receipt.status == ReturnLine.Reception.RECEIVED and not 1 <= quantity <= line.quantity:
        raise ReturnInvalid(
            _("Between 1 and %(max)d units of line %(line)s can be received.")
            % {"max": line.quantity, "line": line.pk},
            line=line.pk,
        )
    source = line.reception
    line.reception = receipt.status
    line.received_quantity = quantity if receipt.status == ReturnLine.Reception.RECEIVED else 0
    line.save(update_fields=["reception", "received_quantity"])
    record_event(
        ret,
        "line_" + receipt.status,
        actor=actor,
        line=line,
        from_state=source,
        to_state=receipt.status,
        data={"quantity": line.received_quantity},
        at=at,
    )


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
            line.pk: line
            for line in current.lines.select_for_update(of=("self",)).select_related(
                "decision__version", "order_line__order"
            )
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
            row, change = policies.redecide_at_inspection(
                line.decision,
                grading.condition,
                when=at,
                amounts=partial(amounts.at_inspection, line),
                order_line_id=line.order_line_id,
            )
            explained = change.get(shopper_language(current))
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
            if (
                grading.result == ReturnLine.Inspection.ACCEPTED
                and grading.disposition == ReturnLine.Disposition.RESTOCK
                and line.order_line.variant_id is not None
            ):
                stock.move(
                    line.order_line.variant_id,
                    line.received_quantity or line.quantity,
                    StockMovement.Reason.RESTOCK,
                    return_line_id=line.pk,
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
    """Close the return with ``outcome``. Keeping the item resolves an approved return whose every line
    stays with the shopper; refunded and store credit only follow a paid refund (the refund's payment
    calls this); the others need the goods inspected."""
    if outcome not in states.OUTCOMES:
        raise ReturnInvalid(_("“%(value)s” is not an outcome.") % {"value": outcome})
    with transaction.atomic():
        current = locked(ret)
        _check_outcome(current, outcome)
        current = transition(current, states.RESOLVED, actor=actor, reason=reason, data={"outcome": outcome})
        Return.objects.filter(pk=current.pk).update(outcome=outcome)
        current.outcome = ret.outcome = outcome
        return current


def _check_outcome(ret: Return, outcome: str) -> None:
    label = Return.State(ret.state).label
    if not states.can_resolve(ret.state, outcome):
        raise TransitionRefused(
            _("A return that is %(current)s cannot be resolved as %(outcome)s.")
            % {"current": label, "outcome": outcome_label(outcome)},
            current=ret.state,
            target=states.RESOLVED,
            outcome=outcome,
        )
    if outcome == "kept" and ret.lines.exclude(resolution="keep").exists():
        raise TransitionRefused(
            _("Only a return whose every item stays with the shopper is resolved as kept."), outcome=outcome
        )
    if outcome in states.PAID_OUTCOMES and not ret.events.filter(kind="refunded").exists():
        raise TransitionRefused(
            _("A return is resolved as refunded once its refund has been paid: refund it instead."),
            outcome=outcome,
        )


def shopper_language(ret: Return) -> str:
    """The language the shopper reads about their return in (the emails use the same)."""
    return (ret.language or ret.order.language or ret.store.default_language or "en")[:2]


def outcome_label(outcome: str) -> str:
    return str(OUTCOME_LABELS.get(outcome, outcome))


def review_queue(store_id: int | None = None) -> list[Return]:
    """Returns waiting for a person to approve or reject them, oldest first."""
    return list(listed(state=states.REQUESTED, store_id=store_id))
