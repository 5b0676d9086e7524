"""``/api/v1/returns``: ask for a return, list and read returns with their decisions and timeline, and
move them along.

A return is addressed by its number (what is printed on the label and scanned at the warehouse), within
the stores the token reaches: ``?store=CODE`` narrows every call to one store, and a token bound to a
store reaches only that one; a return of another store is not found (404).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from retour.abuse import services as abuse
from retour.api.errors import PermissionDenied
from retour.api.scope import one_store, seller_scope, store_scope
from retour.core.errors import DomainError
from retour.core.money import Money
from retour.orders.models import Order
from retour.policies.domain.vocabulary import Condition, Reason
from retour.returns import queries
from retour.returns.errors import ReturnInvalid, ReturnNotFound
from retour.returns.models import Exchange, Return, ReturnLine
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return
from retour.sellers.queries import returns_of

router = Router(tags=["returns"])
MAX_PAGE = 200


class OrderNotFound(DomainError):
    code = "order_not_found"
    status = 404


def require(request: HttpRequest, permission: str, message: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied(message)


def require_staff(request: HttpRequest, permission: str, message: str) -> None:
    """``require``, and the marketplace's staff only: a seller's token authorises or refuses its returns
    (approve, reject), as its pages do, but cancelling, exchanging and closing a return stay the
    marketplace's."""
    require(request, permission, message)
    if seller_scope(request) is not None:
        raise PermissionDenied(message)


Resolution = Literal["refund", "store_credit", "exchange", "replacement", "repair", "keep"]
Language = Literal["", "en", "fr"]


class ReturnLineIn(Schema):
    order_line: int
    quantity: int = Field(1, ge=1, le=10_000)
    reason: Reason
    condition: Condition
    resolution: Resolution = "refund"
    reason_text: str = Field("", max_length=2000)


class ReturnIn(Schema):
    order: str
    lines: list[ReturnLineIn] = Field(min_length=1)
    language: Language = ""


class DecisionOut(Schema):
    stage: str
    eligible: bool
    code: str
    refund_percent: int
    refund_amount: Decimal
    fees: Decimal
    currency: str
    resolutions: list[str]
    legal_basis: str
    explanation: str


class LineOut(Schema):
    id: int
    order_line: int
    title: str
    quantity: int
    reason: str
    reason_text: str
    reported_condition: str
    resolution: str
    exchange_variant: str  # the SKU the shopper chose to get instead ("" when none)
    reception: str
    received_quantity: int
    inspection: str
    graded_condition: str
    disposition: str
    inspection_change: str
    decisions: list[DecisionOut]


class EventOut(Schema):
    at: datetime
    kind: str
    from_state: str
    to_state: str
    by: str
    reason: str
    line: int | None


class RefundLine(Schema):
    gateway: str
    amount: Decimal
    currency: str
    status: str


class ExchangeOutLine(Schema):
    line: int
    kind: str
    order: str
    variant_sku: str
    difference: Decimal
    instant: bool
    owed: Decimal  # still to be paid for the exchange order (see /charges)


class SurchargeStep(Schema):
    owed_from: date
    rule: str
    percent: Decimal
    amount: Decimal


class DeadlinesOut(Schema):
    country: str
    refund_expected_earliest: date
    refund_expected_latest: date
    legal_refund_due: date | None
    may_wait_for_goods: bool
    late_refund_surcharge: list[SurchargeStep]
    legal_basis: str
    goods_back_on: date | None
    proof_of_sending_on: date | None
    refund_due_by: date | None  # a withdrawal's refund is late after this; null while it may wait
    late_refund_surcharge_owed: Decimal | None  # France: owed on refunds already paid late


class AbuseSignalOut(Schema):
    code: str
    points: int
    reason: str


class AbuseOut(Schema):
    """The return's abuse score and the reasons behind it (staff only; a seller's token does not see it)."""

    score: int
    review: bool
    signals: list[AbuseSignalOut]
    verdict: str


class ReturnOut(Schema):
    number: str
    state: str
    outcome: str
    order: str
    language: str
    channel: str
    created_at: datetime
    approved_at: datetime | None
    rejection_reason: str
    lines: list[LineOut]
    timeline: list[EventOut]
    refunds: list[RefundLine]
    exchanges: list[ExchangeOutLine]
    deadlines: DeadlinesOut
    abuse: AbuseOut | None = None


def _decision(row, language: str) -> DecisionOut:  # type: ignore[no-untyped-def]
    return DecisionOut(
        stage=row.stage,
        eligible=row.eligible,
        code=row.code,
        refund_percent=row.refund_percent,
        refund_amount=Money(Decimal(row.refund_amount), row.currency).rounded().amount,
        fees=Money(Decimal(row.fees), row.currency).rounded().amount,
        currency=row.currency,
        resolutions=[r for r in row.resolutions.split(",") if r],
        legal_basis=row.legal_basis,
        explanation=row.explanation_fr if language.startswith("fr") else row.explanation_en,
    )


def _money(value: Decimal, currency: str) -> Decimal:
    return Money(Decimal(value), currency).rounded().amount


def asked_language(request: HttpRequest) -> str:
    """The language the client asked for with ``Accept-Language`` (``en`` or ``fr``), or "" when it did
    not ask: the return's own language (the shopper's) is then used."""
    if not request.headers.get("Accept-Language"):
        return ""
    return "fr" if (translation.get_language() or "").startswith("fr") else "en"


def present_for(request: HttpRequest, ret: Return) -> ReturnOut:
    out = present(ret, asked_language(request))
    if seller_scope(request) is None:
        found = abuse.assessment_of(ret, asked_language(request) or ret.language)
        out.abuse = AbuseOut.model_validate(found) if found is not None else None
    return out


def present(ret: Return, language: str = "") -> ReturnOut:
    from retour.refunds.services.paying import refunds_for

    ret = Return.objects.select_related("order").get(pk=ret.pk)
    lines = ReturnLine.objects.filter(ret=ret).select_related(
        "order_line", "decision", "inspection_decision", "exchange_variant"
    )
    return ReturnOut(
        number=ret.number,
        state=ret.state,
        outcome=ret.outcome,
        order=ret.order.number,
        language=ret.language,
        channel=ret.channel,
        created_at=ret.created_at,
        approved_at=ret.approved_at,
        rejection_reason=ret.rejection_reason,
        lines=[
            LineOut(
                id=line.pk,
                order_line=line.order_line_id,
                title=line.order_line.title,
                quantity=line.quantity,
                reason=line.reason,
                reason_text=line.reason_text,
                reported_condition=line.reported_condition,
                resolution=line.resolution,
                exchange_variant=line.exchange_variant.sku if line.exchange_variant else "",
                reception=line.reception,
                received_quantity=line.received_quantity,
                inspection=line.inspection,
                graded_condition=line.graded_condition,
                disposition=line.disposition,
                inspection_change=line.inspection_change,
                decisions=[
                    _decision(row, language or ret.language)
                    for row in (line.decision, line.inspection_decision)
                    if row is not None
                ],
            )
            for line in lines
        ],
        timeline=[
            EventOut(
                at=event.at,
                kind=event.kind,
                from_state=event.from_state,
                to_state=event.to_state,
                by=event.actor.get_username() if event.actor else event.actor_label,
                reason=event.reason,
                line=event.line_id,
            )
            for event in ret.events.select_related("actor").order_by("at", "id")
        ],
        refunds=[
            RefundLine(
                gateway=r.gateway, amount=_money(r.amount, r.currency), currency=r.currency, status=r.status
            )
            for r in refunds_for(ret)
        ],
        exchanges=[
            ExchangeOutLine(
                line=x.line_id,
                kind=x.kind,
                order=x.order.number,
                variant_sku=x.variant.sku,
                difference=_money(x.difference, ret.order.currency),
                instant=x.instant,
                owed=_owed(x),
            )
            for x in ret.exchanges.select_related("order", "variant").order_by("id")
        ],
        deadlines=_deadlines(ret),
    )


def _owed(exchange: Exchange) -> Decimal:
    from retour.refunds.services.charging import owed

    return owed(exchange).rounded().amount


def _deadlines(ret: Return) -> DeadlinesOut:
    from retour.refunds.services.deadlines import for_return

    found = for_return(ret)
    return DeadlinesOut(
        country=found.country,
        refund_expected_earliest=found.expected.earliest,
        refund_expected_latest=found.expected.latest,
        legal_refund_due=found.legal_due,
        may_wait_for_goods=found.may_wait_for_goods,
        late_refund_surcharge=[
            SurchargeStep(owed_from=day, rule=step.rule, percent=step.percent, amount=step.amount.amount)
            for day, step in found.surcharge
        ],
        legal_basis=found.legal_basis,
        goods_back_on=found.goods_back_on,
        proof_of_sending_on=found.proof_of_sending_on,
        refund_due_by=found.refund_due_by,
        late_refund_surcharge_owed=found.surcharge_owed.rounded().amount if found.surcharge_owed else None,
    )


def find_return(request: HttpRequest, number: str, store: str | None = None) -> Return:
    """The return numbered ``number`` in the stores the request reaches (``?store=CODE``, the token's)."""
    require(request, "returns.view_return", _("You may not see returns."))
    scope = store_scope(request, store or request.GET.get("store"))
    found = handling.find(number, scope.pk if scope is not None else None)
    seller = seller_scope(request)
    if seller is not None and not returns_of(seller).filter(pk=found.pk).exists():
        # Another seller's return is not found, in the very words of one that does not exist.
        raise ReturnNotFound(_("There is no return %(number)s.") % {"number": found.number})
    return found


@router.post("", response={201: ReturnOut}, summary="Ask for a return")
def post_return(request: HttpRequest, body: ReturnIn, store: str | None = None) -> Status[ReturnOut]:
    """The policy decides each line; the return is approved at once when the policy says so, else it waits
    for review. Nothing is created when a line is refused."""
    require(request, "returns.add_return", _("You may not create returns."))
    target = one_store(request, store)
    order = Order.objects.filter(store=target, number=body.order).first()
    if order is None:
        raise OrderNotFound(_("The store has no order %(number)s.") % {"number": body.order})
    ret = create_return(
        order,
        [
            LineRequest(
                order_line_id=line.order_line,
                quantity=line.quantity,
                reason=line.reason,
                condition=line.condition,
                resolution=line.resolution,
                reason_text=line.reason_text,
            )
            for line in body.lines
        ],
        channel=Return.Channel.API,
        actor=request.user,
        language=body.language or asked_language(request),
    )
    return Status(201, present_for(request, ret))


class ReturnSummary(Schema):
    number: str
    store: str
    state: str
    outcome: str
    order: str
    email: str
    channel: str
    lines: int
    created_at: datetime
    approved_at: datetime | None
    abuse_score: int | None = None  # staff only


class ReturnPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReturnSummary]


@router.get("", response=ReturnPage, summary="List returns (the review queue: ?state=requested)")
def list_returns(
    request: HttpRequest,
    state: str = "",
    store: str | None = None,
    limit: int = Query(50, ge=1, le=MAX_PAGE),  # type: ignore[type-arg]
    offset: int = Query(0, ge=0, le=10**9),  # type: ignore[type-arg]
) -> ReturnPage:
    """Returns in the stores the request reaches, ``state`` if given. The review queue
    (``state=requested``) comes oldest first, the shopper who waited longest at the top; any other list
    newest first. Pages of ``limit`` (1 to 200) from ``offset``."""
    require(request, "returns.view_return", _("You may not see returns."))
    if state and state not in Return.State.values:
        raise ReturnInvalid(_("“%(value)s” is not a return state.") % {"value": state})
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise ReturnInvalid(
            _("Ask for 1 to %(max)d returns from an offset of 0 or more.") % {"max": MAX_PAGE}
        )
    scope = store_scope(request, store)
    found = queries.listed(state=state or None, store_id=scope.pk if scope is not None else None)
    seller = seller_scope(request)
    if seller is not None:
        found = found.filter(pk__in=returns_of(seller).values("pk"))
    page = list(found.annotate(line_count=Count("lines"))[offset : offset + limit])
    scores = abuse.scores_of([ret.pk for ret in page]) if seller is None else {}
    return ReturnPage(
        count=found.count(),
        limit=limit,
        offset=offset,
        items=[
            ReturnSummary(
                number=ret.number,
                store=ret.store.code,
                state=ret.state,
                outcome=ret.outcome,
                order=ret.order.number,
                email=ret.order.email,
                channel=ret.channel,
                lines=ret.line_count,
                created_at=ret.created_at,
                approved_at=ret.approved_at,
                abuse_score=scores.get(ret.pk),
            )
            for ret in page
        ],
    )


@router.get("/{number}", response=ReturnOut, summary="A return with its lines, decisions and timeline")
def get_return(request: HttpRequest, number: str, store: str | None = None) -> ReturnOut:
    return present_for(request, find_return(request, number, store))


PROBLEM_CONTENT = {"application/problem+json": {"schema": {"type": "object"}}}
# Integer codes, as ninja keys its own responses: "200" beside 200 would be a duplicate key in the JSON.
LABEL_RESPONSES = {
    200: {
        "description": "The label (page 1) and the packing slip (page 2)",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    },
    403: {"description": "The user may not see returns (`permission_denied`)", "content": PROBLEM_CONTENT},
    404: {"description": "No such return (`return_not_found`)", "content": PROBLEM_CONTENT},
    409: {
        "description": "The return has no label (`no_label`): not approved yet, sent back another way, "
        "or closed",
        "content": PROBLEM_CONTENT,
    },
}


@router.get(
    "/{number}/label",
    summary="The return label and packing slip, as PDF",
    openapi_extra={"responses": LABEL_RESPONSES},
)
def get_label(request: HttpRequest, number: str, language: str = "") -> HttpResponse:
    """In ``language`` (``fr`` or ``en``), by default the shopper's."""
    from retour.logistics.services import printed_label

    ret = find_return(request, number)
    response = HttpResponse(printed_label(ret, language), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{ret.number}.pdf"'
    return response


class Note(Schema):
    note: str = ""


class Rejection(Schema):
    reason: str


class ReceiptIn(Schema):
    line: int
    status: str = "received"
    quantity: int | None = None


class Receiving(Schema):
    lines: list[ReceiptIn] = []


class GradingIn(Schema):
    line: int
    condition: str
    result: str = "accepted"
    disposition: str = ""


class Inspection(Schema):
    lines: list[GradingIn]


@router.post("/{number}/approve", response=ReturnOut, summary="Approve a return waiting for review")
def approve(
    request: HttpRequest, number: str, body: Note | None = None, store: str | None = None
) -> ReturnOut:
    require(request, "returns.approve_return", _("You may not approve returns."))
    return present_for(
        request,
        handling.approve(
            find_return(request, number, store), actor=request.user, note=body.note if body else ""
        ),
    )


@router.post("/{number}/reject", response=ReturnOut, summary="Reject a return, saying why")
def reject(request: HttpRequest, number: str, body: Rejection, store: str | None = None) -> ReturnOut:
    require(request, "returns.approve_return", _("You may not reject returns."))
    return present_for(
        request, handling.reject(find_return(request, number, store), actor=request.user, reason=body.reason)
    )


class Sent(Schema):
    tracking: str = Field("", max_length=64)  # the carrier's tracking number, when the shopper gave it


@router.post("/{number}/in-transit", response=ReturnOut, summary="Mark a return's parcel as sent")
def in_transit(
    request: HttpRequest, number: str, body: Sent | None = None, store: str | None = None
) -> ReturnOut:
    """The parcel is on its way (a carrier's scan, the shopper's proof of sending): the return can no longer
    be cancelled, and is no longer chased or expired."""
    require(request, "returns.receive_return", _("You may not mark returns in transit."))
    return present_for(
        request,
        handling.mark_in_transit(
            find_return(request, number, store), actor=request.user, tracking=body.tracking if body else ""
        ),
    )


@router.post(
    "/{number}/receive", response=ReturnOut, summary="Receive lines (by default every line still awaited)"
)
def receive(
    request: HttpRequest, number: str, body: Receiving | None = None, store: str | None = None
) -> ReturnOut:
    """Line by line: the return becomes received once every line is received, lost or a wrong item; a
    lost line can still be received later, until the return is inspected."""
    require(request, "returns.receive_return", _("You may not receive returns."))
    receipts = [handling.Receipt(r.line, r.status, r.quantity) for r in (body.lines if body else [])]
    return present_for(
        request, handling.receive(find_return(request, number, store), receipts, actor=request.user)
    )


@router.post("/{number}/inspect", response=ReturnOut, summary="Grade received lines")
def inspect(request: HttpRequest, number: str, body: Inspection, store: str | None = None) -> ReturnOut:
    require(request, "returns.receive_return", _("You may not inspect returns."))
    gradings = [handling.Grading(g.line, g.condition, g.result, g.disposition) for g in body.lines]
    return present_for(
        request, handling.inspect(find_return(request, number, store), gradings, actor=request.user)
    )


@router.post("/{number}/cancel", response=ReturnOut, summary="Cancel a return not yet received")
def cancel(
    request: HttpRequest, number: str, body: Note | None = None, store: str | None = None
) -> ReturnOut:
    require_staff(request, "returns.approve_return", _("You may not cancel returns."))
    return present_for(
        request,
        handling.cancel(
            find_return(request, number, store), actor=request.user, reason=body.note if body else ""
        ),
    )


class ExchangeIn(Schema):
    line: int
    variant_sku: str = ""  # empty: the same item again (a replacement)
    instant: bool = False
    pay_with: str = "original"  # a dearer item's difference: original | store_credit | manual


@router.post("/{number}/exchange", response=ReturnOut, summary="Exchange or replace a line (a linked order)")
def exchange(request: HttpRequest, number: str, body: ExchangeIn, store: str | None = None) -> ReturnOut:
    from retour.catalog.models import Variant
    from retour.returns.services.resolutions import exchange as make_exchange

    require_staff(request, "returns.approve_return", _("You may not exchange returns."))
    ret = find_return(request, number, store)
    line = ret.lines.filter(pk=body.line).first()
    if line is None:
        raise ReturnInvalid(_("This return has no such line."))
    variant = None
    if body.variant_sku:
        variant = Variant.objects.filter(store_id=ret.store_id, sku=body.variant_sku).first()
        if variant is None:
            raise ReturnInvalid(_("The store has no item with SKU %(sku)s.") % {"sku": body.variant_sku})
    make_exchange(ret, line, variant, actor=request.user, instant=body.instant, pay_with=body.pay_with)
    return present_for(request, ret)


class ResolveIn(Schema):
    outcome: str  # exchanged | replaced | repaired
    note: str = ""


@router.post(
    "/{number}/resolve", response=ReturnOut, summary="Close an exchanged, replaced or repaired return"
)
def resolve(request: HttpRequest, number: str, body: ResolveIn, store: str | None = None) -> ReturnOut:
    from retour.returns.services.resolutions import close_exchanged, repair

    require_staff(request, "returns.approve_return", _("You may not resolve returns."))
    ret = find_return(request, number, store)
    if body.outcome == "repaired":
        repair(ret, ret.lines.first(), actor=request.user, note=body.note)  # type: ignore[arg-type]
    elif body.outcome in ("exchanged", "replaced"):
        close_exchanged(ret, actor=request.user)
    else:
        raise ReturnInvalid(_("Resolve as exchanged, replaced or repaired; refunds go through /refund."))
    return present_for(request, ret)


class PhotoOut(Schema):
    id: int
    content_type: str
    size: int


@router.post(
    "/{number}/lines/{line_id}/photos", response={201: PhotoOut}, summary="Add a photo to a return line"
)
def add_photo(
    request: HttpRequest, number: str, line_id: int, file: File[UploadedFile], store: str | None = None
) -> Status[PhotoOut]:
    """JPEG, PNG, GIF or WebP, judged by the file's bytes; at most 10 MB and 6 photos per line."""
    from retour.returns.services.photos import add_photo as save_photo

    require(request, "returns.add_return", _("You may not add photos to returns."))
    ret = find_return(request, number, store)
    line = ret.lines.filter(pk=line_id).first()
    if line is None:
        raise ReturnInvalid(_("This return has no such line."))
    photo = save_photo(line, file)
    return Status(201, PhotoOut(id=photo.pk, content_type=photo.content_type, size=photo.size))
