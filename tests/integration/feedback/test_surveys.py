"""The survey after a return closes: made once, emailed by the worker in the order's language with an
opt-out link, answered once (from the email's link or the portal's return page), opt-out honoured."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from integration.feedback.closing import refunded, run_worker
from retour.feedback import services
from retour.feedback.errors import AnswerRefused
from retour.feedback.models import Survey, SurveyAnswer, SurveyOptOut
from retour.portal import access
from retour.returns.models import Return
from retour.returns.services.creating import LineRequest, create_return

pytestmark = pytest.mark.django_db(transaction=True)


def survey_mails(smtp):
    return [m for m in smtp.messages if "Comment s’est passé votre retour" in str(m["Subject"])]


def links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.get_body(("plain",)).get_content())


def test_a_closed_return_gets_one_survey_emailed_in_the_orders_language(order, smtp):
    ret = refunded(order, reason="size_fit")
    survey = Survey.objects.get(ret=ret)
    assert (survey.outcome, survey.reasons, survey.language) == ("refunded", ["size_fit"], "fr")
    run_worker()
    run_worker()  # the task again: sent once
    (mail,) = survey_mails(smtp)
    assert mail["To"] == order.email
    survey_link, opt_out_link = links(mail)
    assert survey_link.endswith(reverse("feedback:survey", args=[survey.token]))
    assert opt_out_link.endswith(reverse("feedback:opt_out", args=[survey.token]))
    survey.refresh_from_db()
    assert (survey.email_status, survey.email_attempts) == ("sent", 1)


def test_an_open_return_has_no_survey(order):
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened", "refund")])
    assert not Survey.objects.filter(ret=ret).exists()


def test_the_emailed_link_takes_one_answer_and_a_second_submission_changes_nothing(order):
    survey = Survey.objects.get(ret=refunded(order))
    client = Client()
    url = reverse("feedback:survey", args=[survey.token])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert "Seriez-vous prêt" in page.content.decode() or "Achèteriez-vous" in page.content.decode()
    first = client.post(url, {"satisfaction": "4", "would_buy_again": "yes", "comment": "Rapide"})
    assert first.status_code == 302
    again = client.post(url, {"satisfaction": "1", "would_buy_again": "no", "comment": "Autre"})
    assert again.status_code == 302
    (answer,) = SurveyAnswer.objects.filter(survey=survey)
    assert (answer.satisfaction, answer.would_buy_again, answer.comment, answer.channel) == (
        4,
        True,
        "Rapide",
        "email",
    )
    assert "Merci" in client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()


def test_a_bad_answer_is_refused_in_the_shoppers_language_and_saves_nothing(order):
    survey = Survey.objects.get(ret=refunded(order))
    response = Client().post(
        reverse("feedback:survey", args=[survey.token]),
        {"satisfaction": "9", "comment": "x"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "La satisfaction est un nombre entier de 1 à 5." in body
    assert "Dites-nous si vous achèteriez de nouveau chez nous." in body
    assert not SurveyAnswer.objects.exists()


def test_the_service_refuses_an_answer_before_the_return_closes(order):
    survey = Survey.objects.get(ret=refunded(order))
    Return.objects.filter(pk=survey.ret_id).update(state="inspected")  # as if it had not closed yet
    with pytest.raises(AnswerRefused) as refused:
        services.answer(survey, 5, True, "", channel="api")
    assert refused.value.details["reason"] == "not_closed"
    assert not SurveyAnswer.objects.exists()


def test_an_unknown_link_is_not_found():
    assert Client().get(reverse("feedback:survey", args=["nope"])).status_code == 404


def test_after_opting_out_no_survey_email_is_sent_again(make_order, smtp):
    first = Survey.objects.get(ret=refunded(make_order("#2001")))
    client = Client()
    url = reverse("feedback:opt_out", args=[first.token])
    assert client.get(url).status_code == 200
    assert not SurveyOptOut.objects.exists()  # a link scanner's GET changes nothing
    assert client.post(url).status_code == 200
    assert SurveyOptOut.objects.get().email == first.email.lower()
    run_worker()
    assert not survey_mails(smtp)  # queued before the opt-out: not sent either
    # The same shopper's next order: its survey is made (the portal still shows it) but not emailed.
    second = Survey.objects.get(ret=refunded(make_order("#2002", customer={"email": "2001@example.com"})))
    assert second.email_status == "opted_out"
    run_worker()
    assert not survey_mails(smtp)
    assert smtp.messages  # the return's own emails still go out


def test_the_portal_status_page_shows_the_survey_and_takes_the_answer_once(order):
    ret = refunded(order)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.get(reverse("portal:access", args=[access.link_token(order)]))
    page_url = reverse("portal:return", args=[ret.number])
    page = client.get(page_url)
    assert "Tell us how it went" in page.content.decode()
    survey = Survey.objects.get(ret=ret)
    form = {"satisfaction": "2", "would_buy_again": "no", "comment": "Too slow", "next": page_url}
    answered = client.post(reverse("feedback:survey", args=[survey.token]), form)
    assert answered["Location"] == page_url
    client.post(reverse("feedback:survey", args=[survey.token]), form)
    assert SurveyAnswer.objects.get(survey=survey).channel == "portal"
    assert "Thank you for your answer" in client.get(page_url).content.decode()
