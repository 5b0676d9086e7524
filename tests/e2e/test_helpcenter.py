"""The help center in a real browser, in French and English, on a phone: pages, instant search, votes."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from playwright.sync_api import Page, expect

from e2e.harness import assert_accessible
from retour.backoffice.models import StaffStore
from retour.catalog.models import Store
from retour.helpcenter.models import SearchLog, Vote

PASSWORD = "correct horse battery staple"

BOTH = pytest.mark.parametrize("language", ["en", "fr"])


@pytest.fixture
def articles(kb_dir: Path) -> None:
    call_command("helpcenter", "import", str(kb_dir))


@BOTH
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_home_lists_topics_in_the_readers_language_and_is_accessible(
    articles: None, page: Page, language: str
) -> None:
    page.goto("/help/")
    heading = {"en": "Returns & refunds: help center", "fr": "Retours et remboursements : centre d’aide"}
    expect(page.get_by_role("heading", level=1)).to_have_text(heading[language])
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("searchbox")).to_be_visible()
    assert_accessible(page)


@BOTH
def test_an_article_opens_from_the_home_page_with_its_contents(
    articles: None, page: Page, language: str
) -> None:
    title = {"en": "When will I get my refund?", "fr": "Quand vais-je recevoir mon remboursement\u00a0?"}[
        language
    ]
    page.goto("/help/")
    page.get_by_role("link", name=title).first.click()
    expect(page).to_have_url("/help/a/refund-timelines/")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(
        page.get_by_role("navigation", name={"en": "Contents", "fr": "Sommaire"}[language])
    ).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("language", ["fr"])
def test_instant_search_shows_results_while_typing_despite_a_typo(articles: None, page: Page) -> None:
    page.goto("/help/")
    page.get_by_role("searchbox").press_sequentially("remboursment", delay=20)
    results = page.locator("#help-results li")
    expect(results.first).to_be_visible()
    expect(page.locator("#help-results")).to_contain_text("remboursement")
    expect(page).to_have_url("/help/")  # swapped in by htmx, not a page load
    assert not SearchLog.objects.exists()  # instant searches are not logged
    assert_accessible(page)


@BOTH
def test_the_results_page_lists_matches_and_logs_the_search(
    articles: None, page: Page, language: str
) -> None:
    query = {"en": "refund card", "fr": "remboursment carte"}[language]
    page.goto("/help/")
    page.get_by_role("searchbox").fill(query)
    # Instant results first: the visitor's session (the search log's owner) exists before the submit.
    expect(page.locator("#help-results li").first).to_be_visible()
    page.get_by_role("button", name={"en": "Search", "fr": "Rechercher"}[language]).click()
    expect(page).to_have_url(f"/help/search/?q={query.replace(' ', '+')}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        {"en": "Search results", "fr": "Résultats de la recherche"}[language]
    )
    expect(page.locator("ol.help-results > li").first).to_be_visible()
    assert_accessible(page)
    page.locator("ol.help-results a").first.click()
    expect(page).to_have_url(re.compile(r"/help/a/[a-z-]+/\?s=\d+$"))
    log = SearchLog.objects.get()
    assert (log.query, log.clicked_slug) == (query, log.top_slug)


@pytest.mark.parametrize(
    ("language", "answer", "thanks"),
    [
        ("fr", "Oui", "Merci ! Ravis que cela vous ait aidé."),
        ("en", "No", "Thank you: we will use your feedback to improve this article."),
    ],
)
def test_a_reader_votes_once_and_sees_the_thanks(
    articles: None, page: Page, answer: str, thanks: str
) -> None:
    page.goto("/help/a/refund-methods/")
    page.get_by_role("button", name=answer, exact=True).click()
    expect(page.get_by_role("status")).to_have_text(thanks)
    expect(page).to_have_url("/help/a/refund-methods/")  # the form was swapped, not the page
    assert_accessible(page)
    page.reload()
    expect(page.get_by_role("status")).to_have_text(thanks)
    expect(page.get_by_role("button", name=answer, exact=True)).to_have_count(0)
    assert Vote.objects.count() == 1
    assert Vote.objects.get().helpful is (answer in ("Oui", "Yes"))


@pytest.mark.parametrize(
    ("language", "query", "heading", "marked"),
    [
        ("en", "how long does a refund take", "The answer", "refund"),
        ("fr", "quand serai-je remboursé", "La réponse", "remboursement"),
    ],
)
def test_the_results_page_shows_the_passage_that_answers_above_the_list(
    articles: None, page: Page, query: str, heading: str, marked: str
) -> None:
    page.goto(f"/help/search/?q={query}")
    answer = page.get_by_role("region", name=heading)
    expect(answer).to_be_visible()
    expect(answer.locator("blockquote mark").first).to_have_text(marked)
    box = answer.bounding_box()
    results = page.locator("ol.help-results").bounding_box()
    assert box is not None
    assert results is not None
    assert box["y"] < results["y"]
    expect(answer.get_by_role("link")).to_have_attribute("href", re.compile(r"^/help/a/refund-timelines/"))
    assert_accessible(page)


@pytest.mark.parametrize(
    ("language", "typed", "label", "suggestion"),
    [
        ("en", "refun", "Suggested searches", "When will I get my refund?"),
        ("fr", "rembours", "Recherches suggérées", "Quand vais-je recevoir mon remboursement\u00a0?"),
    ],
)
def test_suggestions_appear_while_typing_and_one_runs_its_search(
    articles: None, page: Page, typed: str, label: str, suggestion: str
) -> None:
    page.goto("/help/")
    page.get_by_role("searchbox").press_sequentially(typed, delay=20)
    suggestions = page.get_by_role("navigation", name=label)
    expect(suggestions.get_by_role("link", name=suggestion)).to_be_visible()
    expect(page).to_have_url("/help/")  # swapped in by htmx
    assert_accessible(page)
    suggestions.get_by_role("link", name=suggestion).click()
    expect(page).to_have_url(re.compile(r"/help/search/\?q="))
    expect(page.locator("ol.help-results > li").first).to_be_visible()
    assert SearchLog.objects.get().query == suggestion


@pytest.mark.parametrize(
    ("language", "typo", "prompt", "fixed"),
    [
        ("en", "refnd lable", "Did you mean:", "refund label"),
        ("fr", "etiqette perdue", "Vouliez-vous dire\u00a0:", "étiquette perdue"),
    ],
)
def test_a_typo_is_offered_its_correction_which_runs_the_search(
    articles: None, page: Page, typo: str, prompt: str, fixed: str
) -> None:
    page.goto(f"/help/search/?q={typo}")
    expect(page.locator(".did-you-mean")).to_contain_text(prompt)
    assert_accessible(page)
    page.get_by_role("link", name=fixed, exact=True).click()
    expect(page.get_by_role("searchbox")).to_have_value(fixed)
    expect(page.locator(".did-you-mean")).to_have_count(0)
    expect(page.locator("ol.help-results > li").first).to_be_visible()
    assert list(SearchLog.objects.order_by("id").values_list("query", flat=True)) == [typo, fixed]


@pytest.mark.parametrize(
    ("language", "link", "title_field", "button", "shared_title"),
    [
        ("en", "Write its own version", "Title (English)", "Save this store's version",
         "Do I have to pay for return shipping?"),
        ("fr", "Écrire sa propre version", "Titre (français)", "Enregistrer la version de cette boutique",
         "Les frais de retour sont-ils à ma charge\u00a0?"),
    ],
    ids=["en", "fr"],
)  # fmt: skip
@pytest.mark.parametrize("viewport", ["desktop"])  # staff pages; the shoppers' pages below on a phone
def test_a_stores_own_article_overrides_the_shared_one(
    articles: None,
    page: Page,
    new_page: Callable[..., Page],
    language: str,
    link: str,
    title_field: str,
    button: str,
    shared_title: str,
    store: Store,
    other_store: Store,
) -> None:
    writer = User.objects.create_user("writer", password=PASSWORD, is_staff=True)
    writer.user_permissions.add(Permission.objects.get(codename="change_article"))
    StaffStore.objects.create(user=writer, store=store)
    page.goto("/admin/login/?next=/backoffice/help/articles/")
    page.locator("#id_username").fill("writer")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    row = page.get_by_role("row").filter(has_text="return-shipping-costs")
    row.get_by_role("link", name=link).click()
    expect(page.get_by_label(title_field)).to_have_value(shared_title)  # starts from the shared text
    assert_accessible(page)
    own_title = {"en": "Returns are free at Test Store", "fr": "Chez Test Store, le retour est gratuit"}[
        language
    ]
    page.get_by_label(title_field).fill(own_title)
    page.get_by_role("button", name=button).click()
    expect(page).to_have_url(re.compile(r"/backoffice/help/articles/\?store=test-store$"))
    expect(page.get_by_role("row").filter(has_text="return-shipping-costs")).to_contain_text(
        {"en": "its own version", "fr": "sa propre version"}[language]
    )

    shopper = new_page(viewport="phone")
    shopper.goto(f"/help/a/return-shipping-costs/?store={store.code}")
    expect(shopper.get_by_role("heading", level=1)).to_have_text(own_title)
    shopper.goto("/help/search/?q=gratuit" if language == "fr" else "/help/search/?q=free")
    expect(shopper.locator("ol.help-results")).to_contain_text(own_title)
    assert_accessible(shopper)
    elsewhere = new_page(viewport="phone")
    elsewhere.goto(f"/help/a/return-shipping-costs/?store={other_store.code}")
    expect(elsewhere.get_by_role("heading", level=1)).to_have_text(shared_title)
