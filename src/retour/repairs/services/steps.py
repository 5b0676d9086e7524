"""Each step of a repair after its approval, as the staff, the repairer or the shopper takes it. Bad input
is refused with a translated message and changes nothing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from retour.core.money import Money
from retour.repairs.domain import quotes
from retour.repairs.domain.states import SHOPPER, STAFF, State
from retour.repairs.errors import RepairInvalid
from retour.repairs.models import Repair
from retour.repairs.services import extension, paying, policy, replacing
from retour.repairs.services.timeline import Actor, locked, move
from retour.returns.models import ReturnLine
from retour.returns.services.timeline import record_event as record_return_event

TRACKING_MAX = 64
NOTE_MAX = 2000


def _text(value: str, limit: int, *, required: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise RepairInvalid(required)
    if len(value) > limit:
        raise RepairInvalid(_("At most %(limit)d characters, please.") % {"limit": limit})
    return value


def _amount(value: Any, name: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise RepairInvalid(_("%(name)s is not an amount.") % {"name": name}) from None
    if not amount.is_finite() or amount < 0 or amount > Decimal("1000000"):
        raise RepairInvalid(_("%(name)s is not an amount.") % {"name": name})
    return amount


def update(repair: Repair, target: str, *, role: str, actor: Actor = None, **fields: Any) -> Repair:
    """Move ``repair`` to ``target`` with what that step needs (tracking, diagnosis, quote...)."""
    step = STEPS.get(target)
    if step is None:
        raise RepairInvalid(_("“%(target)s” is not a step of a repair.") % {"target": target})
    done: Repair = step(repair, role=role, actor=actor, **fields)
    return done


def send(repair: Repair, *, role: str, actor: Actor = None, tracking: str = "", **_other: Any) -> Repair:
    tracking = _text(tracking, TRACKING_MAX)
    with transaction.atomic():
        return move(
            repair,
            State.SENT,
            role=role,
            actor=actor,
            changes={"tracking_to_repairer": tracking},
            data={"tracking": tracking},
        )


def receive(repair: Repair, *, role: str, actor: Actor = None, **_other: Any) -> Repair:
    with transaction.atomic():
        return move(repair, State.RECEIVED, role=role, actor=actor)


def diagnose(repair: Repair, *, role: str, actor: Actor = None, note: str = "", **_other: Any) -> Repair:
    note = _text(note, NOTE_MAX, required=_("Say what the repairer found."))
    with transaction.atomic():
        return move(repair, State.DIAGNOSED, role=role, actor=actor, reason=note, changes={"diagnosis": note})


def quote(
    repair: Repair, *, role: str, actor: Actor = None, amount: Any = None, fee: Any = None, **_other: Any
) -> Repair:
    """Quote a repair out of guarantee. The diagnosis fee a decline would charge is the store's setting now
    (``RepairSettings``), recorded on the repair; ``fee`` may state a lower one, never a higher."""
    price = _amount(amount, _("The quote"))
    stated = None if fee is None or str(fee).strip() == "" else _amount(fee, _("The diagnosis fee"))
    with transaction.atomic():
        current = locked(repair)  # whether the guarantee covers it, as the row says now
        store_fee = Decimal(policy.settings_of(current.store_id).diagnosis_fee)
        try:
            quotes.check_quote(Money(price, current.currency), under_guarantee=current.under_guarantee)
            diagnosis_fee = quotes.fee_for_quote(stated, store_fee)
        except quotes.QuoteRefused as refused:
            raise RepairInvalid(
                _quote_refusal(refused.code, store_fee, current.currency), reason=refused.code
            ) from None
        return move(
            current,
            State.QUOTED,
            role=role,
            actor=actor,
            changes={"quote_amount": price, "diagnosis_fee": diagnosis_fee},
            data={"amount": str(price), "fee": str(diagnosis_fee), "currency": current.currency},
        )


def _quote_refusal(code: str, store_fee: Decimal, currency: str) -> str:
    if code == "free_under_guarantee":
        return _("A repair under the legal guarantee is free: it is never quoted.")
    if code == "fee_above_policy":
        return _("The diagnosis fee may not be more than the store's (%(fee)s).") % {
            "fee": str(Money(store_fee, currency).rounded())
        }
    if code == "fee_not_an_amount":
        return _("%(name)s is not an amount.") % {"name": _("The diagnosis fee")}
    return _("A quote is more than nothing.")


def accept_quote(
    repair: Repair, *, role: str = SHOPPER, actor: Actor = None, method: str = "original", **_other: Any
) -> Repair:
    """The shopper accepts the quote: the answer and the charge of the quote are written at once (a
    replayed answer changes nothing and charges nothing more); the charge is collected after the commit."""
    return _answer(repair, State.QUOTE_ACCEPTED, role=role, actor=actor, method=method)


def decline_quote(
    repair: Repair, *, role: str = SHOPPER, actor: Actor = None, method: str = "original", **_other: Any
) -> Repair:
    """The shopper declines the quote: the item is sent back, and the diagnosis fee, if any, charged once."""
    return _answer(repair, State.QUOTE_DECLINED, role=role, actor=actor, method=method)


def _answer(repair: Repair, target: State, *, role: str, actor: Actor, method: str) -> Repair:
    with transaction.atomic():
        current = locked(repair)
        given = paying.answer(current)
        if given is not None and given.kind == target and current.state != State.QUOTED:
            replayed = True  # the same answer again (a double click, a replayed call)
        else:
            replayed = False
            quote = current.quote or Money.zero(current.currency)
            if target == State.QUOTE_ACCEPTED:
                due = quotes.due_on_acceptance(quote, under_guarantee=current.under_guarantee)
                data = {"due": str(due.amount)}
            else:
                due = quotes.due_on_decline(
                    quote, current.diagnosis_fee, under_guarantee=current.under_guarantee
                )
                data = {"fee": str(due.amount)}
            current = move(current, target, role=role, actor=actor, data=data)
            charge = paying.open_charge(
                current, key=f"{current.number}-{target.value}", method=method, actor=actor
            )
    if replayed:
        paying.collect_pending(current)
    else:
        paying.collect(charge)
    return Repair.objects.select_related("store", "ret").get(pk=current.pk)


def repaired(repair: Repair, *, role: str, actor: Actor = None, note: str = "", **_other: Any) -> Repair:
    note = _text(note, NOTE_MAX)
    with transaction.atomic():
        return move(repair, State.REPAIRED, role=role, actor=actor, reason=note)


def ship_back(repair: Repair, *, role: str, actor: Actor = None, tracking: str = "", **_other: Any) -> Repair:
    tracking = _text(tracking, TRACKING_MAX, required=_("Give the tracking number of the parcel back."))
    with transaction.atomic():
        return move(
            repair,
            State.SHIPPED_BACK,
            role=role,
            actor=actor,
            changes={"tracking_back": tracking},
            data={"tracking": tracking},
        )


def deliver(repair: Repair, *, role: str, actor: Actor = None, **_other: Any) -> Repair:
    """Delivered back: a repair under the guarantee extends it (recorded once, for the order line)."""
    with transaction.atomic():
        done = move(repair, State.DELIVERED, role=role, actor=actor)
        extension.record(done)
        return done


def unrepairable(repair: Repair, *, role: str, actor: Actor = None, note: str = "", **_other: Any) -> Repair:
    note = _text(note, NOTE_MAX, required=_("Say why the item cannot be repaired."))
    with transaction.atomic():
        return move(
            repair, State.UNREPAIRABLE, role=role, actor=actor, reason=note, changes={"diagnosis": note}
        )


def cancel(repair: Repair, *, role: str, actor: Actor = None, note: str = "", **_other: Any) -> Repair:
    note = _text(note, NOTE_MAX)
    with transaction.atomic():
        return move(repair, State.CANCELLED, role=role, actor=actor, reason=note)


# The resolution of the return line a remedy hands the item over to (the return's own refund then pays
# it, as for any return); a replacement is shipped by the repair itself (services/replacing.py).
REMEDY_RESOLUTION = {
    State.REFUND_CHOSEN: "refund",
    State.PRICE_REDUCTION_CHOSEN: "refund",
    State.REPLACEMENT_CHOSEN: "replacement",
}


def choose_remedy(
    repair: Repair,
    remedy: str,
    *,
    role: str = SHOPPER,
    actor: Actor = None,
    variant: str = "",
    **_other: Any,
) -> Repair:
    """The shopper's choice once the item cannot be repaired (replacement or refund) or the repair is late
    (refund or price reduction): the return line takes it over, and the return's timeline says so."""
    try:
        target = State(remedy)
    except ValueError:
        raise RepairInvalid(_("Choose a replacement, a refund or a price reduction.")) from None
    if target not in REMEDY_RESOLUTION:
        raise RepairInvalid(_("Choose a replacement, a refund or a price reduction."))
    with transaction.atomic():
        done = move(repair, target, role=role, actor=actor)
        line = ReturnLine.objects.select_for_update().get(pk=done.line_id)
        if target != State.REPLACEMENT_CHOSEN:  # a replacement is shipped here, not by the return
            line.resolution = REMEDY_RESOLUTION[target]
            line.save(update_fields=["resolution"])
        record_return_event(
            done.ret,
            "repair_remedy",
            actor=actor,
            actor_label=role,
            line=line,
            data={"repair": done.number, "remedy": target.value, "resolution": line.resolution},
        )
        if target == State.REPLACEMENT_CHOSEN:  # out of stock: the whole choice is undone
            replacing.ship_replacement(done, variant_sku=variant, actor=actor)
        return done


STEPS: dict[str, Any] = {
    State.SENT: send,
    State.RECEIVED: receive,
    State.DIAGNOSED: diagnose,
    State.QUOTED: quote,
    State.QUOTE_ACCEPTED: accept_quote,
    State.QUOTE_DECLINED: decline_quote,
    State.REPAIRED: repaired,
    State.SHIPPED_BACK: ship_back,
    State.DELIVERED: deliver,
    State.UNREPAIRABLE: unrepairable,
    State.CANCELLED: cancel,
}
for _remedy in REMEDY_RESOLUTION:
    STEPS[_remedy] = lambda repair, *, _r=_remedy, **kw: choose_remedy(repair, _r, **kw)

__all__ = ["STAFF", "STEPS", "update"]
