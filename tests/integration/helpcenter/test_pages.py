"""The public help center in English and French: home, topics, articles, search, votes."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from retour.helpcenter.models import Article, SearchLog, Vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(kb_dir):
    call_command("helpcenter", "import", str(kb_dir))


def get(client, url, lang="fr", **extra):
    return client.get(url, headers={"Accept-Language": lang, **extra.pop("headers", {})}, **extra)


def test_home_lists_topics_and_popular_articles_in_the_readers_language(imported, client):
    html = get(client, reverse("helpcenter:home")).content.decode()
    assert "Remboursements" in html
    assert "Quand vais-je recevoir mon remboursement\u00a0?" in html
    english = get(client, reverse("helpcenter:home"), "en").content.decode()
    assert "When will I get my refund?" in english


def test_every_page_has_the_returns_and_refunds_footer_link(imported, client):
    html = get(client, reverse("portal:home"), "en").content.decode()
    assert f'href="{reverse("helpcenter:home")}">Returns & refunds' in html


def test_article_page_with_contents_updated_date_and_related(imported, client):
    html = get(client, reverse("helpcenter:article", args=["refund-timelines"])).content.decode()
    assert "<h1>Quand vais-je recevoir mon remboursement\u00a0?</h1>" in html
    assert 'class="toc"' in html
    assert "Dernière mise à jour" in html
    assert "Articles liés" in html
    assert get(client, reverse("helpcenter:article", args=["nope"])).status_code == 404


def test_a_draft_is_not_shown(imported, client):
    Article.objects.filter(slug="refund-timelines").update(status="draft")
    assert get(client, reverse("helpcenter:article", args=["refund-timelines"])).status_code == 404


def test_one_vote_per_visitor_with_a_comment(imported, client):
    url = reverse("helpcenter:vote", args=["refund-timelines"])
    client.post(url, {"helpful": "no", "comment": "Et pour PayPal ?"}, headers={"Accept-Language": "fr"})
    client.post(url, {"helpful": "yes"}, headers={"Accept-Language": "fr"})
    assert Vote.objects.count() == 1
    assert Vote.objects.get().helpful is True
    page = get(client, reverse("helpcenter:article", args=["refund-timelines"])).content.decode()
    assert "Merci" in page
    Client().post(url, {"helpful": "yes"})
    assert Vote.objects.count() == 2
    assert client.post(url, {"helpful": "maybe"}).status_code == 302
    assert Vote.objects.count() == 2


def test_search_page_logs_the_search_and_the_click(imported, client):
    html = get(client, reverse("helpcenter:search"), data={"q": "remboursment carte"}).content.decode()
    assert "Choisir votre mode de remboursement" in html
    assert "<b>" in html  # highlighted snippet
    log = SearchLog.objects.get()
    assert (log.query, log.results > 0, log.top_slug) == ("remboursment carte", True, "refund-methods")
    get(client, reverse("helpcenter:article", args=["refund-methods"]), data={"s": log.pk})
    log.refresh_from_db()
    assert log.clicked_slug == "refund-methods"


def test_instant_results_are_a_fragment_and_not_logged(imported, client):
    response = get(
        client,
        reverse("helpcenter:search"),
        data={"q": "etiqu", "instant": "1"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "étiquette" in html.lower()
    assert not SearchLog.objects.exists()


def test_no_result_says_so_in_french(imported, client):
    html = get(client, reverse("helpcenter:search"), data={"q": "zzzzqqqq"}).content.decode()
    assert "Aucun article ne correspond" in html
    assert SearchLog.objects.get().results == 0
