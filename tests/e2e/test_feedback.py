"""Issue 12, items 3 and 4 in a real browser, in English and French, axe-checked at each step: the survey
answered from its emailed link (a bad answer explained, then taken once), on the portal's return page,
the opt-out; and the staff pages of survey results and product return health, with their charts."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from e2e.harness import assert_accessible
from e2e.portal_data import SHOPPERS, find_order, load_policy, make_order
from integration.feedback.closing import refunded
from integration.insights.health_store import MARCH, build
from retour.catalog.models import Store
from retour.feedback.models import Survey, SurveyAnswer, SurveyOptOut

PASSWORD = "correct horse battery staple"
WORDS = {
    "en": {
        "heading": "How did your return",
        "satisfied": "4 · happy",
        "again": "Yes",
        "comment": "Anything to tell us? (optional)",
        "send": "Send my answer",
        "missing": "Choose how satisfied you are, from 1 to 5.",
        "thanks": "Thank you for your answer",
        "card": "Tell us how it went",
        "no more": "No more surveys from us",
        "stop": "Send me no more surveys",
        "stopped": "will send you no more surveys",
        "feedback": "Shopper feedback",
        "health": "Product return health",
        "flagged": "Products that return far more than their category",
        "log in": "Log in",
    },
    "fr": {
        "heading": "Comment s’est passé votre retour",
        "satisfied": "4 · content",
        "again": "Oui",
        "comment": "Quelque chose à nous dire\u00a0? (facultatif)",
        "send": "Envoyer ma réponse",
        "missing": "Indiquez votre satisfaction, de 1 à 5.",
        "thanks": "Merci pour votre réponse",
        "card": "Dites-nous comment cela s’est passé",
        "no more": "Ne plus recevoir de questionnaires",
        "stop": "Ne plus m’envoyer de questionnaires",
        "stopped": "ne vous enverra plus de questionnaires",
        "feedback": "Avis des clients",
        "health": "Santé des produits face aux retours",
        "flagged": "Produits qui reviennent bien plus que leur catégorie",
        "log in": "Connexion",
    },
}


@pytest.fixture
def survey(transactional_db: None, store: Store, language: str) -> Survey:
    load_policy(store)
    ret = refunded(make_order(store, language))
    return Survey.objects.get(ret=ret)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_emailed_survey_explains_a_missing_answer_then_takes_one_answer(
    survey: Survey, page: Page, language: str, console_errors: list[str]
) -> None:
    words = WORDS[language]
    page.goto(f"/feedback/{survey.token}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(words["heading"])
    assert_accessible(page)
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_text(words["missing"])).to_be_visible()
    assert_accessible(page)
    assert not SurveyAnswer.objects.exists()
    # The form answered with its errors comes back as HTTP 400, which Chromium logs: only that.
    assert console_errors
    assert all(line.endswith("status of 400 (Bad Request)") for line in console_errors), console_errors
    console_errors.clear()
    page.get_by_label(words["satisfied"]).check()
    page.get_by_label(words["again"], exact=True).check()
    page.get_by_label(words["comment"]).fill("Rapide et simple")
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_role("status")).to_contain_text(words["thanks"])
    assert_accessible(page)
    page.reload()  # the thanks again, not the form: one answer
    expect(page.get_by_role("status")).to_contain_text(words["thanks"])
    expect(page.get_by_role("button", name=words["send"])).to_have_count(0)
    answer = SurveyAnswer.objects.get(survey=survey)
    assert (answer.satisfaction, answer.would_buy_again, answer.comment) == (4, True, "Rapide et simple")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_portal_return_page_shows_the_survey_and_the_opt_out_is_honoured(
    survey: Survey, page: Page, language: str
) -> None:
    words = WORDS[language]
    order = survey.ret.order
    find_order(page, language, order)
    page.goto(f"/returns/{survey.ret.number}/")
    card = page.get_by_role("region", name=words["card"])
    expect(card).to_be_visible()
    assert_accessible(page)
    card.get_by_label(words["satisfied"]).check()
    card.get_by_label(words["again"], exact=True).check()
    card.get_by_role("button", name=words["send"]).click()
    expect(page).to_have_url(f"/returns/{survey.ret.number}/")
    expect(page.get_by_role("region", name=words["card"])).to_contain_text(words["thanks"])
    assert SurveyAnswer.objects.get(survey=survey).channel == "portal"
    page.goto(f"/feedback/{survey.token}/")
    page.get_by_role("link", name=words["no more"]).click()
    assert_accessible(page)
    page.get_by_role("button", name=words["stop"]).click()
    expect(page.get_by_role("status")).to_contain_text(words["stopped"])
    assert_accessible(page)
    assert SurveyOptOut.objects.get().email == SHOPPERS[language].email.lower()


def log_in(page: Page, language: str) -> None:
    User.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    page.goto("/admin/login/")
    page.locator("#id_username").fill("boss")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=WORDS[language]["log in"]).click()
    expect(page).to_have_url("/admin/")


@pytest.mark.parametrize("viewport", ["desktop"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_staff_read_the_survey_results_with_a_chart(survey: Survey, page: Page, language: str) -> None:
    from retour.feedback import services

    services.answer(survey, 2, False, "Trop lent", channel="email")
    log_in(page, language)
    page.goto("/backoffice/analytics/feedback/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(WORDS[language]["feedback"])
    expect(page.locator("figure svg[role=img]").first).to_be_visible()
    expect(page.get_by_text("Trop lent")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("viewport", ["desktop"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_staff_see_the_products_that_return_far_more_than_their_category(
    transactional_db: None, store: Store, tmp_path: Path, page: Page, language: str
) -> None:
    build(store, tmp_path)
    log_in(page, language)
    page.goto(f"/backoffice/analytics/product-health/?from={MARCH[0]}&to={MARCH[1]}")
    words = WORDS[language]
    expect(page.get_by_role("heading", level=1)).to_contain_text(words["health"])
    flagged = page.get_by_role("table").first
    expect(flagged).to_contain_text("Dress")
    expect(page.locator("figure svg[role=img]").first).to_be_visible()
    assert_accessible(page)
