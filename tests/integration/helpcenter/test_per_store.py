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
