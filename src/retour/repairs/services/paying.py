"""What a repair out of guarantee costs the shopper, charged exactly once through refunds' charge lifecycle
(``refunds.services.charging``): the accepted quote, or the diagnosis fee of a declined one.

The shopper's answer (the ``quote_accepted`` or ``quote_declined`` event, with what it made due) and the
pending charge of what is owed are written in one transaction under the repair's row lock, with a key made
from the repair and the answer, so a second click or a replayed call finds the answer given and charges
nothing more. The gateway is called after the commit, outside any transaction. A failed charge stays on
the repair (its page, the API) and is asked for again with a new key (``pay_again``); a charge settled
writes the repair's event and the shopper's email (``on_settled``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from retour.core.aggregates import AmountSum
from retour.core.money import Money
from retour.refunds.models import Charge
from retour.refunds.services import charging
from retour.repairs.domain.states import State
from retour.repairs.errors import RepairInvalid, RepairRefused
from retour.repairs.models import Repair, RepairEvent
from retour.repairs.services.timeline import Actor, locked, record_event

# The shopper's answer to a quote -> what the charge is for and where the event keeps its amount.
ANSWERS = {
    State.QUOTE_ACCEPTED: (Charge.Reason.REPAIR_QUOTE, "due"),
    State.QUOTE_DECLINED: (Charge.Reason.DIAGNOSIS_FEE, "fee"),
}
PENDING, SUCCEEDED, FAILED = "pending", "succeeded", "failed"
REFUNDED = "quote_refunded"  # the event of staff refunding by hand a quote collected for nothing
KEY_MAX = 255


@dataclass(frozen=True)
class Due:
    reason: str
    amount: Money


def answer(repair: Repair) -> RepairEvent | None:
    """The shopper's answer to the repair's quote, if given."""
    return RepairEvent.objects.filter(repair=repair, kind__in=list(ANSWERS)).order_by("-at", "-id").first()


def due(repair: Repair) -> Due | None:
    """What the shopper's answer made due (the quote, the diagnosis fee); None before an answer."""
    given = answer(repair)
    if given is None:
        return None
    reason, field = ANSWERS[State(given.kind)]
    return Due(reason, Money(Decimal(given.data.get(field) or 0), repair.currency))


def _charged(repair: Repair, *statuses: str) -> Money:
    rows = Charge.objects.filter(repair=repair, status__in=statuses)
    return Money(Decimal(rows.aggregate(t=AmountSum("amount"))["t"] or 0), repair.currency)


def owed(repair: Repair) -> Money:
    """What the shopper still has to pay (pending charges included)."""
    found = due(repair)
    if found is None:
        return Money.zero(repair.currency)
    return found.amount - _charged(repair, SUCCEEDED)


def outstanding(repair: Repair) -> Money:
    """What no charge asks for yet (a failed charge's amount is asked for again)."""
    found = due(repair)
    if found is None:
        return Money.zero(repair.currency)
    return found.amount - _charged(repair, SUCCEEDED, PENDING)


# Where a repair ends without being repaired (found unrepairable, a remedy chosen instead, cancelled).
NOT_REPAIRED = frozenset(
    {
        State.UNREPAIRABLE,
        State.REPLACEMENT_CHOSEN,
        State.REFUND_CHOSEN,
        State.PRICE_REDUCTION_CHOSEN,
        State.CANCELLED,
    }
)


def quote_refund_owed(repair: Repair) -> Money | None:
    """An accepted quote collected, then the item never repaired (found unrepairable, or left for a
    remedy): what was collected for the quote is owed back to the shopper. Refunds' services refund an
    order's payments in their own order (a return's refund, a claim's payout), not one charge's payment,
    so it is not paid back automatically: it is shown to staff (back office, API, CLI) to refund, until
    they record it refunded (``record_quote_refunded``). None when nothing is owed."""
    if repair.state not in NOT_REPAIRED:
        return None
    given = answer(repair)
    if given is None or given.kind != State.QUOTE_ACCEPTED:
        return None
    rows = Charge.objects.filter(repair=repair, reason=Charge.Reason.REPAIR_QUOTE, status=SUCCEEDED)
    collected = Decimal(rows.aggregate(t=AmountSum("amount"))["t"] or 0)
    refunded = sum(
        (
            Decimal(str(e.data.get("amount") or 0))
            for e in RepairEvent.objects.filter(repair=repair, kind=REFUNDED)
        ),
        Decimal(0),
    )
    rest = collected - refunded
    return Money(rest, repair.currency) if rest > 0 else None


def record_quote_refunded(repair: Repair, *, reference: str, actor: Actor = None) -> RepairEvent:
    """Staff say they refunded by hand what a quote collected for an item not repaired (the provider's
    reference): written once, under the repair's lock, for all that is owed; then nothing is owed back and
    a second call is refused."""
    reference = (reference or "").strip()
    if not reference or len(reference) > KEY_MAX:
        raise RepairInvalid(_("Give the reference of the refund (1 to 255 characters)."))
    with transaction.atomic():
        current = locked(repair)
        owed_back = quote_refund_owed(current)
        if owed_back is None:
            raise RepairRefused(_("Nothing is owed back on this repair's quote."), reason="nothing_owed_back")
        return record_event(
            current,
            REFUNDED,
            actor=actor,
            actor_label="staff",
            data={"amount": str(owed_back.amount), "currency": owed_back.currency, "reference": reference},
        )


def charges(repair: Repair) -> list[Charge]:
    return list(Charge.objects.filter(repair=repair).order_by("id"))


def open_charge(repair: Repair, *, key: str, method: str = "original", actor: Actor = None) -> Charge | None:
    """One pending charge of what is outstanding on ``repair``; call under its row lock, in the
    transaction of the answer. None when nothing is due (a declined quote without a fee)."""
    found = due(repair)
    rest = outstanding(repair)
    if found is None or rest.amount <= 0:
        return None
    return charging.open_for_repair(
        store_id=repair.store_id,
        repair_id=repair.pk,
        order=repair.ret.order,
        reason=found.reason,
        amount=rest,
        key=f"retour-repair-{repair.store_id}-{key}",
        method=method,
        actor=actor,
    )


def collect(charge: Charge | None) -> Charge | None:
    """Ask the charge's gateway to collect it (outside any transaction; again: it asks what became of it)."""
    return None if charge is None else charging.attempt(charge)


def collect_pending(repair: Repair) -> None:
    """A replayed answer asks again about the charges still pending (never a new charge)."""
    for charge in Charge.objects.filter(repair=repair, status=PENDING).exclude(gateway="manual"):
        charging.attempt(charge)


def pay_again(
    repair: Repair, *, idempotency_key: str, method: str = "original", actor: Actor = None
) -> tuple[Charge, bool]:
    """Ask again for what a failed charge left unpaid, once per key: the key's charge and whether this call
    made it."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > KEY_MAX:
        raise RepairInvalid(_("An Idempotency-Key of 1 to 255 characters is required."))
    full = f"retour-repair-{repair.store_id}-again-{key}"
    made = None
    with transaction.atomic():
        current = locked(repair)
        found = Charge.objects.filter(idempotency_key=full).first()
        if found is None:
            if outstanding(current).amount <= 0:
                raise RepairRefused(_("Nothing is owed on this repair."), reason="nothing_owed")
            made = open_charge(current, key=f"again-{key}", method=method, actor=actor)
    if made is not None:
        return charging.attempt(made), True
    assert found is not None
    if found.repair_id != repair.pk:
        raise RepairInvalid(_("This idempotency key was used for another charge."))
    return found, False


def on_settled(charge: Charge) -> None:
    """A repair's charge collected or failed: the repair's event, whose email tells the shopper."""
    assert charge.repair_id is not None  # refunds call this for a repair's charges only
    repair = Repair.objects.select_related("store", "ret").get(pk=charge.repair_id)
    record_event(
        repair,
        "charge_succeeded" if charge.status == SUCCEEDED else "charge_failed",
        actor_label="system",
        data={
            "error": charge.last_error,  # the provider's words, for staff (the shopper reads the kind)
            "amount": str(charge.amount),
            "currency": charge.currency,
            "reason": charge.reason,
            "gateway": charge.gateway,
            "charge": charge.pk,
        },
    )
