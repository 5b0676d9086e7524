"""``/api/v1/repairs``: list and show repairs, move one a step (staff; a seller's token for the repairs
sent to that seller, as their repairer), quote a repair out of guarantee, record the shopper's answer to a
quote (charged once: the quote, or a declined quote's diagnosis fee) and pay again after a failed charge.
A token bound to a store reaches that store's repairs only; another's is not found. A seller's token
reaches the repairs sent to it as the seller portal does (queries.for_repairer_user), and no shopper's
answer or payment."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja.responses import Status

from retour.api.scope import one_store, seller_scope, store_scope
from retour.api.v1.returns import require, require_staff
from retour.repairs import queries
from retour.repairs.domain.states import REPAIRER, SHOPPER, STAFF
from retour.repairs.errors import RepairNotFound
from retour.repairs.models import Repair
from retour.repairs.services import paying, policy, steps

router = Router(tags=["repairs"])


class StepOut(Schema):
    at: datetime
    kind: str
    label: str
    why: str


class ChargeOut(Schema):
    reason: str
    amount: str
    currency: str
    status: str
    at: datetime


class RepairOut(Schema):
    number: str
    store: str
    ret: str
    state: str
    state_label: str
    item: str
    repairer: str
    under_guarantee: bool
    due_on: date
    due_legal: bool
    due_basis: str
    late: bool
    next_state: str
    expected_on: date | None
    description: str
    diagnosis: str
    quote: str | None
    diagnosis_fee: str
    currency: str
    tracking_to_repairer: str
    tracking_back: str
    replacement_order: str | None
    guarantee_extended_until: date | None
    charges: list[ChargeOut]
    charged: str | None
    unpaid: str | None
    # An accepted quote collected, then the item not repaired: what is owed back to the shopper (staff
    # refund it; refunds' services pay an order back, not one charge's payment).
    quote_refund_owed: str | None
    steps: list[StepOut]


class StatusIn(Schema):
    state: str
    note: str = ""
    tracking: str = ""


class QuoteIn(Schema):
    amount: str
    # None: the store's diagnosis fee (its repair settings); a lower one may be stated, never a higher.
    diagnosis_fee: str | None = None


class RepairSettingsIn(Schema):
    diagnosis_fee: str | None = Field(None, max_length=32)


def out(repair: Repair) -> RepairOut:
    j = queries.journey(repair)
    return RepairOut(
        number=repair.number,
        store=repair.store.code,
        ret=repair.ret.number,
        state=repair.state,
        state_label=j.state,
        item=repair.line.order_line.title,
        repairer=repair.repairer.code if repair.repairer is not None else "",
        under_guarantee=repair.under_guarantee,
        due_on=repair.due_on,
        due_legal=repair.due_legal,
        due_basis=repair.due_basis,
        late=j.late,
        next_state=j.next_state,
        expected_on=j.expected_on,
        description=repair.description,
        diagnosis=repair.diagnosis,
        quote=str(repair.quote.rounded().amount) if repair.quote is not None else None,
        diagnosis_fee=str(repair.fee.rounded().amount),
        currency=repair.currency,
        tracking_to_repairer=repair.tracking_to_repairer,
        tracking_back=repair.tracking_back,
        replacement_order=repair.replacement_order.number if repair.replacement_order else None,
        guarantee_extended_until=j.extension.until if j.extension else None,
        charges=[
            ChargeOut(
                reason=c.reason,
                amount=str(c.amount.rounded().amount),
                currency=c.amount.currency,
                status=c.status,
                at=c.at,
            )
            for c in j.charges
        ],
        charged=str(j.charged.rounded().amount) if j.charged is not None else None,
        unpaid=str(j.unpaid.rounded().amount) if j.unpaid is not None else None,
        quote_refund_owed=(
            str(j.quote_refund_owed.rounded().amount) if j.quote_refund_owed is not None else None
        ),
        steps=[StepOut(at=s.at, kind=s.kind, label=s.label, why=s.why) for s in j.steps],
    )


def _reachable(request: HttpRequest, store: str | None) -> QuerySet[Repair]:
    found = Repair.objects.select_related("store", "ret", "line__order_line", "repairer", "replacement_order")
    if seller_scope(request) is not None:  # the repairs routed to the seller, as on its pages
        return found.filter(pk__in=queries.for_repairer_user(request.user).values("pk"))
    scope = store_scope(request, store)
    return found.filter(store=scope) if scope is not None else found


def _one(request: HttpRequest, number: str, store: str | None) -> Repair:
    found = _reachable(request, store).filter(number=number.strip().upper()[:16]).first()
    if found is None:
        raise RepairNotFound(_("There is no repair %(number)s.") % {"number": number})
    return found


def _role(request: HttpRequest) -> str:
    return REPAIRER if seller_scope(request) is not None else STAFF


@router.get("", response=list[RepairOut], summary="List repairs")
def list_repairs(request: HttpRequest, store: str | None = None, state: str | None = None) -> list[RepairOut]:
    require(request, "repairs.view_repair", _("You may not see repairs."))
    found = _reachable(request, store)
    if state:
        found = found.filter(state=state[:24])
    return [out(r) for r in found[:500]]


@router.get("/settings", response=dict[str, str], summary="The store's repair settings")
def repair_settings(request: HttpRequest, store: str | None = Query(None, max_length=64)) -> dict[str, str]:  # type: ignore[type-arg]
    """The store's repair policy: ``diagnosis_fee``, what a declined quote charges (a quote records it)."""
    require_staff(request, "repairs.view_repairsettings", _("You may not see the repair settings."))
    return policy.as_dict(policy.settings_of(one_store(request, store)))


@router.put("/settings", response=dict[str, str], summary="Change the store's repair settings")
def change_repair_settings(
    request: HttpRequest,
    values: RepairSettingsIn,
    store: str | None = Query(None, max_length=64),  # type: ignore[type-arg]
) -> dict[str, str]:
    """Decimal strings of zero or more. All or nothing: a bad value is refused (422, ``errors``) and
    nothing changes. Quotes made before keep the fee they recorded."""
    require_staff(request, "repairs.change_repairsettings", _("You may not change the repair settings."))
    row = policy.update_settings(one_store(request, store), values.model_dump(exclude_none=True))
    return policy.as_dict(row)


@router.get("/{number}", response=RepairOut, summary="Show a repair")
def show_repair(request: HttpRequest, number: str, store: str | None = None) -> RepairOut:
    require(request, "repairs.view_repair", _("You may not see repairs."))
    return out(_one(request, number, store))


@router.post("/{number}/status", response=RepairOut, summary="Move a repair a step")
def update_status(request: HttpRequest, number: str, body: StatusIn, store: str | None = None) -> RepairOut:
    """Staff take any staff or repairer step; a seller's token the repairer's steps of its repairs."""
    require(request, "repairs.change_repair", _("You may not update repairs."))
    repair = _one(request, number, store)
    fields: dict[str, Any] = {"note": body.note, "tracking": body.tracking}
    return out(steps.update(repair, body.state, role=_role(request), actor=request.user, **fields))


@router.post("/{number}/quote", response=RepairOut, summary="Quote a repair out of guarantee")
def quote_repair(request: HttpRequest, number: str, body: QuoteIn, store: str | None = None) -> RepairOut:
    require(request, "repairs.change_repair", _("You may not update repairs."))
    repair = _one(request, number, store)
    done = steps.quote(
        repair, role=_role(request), actor=request.user, amount=body.amount, fee=body.diagnosis_fee
    )
    return out(done)


@router.post("/{number}/accept", response=RepairOut, summary="Record that the shopper accepts the quote")
def accept_quote(
    request: HttpRequest, number: str, method: str = "original", store: str | None = None
) -> RepairOut:
    """The quote is charged once (a replayed call answers the same and charges nothing more), with
    ``?method=`` original (the order's payment, the default), store_credit or manual."""
    require_staff(request, "repairs.change_repair", _("You may not record a shopper's answer."))
    repair = _one(request, number, store)
    return out(steps.accept_quote(repair, role=SHOPPER, actor=request.user, method=method))


@router.post("/{number}/decline", response=RepairOut, summary="Record that the shopper declines the quote")
def decline_quote(
    request: HttpRequest, number: str, method: str = "original", store: str | None = None
) -> RepairOut:
    """The item goes back; the diagnosis fee, if any, is charged once."""
    require_staff(request, "repairs.change_repair", _("You may not record a shopper's answer."))
    repair = _one(request, number, store)
    return out(steps.decline_quote(repair, role=SHOPPER, actor=request.user, method=method))


@router.post(
    "/{number}/pay",
    response={200: RepairOut, 201: RepairOut},
    summary="Charge again what a failed charge left unpaid",
)
def pay_again(
    request: HttpRequest,
    number: str,
    method: str = "original",
    idempotency_key: str = Header("", alias="Idempotency-Key"),  # type: ignore[type-arg]
    store: str | None = None,
) -> Status[RepairOut]:
    """Once per ``Idempotency-Key``: the same key again answers 200 and charges nothing more."""
    require_staff(request, "repairs.change_repair", _("You may not charge shoppers."))
    repair = _one(request, number, store)
    _charge, created = paying.pay_again(
        repair, idempotency_key=idempotency_key, method=method, actor=request.user
    )
    return Status(201 if created else 200, out(_one(request, number, store)))
