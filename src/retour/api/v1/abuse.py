"""``/api/v1/abuse/…``: returns' abuse scores with their reasons, staff's verdicts, and what was observed.

Staff of the marketplace only (a seller's token is refused): the signals are about shoppers."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from retour.abuse import services
from retour.abuse.models import Assessment
from retour.api.scope import store_scope
from retour.api.v1.returns import asked_language, find_return, require_staff

router = Router(tags=["abuse"])


class SignalOut(Schema):
    code: str
    points: int
    reason: str


class AssessmentOut(Schema):
    model_config = {"populate_by_name": True}

    return_number: str = Field(alias="return")
    score: int
    review: bool
    review_at: int
    signals: list[SignalOut]
    verdict: str
    assessed_at: str


class VerdictIn(Schema):
    verdict: Literal["fraud", "legitimate"]
    note: str = Field("", max_length=500)


class ObservationIn(Schema):
    shipped_weight_grams: int | None = Field(None, ge=0, le=1_000_000)
    received_weight_grams: int | None = Field(None, ge=0, le=1_000_000)
    accessories_missing_lines: int | None = Field(None, ge=0, le=1000)
    worn: bool | None = None
    device_cookie: str | None = Field(None, max_length=128)
    card_fingerprint: str | None = Field(None, max_length=128)
    refund_before_shipping: bool | None = None


def _out(row: Assessment, request: HttpRequest) -> AssessmentOut:
    language = asked_language(request) or row.ret.language or "en"
    return AssessmentOut.model_validate(services.assessment_data(row, language))


def _staff(request: HttpRequest) -> None:
    require_staff(request, "returns.view_return", _("You may not see abuse signals."))


@router.get("/queue", response=list[AssessmentOut], summary="Returns waiting for review, highest score first")
def queue(request: HttpRequest, store: str | None = None) -> list[AssessmentOut]:
    _staff(request)
    scope = store_scope(request, store)
    rows = services.review_queue([scope.pk] if scope is not None else None)
    return [_out(row, request) for row in rows]


@router.get("/returns/{number}", response=AssessmentOut, summary="A return's abuse score and its reasons")
def get_assessment(request: HttpRequest, number: str, store: str | None = None) -> AssessmentOut:
    _staff(request)
    ret = find_return(request, number, store)
    row = Assessment.objects.filter(ret=ret).first() or services.assess(ret)
    return _out(row, request)


@router.post("/returns/{number}/verdict", response=AssessmentOut, summary="Mark a return fraud or legitimate")
def post_verdict(
    request: HttpRequest, number: str, body: VerdictIn, store: str | None = None
) -> AssessmentOut:
    """Kept with the signals it judged; the store's signal weights are re-weighed from its verdicts. The
    return is neither approved nor rejected by this: that stays a person's separate decision."""
    require_staff(request, "returns.approve_return", _("You may not judge returns."))
    ret = find_return(request, number, store)
    return _out(services.mark(ret, body.verdict, actor=request.user, note=body.note), request)


@router.post("/returns/{number}/observations", response=AssessmentOut, summary="Record what was observed")
def post_observation(
    request: HttpRequest, number: str, body: ObservationIn, store: str | None = None
) -> AssessmentOut:
    """Parcel weights (shipped and received, grams), high-value items back without accessories, worn,
    the device cookie and card fingerprint, a refund asked before shipping; the return is scored again."""
    require_staff(request, "returns.receive_return", _("You may not record observations on returns."))
    ret = find_return(request, number, store)
    values = body.model_dump(exclude_none=True)
    return _out(services.observe(ret, **values), request)
