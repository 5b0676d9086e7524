"""``/api/v1/feedback/``: the shopper's survey after a return closes, for a storefront or an app that
shows it itself (the survey's token, from its emailed link, is the credential, as for the link), and its
staff view per return.

- ``GET surveys/{token}``: the survey's return, reasons, outcome and answer (when given);
- ``POST surveys/{token}/answer``: satisfaction 1-5, would buy again, a comment; once: a second answer
  gives back the first (200, ``created`` false); a bad one is refused with each field's message (422);
- ``POST surveys/{token}/opt-out``: no more survey emails to the survey's address from its store;
- ``GET returns/{number}``: the same for staff who see returns (bearer token).

The results by period, reason, outcome and store are the analytics page ``feedback``:
``GET /api/v1/analytics/feedback``.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from ninja.throttling import AnonRateThrottle

from retour.api.scope import one_store
from retour.api.v1.returns import require_staff
from retour.feedback import services
from retour.feedback.errors import SurveyNotFound
from retour.feedback.models import Survey, SurveyAnswer

router = Router(tags=["feedback"])
RATE = "60/m"


class AnswerIn(Schema):
    model_config = {"extra": "forbid"}

    satisfaction: int | str | None = Field(None, description="1 (very unhappy) to 5 (very happy).")
    would_buy_again: bool | str | None = Field(None, description="true or false (yes/no, oui/non).")
    comment: str = Field("", max_length=4000, description="At most 2,000 characters once trimmed.")


class AnswerOut(Schema):
    satisfaction: int
    would_buy_again: bool
    comment: str
    channel: str
    answered_at: datetime


class SurveyOut(Schema):
    ret: str = Field(..., description="The return's number.")
    outcome: str
    reasons: list[str]
    language: str
    email_status: str
    closed_at: datetime
    answer: AnswerOut | None


class AnsweredOut(SurveyOut):
    created: bool = Field(..., description="False: the survey was answered already; this is that answer.")


def _out(survey: Survey, answer: SurveyAnswer | None) -> dict[str, object]:
    return {
        "ret": survey.ret.number,
        "outcome": survey.outcome,
        "reasons": list(survey.reasons),
        "language": survey.language,
        "email_status": survey.email_status,
        "closed_at": survey.created_at,
        "answer": answer,
    }


@router.get(
    "/surveys/{token}",
    response=SurveyOut,
    auth=None,
    throttle=[AnonRateThrottle(RATE)],
    summary="A survey, by its link's token",
)
def survey(request: HttpRequest, token: str) -> dict[str, object]:
    found = services.by_token(token)
    return _out(found, services.answer_of(found))


@router.post(
    "/surveys/{token}/answer",
    response={200: AnsweredOut, 201: AnsweredOut},
    auth=None,
    throttle=[AnonRateThrottle(RATE)],
    summary="Answer a survey, once",
)
def answer(request: HttpRequest, token: str, body: AnswerIn) -> Status[dict[str, object]]:
    found = services.by_token(token)
    row, created = services.answer(
        found, body.satisfaction, body.would_buy_again, body.comment, channel=SurveyAnswer.Channel.API
    )
    return Status(201 if created else 200, {**_out(found, row), "created": created})


class OptedOut(Schema):
    opted_out: bool
    newly: bool = Field(..., description="False: the address had opted out already.")


@router.post(
    "/surveys/{token}/opt-out",
    response=OptedOut,
    auth=None,
    throttle=[AnonRateThrottle(RATE)],
    summary="No more survey emails to this survey's address",
)
def opt_out(request: HttpRequest, token: str) -> dict[str, bool]:
    return {"opted_out": True, "newly": services.opt_out(services.by_token(token))}


@router.get("/returns/{number}", response=SurveyOut, summary="A return's survey and its answer (staff)")
def return_survey(request: HttpRequest, number: str, store: str | None = None) -> dict[str, object]:
    # The marketplace's staff only: a seller's token reaches its returns, not their shoppers' surveys.
    require_staff(request, "returns.view_return", _("You may not see returns."))
    found = (
        Survey.objects.select_related("ret")
        .filter(ret__number=number.strip().upper()[:16], store=one_store(request, store))
        .first()
    )
    if found is None:
        raise SurveyNotFound(_("This return has no survey: it is not closed yet, or does not exist."))
    return _out(found, services.answer_of(found))
