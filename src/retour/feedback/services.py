"""The survey's life: made when a return closes (its email queued for the worker), answered once, and
the shopper's opt-out, which stops every later survey email of the store to that address."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from retour.feedback.domain import survey as rules
from retour.feedback.errors import AnswerRefused, SurveyNotFound
from retour.feedback.models import Survey, SurveyAnswer, SurveyOptOut
from retour.notifications.emails import LOCALES, recipient
from retour.returns.domain import states
from retour.returns.models import Return, ReturnEvent

MESSAGES = {
    rules.NOT_CLOSED: lambda: _("This survey opens once your return is complete."),
    rules.ANSWERED: lambda: _("You have already answered this survey: thank you."),
    rules.SATISFACTION_MISSING: lambda: _("Choose how satisfied you are, from 1 to 5."),
    rules.SATISFACTION_OUT_OF_RANGE: lambda: _("Satisfaction is a whole number from 1 to 5."),
    rules.BUY_AGAIN_MISSING: lambda: _("Say whether you would buy from us again."),
    rules.COMMENT_TOO_LONG: lambda: _("A comment has at most 2,000 characters."),
}


def language_of(ret: Return) -> str:
    """The order's language (the survey is the shop's conversation with its buyer), else the return's."""
    for code in (ret.order.language, ret.language, ret.store.default_language):
        if code and code[:2] in LOCALES:
            return code[:2]
    return "en"


def opted_out(store_id: int, email: str) -> bool:
    return SurveyOptOut.objects.filter(store_id=store_id, email=rules.normalised_email(email)).exists()


def invite_after_close(event: ReturnEvent) -> Survey | None:
    """The survey of the return ``event`` closed (resolved, whatever the outcome), made once, and its
    email queued for the worker unless the shopper opted out. Called in the event's transaction: the
    survey and its task commit with the return's closing or not at all."""
    if event.to_state != states.RESOLVED:
        return None
    ret = event.ret
    email = recipient(ret)
    reasons = sorted(set(ret.lines.values_list("reason", flat=True)))
    if not email:
        status = Survey.EmailStatus.NO_ADDRESS
    elif opted_out(ret.store_id, email):
        status = Survey.EmailStatus.OPTED_OUT
    else:
        status = Survey.EmailStatus.QUEUED
    try:
        with transaction.atomic():
            survey = Survey.objects.create(
                store_id=ret.store_id,
                ret=ret,
                email=email,
                language=language_of(ret),
                outcome=str(event.data.get("outcome") or ret.outcome),
                reasons=reasons,
                email_status=status,
            )
    except IntegrityError:
        return Survey.objects.get(ret=ret)  # a return closes once; made already
    if status == Survey.EmailStatus.QUEUED:
        from retour.feedback.tasks import send_survey  # the task renders with this app's email

        send_survey.enqueue(survey.pk)
    return survey


def by_token(token: str) -> Survey:
    found = (
        Survey.objects.select_related("ret", "store", "ret__order").filter(token=token[:64]).first()
        if token
        else None
    )
    if found is None:
        raise SurveyNotFound(_("This survey link is not valid."))
    return found


def survey_of(ret: Return) -> Survey | None:
    """The survey of ``ret``, once it is closed (None before)."""
    return Survey.objects.filter(ret=ret).select_related("answer").first()


def answer_of(survey: Survey) -> SurveyAnswer | None:
    return SurveyAnswer.objects.filter(survey=survey).first()


def answer(
    survey: Survey, satisfaction: object, would_buy_again: object, comment: object, *, channel: str
) -> tuple[SurveyAnswer, bool]:
    """Record the shopper's answer, once: ``(answer, created)``. A second submission (a double click, the
    form sent again, the portal and the email both) changes nothing and gives back the first answer; a
    bad one raises ``AnswerRefused`` with each field's message and saves nothing."""
    checked = rules.check_answer(satisfaction, would_buy_again, comment)
    with transaction.atomic():
        locked = Survey.objects.select_for_update().select_related("ret").get(pk=survey.pk)
        existing = answer_of(locked)
        if existing is not None:
            return existing, False
        allowed, why = rules.may_answer(closed=locked.ret.state == states.RESOLVED, answered=False)
        if not allowed:
            raise AnswerRefused(MESSAGES[why](), reason=why)
        if checked.answer is None:
            errors = {name: MESSAGES[code]() for name, code in checked.errors.items()}
            raise AnswerRefused(_("Please correct the answers below."), errors=errors)
        try:
            with transaction.atomic():
                row = SurveyAnswer.objects.create(
                    survey=locked,
                    satisfaction=checked.answer.satisfaction,
                    would_buy_again=checked.answer.would_buy_again,
                    comment=checked.answer.comment,
                    channel=channel,
                )
        except IntegrityError:  # answered by another request between the lock and here (SQLite)
            return SurveyAnswer.objects.get(survey=locked), False
    return row, True


def opt_out(survey: Survey) -> bool:
    """The survey's address gets no more survey emails from its store (True when newly recorded); a
    survey email still queued for it is not sent."""
    email = rules.normalised_email(survey.email)
    if not email:
        return False
    with transaction.atomic():
        _row, created = SurveyOptOut.objects.get_or_create(store_id=survey.store_id, email=email)
        Survey.objects.filter(
            store_id=survey.store_id,
            email__iexact=email,
            email_status__in=(Survey.EmailStatus.QUEUED, Survey.EmailStatus.FAILED),
        ).update(email_status=Survey.EmailStatus.OPTED_OUT)
    return created
