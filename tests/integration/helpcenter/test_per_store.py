"""The help center can differ per store: an article belongs to one store or is shared by all; a store's
help-center pages, its search and the portal's help beside each step show its own and the shared ones."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from retour.catalog.models import Store
from retour.helpcenter.models import Article, Category
from retour.helpcenter.services.articles import save_translation
from retour.portal.help import articles_for

pytestmark = pytest.mark.django_db


def article(slug: str, title: str, store: Store | None) -> Article:
    category, _created = Category.objects.get_or_create(
        slug="returns", defaults={"title_en": "Returns", "title_fr": "Retours"}
    )
    found = Article.objects.create(slug=slug, category=category, store=store)
    save_translation(found, "en", title, [], f"# {title}\n\nHow parcels come back: {title}.", source="import")
    return found


@pytest.fixture
def help_center(store: Store, other_store: Store) -> None:
    article("start-a-return-online", "Start a return online", None)
    article("test-store-lockers", "Lockers in Lyon", store)
    article("other-store-kiosks", "Kiosks in Lille", other_store)


def test_each_stores_help_home_shows_its_own_and_the_shared_articles(help_center, store, other_store):
    mine = Client().get(reverse("helpcenter:home"), {"store": store.code}).content.decode()
    assert "Start a return online" in mine
    assert "Lockers in Lyon" in mine
    assert "Kiosks in Lille" not in mine
    theirs = Client().get(reverse("helpcenter:home"), {"store": other_store.code}).content.decode()
    assert "Kiosks in Lille" in theirs
    assert "Lockers in Lyon" not in theirs


def test_the_store_is_remembered_and_another_stores_article_is_not_found(help_center, store):
    client = Client()
    client.get(reverse("helpcenter:home"), {"store": store.code})
    assert client.get(reverse("helpcenter:article", args=["test-store-lockers"])).status_code == 200
    assert client.get(reverse("helpcenter:article", args=["other-store-kiosks"])).status_code == 404
    assert client.get(reverse("helpcenter:article", args=["start-a-return-online"])).status_code == 200


def test_search_finds_only_the_stores_and_the_shared_articles(help_center, store):
    client = Client()
    found = client.get(reverse("helpcenter:search"), {"q": "parcels", "store": store.code}).content.decode()
    assert "Lockers in Lyon" in found
    assert "Start a return online" in found
    assert "Kiosks in Lille" not in found


def test_with_no_store_known_only_shared_articles_show(help_center):
    page = Client().get(reverse("helpcenter:home")).content.decode()  # two stores, none named
    assert "Start a return online" in page
    assert "Lockers in Lyon" not in page
    assert "Kiosks in Lille" not in page


def test_the_portals_step_help_is_the_stores(help_center, store, other_store):
    Article.objects.filter(slug="test-store-lockers").update(slug="return-window")
    mine = [a.slug for a, _title in articles_for("lookup", store=store)]
    theirs = [a.slug for a, _title in articles_for("lookup", store=other_store)]
    assert "return-window" in mine
    assert "return-window" not in theirs
    assert "start-a-return-online" in theirs


def test_the_help_api_reads_a_stores_articles_and_the_shared_ones(help_center, store):
    client = Client()
    listed = client.get("/api/v1/help/articles", {"store": store.code}).json()
    assert {a["slug"] for a in listed} == {"start-a-return-online", "test-store-lockers"}
    shared = client.get("/api/v1/help/articles").json()
    assert {a["slug"] for a in shared} == {"start-a-return-online"}
    assert client.get("/api/v1/help/articles/other-store-kiosks", {"store": store.code}).status_code == 404
    found = client.get("/api/v1/help/search", {"q": "parcels", "store": store.code}).json()
    assert "other-store-kiosks" not in {r["slug"] for r in found}
    assert "test-store-lockers" in {r["slug"] for r in found}


# A store's own version of a shared article (same slug): its shoppers read it, other stores the shared one.


def own_version(slug: str, store: Store, language: str, title: str) -> Article:
    """The store's article for ``slug`` with only ``language`` written (no copy of the other language)."""
    shared = Article.objects.get(slug=slug, store__isnull=True)
    found = Article.objects.create(slug=slug, category=shared.category, store=store)
    save_translation(
        found, language, title, [], f"# {title}\n\nOur own parcels rule: {title}.", source="admin"
    )
    return found


@pytest.fixture
def shared_in_both_languages(help_center: None) -> Article:
    shared = Article.objects.get(slug="start-a-return-online")
    save_translation(
        shared, "fr", "Faire un retour en ligne", [], "# Retour\n\nLes colis reviennent.", source="import"
    )
    return shared


def test_a_stores_own_version_replaces_the_shared_article_in_its_pages_search_and_api(
    shared_in_both_languages, store, other_store
):
    own_version("start-a-return-online", store, "en", "Start a return at our counter")
    mine = Client().get(reverse("helpcenter:article", args=["start-a-return-online"]), {"store": store.code})
    assert "Start a return at our counter" in mine.content.decode()
    theirs = Client().get(
        reverse("helpcenter:article", args=["start-a-return-online"]), {"store": other_store.code}
    )
    assert "Start a return online" in theirs.content.decode()
    home = Client().get(reverse("helpcenter:home"), {"store": store.code}).content.decode()
    assert "Start a return at our counter" in home
    assert "Start a return online" not in home  # listed once, as the store's
    found = Client().get(reverse("helpcenter:search"), {"q": "counter", "store": store.code}).content.decode()
    assert "Start a return at our counter" in found
    elsewhere = Client().get(reverse("helpcenter:search"), {"q": "counter", "store": other_store.code})
    assert "Start a return at our counter" not in elsewhere.content.decode()
    api = Client().get("/api/v1/help/articles/start-a-return-online", {"store": store.code}).json()
    assert api["title"] == "Start a return at our counter"
    listed = Client().get("/api/v1/help/articles", {"store": store.code}).json()
    assert [a["slug"] for a in listed].count("start-a-return-online") == 1


def test_a_language_the_store_did_not_write_still_shows_the_shared_text(shared_in_both_languages, store):
    own_version("start-a-return-online", store, "en", "Start a return at our counter")
    french = Client().get(
        reverse("helpcenter:article", args=["start-a-return-online"]),
        {"store": store.code},
        headers={"accept-language": "fr"},
    )
    assert "Faire un retour en ligne" in french.content.decode()
    api = Client().get("/api/v1/help/articles/start-a-return-online", {"store": store.code, "lang": "fr"})
    assert api.json()["title"] == "Faire un retour en ligne"


def test_the_portals_help_links_lead_to_the_stores_version_or_the_shared_one_never_a_404(
    shared_in_both_languages, store, other_store
):
    own_version("start-a-return-online", store, "en", "Start a return at our counter")
    for shop, title in ((store, "Start a return at our counter"), (other_store, "Start a return online")):
        linked = articles_for("lookup", store=shop)
        assert [(a.slug, t) for a, t in linked] == [("start-a-return-online", title)]
        client = Client()
        client.get(reverse("helpcenter:home"), {"store": shop.code})
        for article_, _title in linked:
            page = client.get(reverse("helpcenter:article", args=[article_.slug]))
            assert page.status_code == 200
            assert title in page.content.decode()


def test_a_store_has_its_own_search_analytics(help_center, store, other_store):
    from retour.helpcenter.services import analytics

    Client().get(reverse("helpcenter:search"), {"q": "lockers", "store": store.code})
    Client().get(reverse("helpcenter:search"), {"q": "kiosks", "store": other_store.code})
    Client().get(reverse("helpcenter:search"), {"q": "zeppelin", "store": other_store.code})
    mine = analytics.report(store=store)
    assert [q.query for q in mine.top] == ["lockers"]
    assert mine.topics == []
    theirs = analytics.report(store=other_store)
    assert {q.query for q in theirs.top} == {"kiosks", "zeppelin"}
    assert [t.words for t in theirs.topics] == [["zeppelin"]]
    assert len(analytics.report().top) == 3
