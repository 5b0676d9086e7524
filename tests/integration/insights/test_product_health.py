"""Product return health on a real database: the dress that returns far more than its category is on the
health list (the cap, with 3 returns of 4, is not judged), with its variants, reasons and trend; the
words of return and survey comments and the help-center searches and readings before its returns; the
same report from the command, the API and the back office."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from integration.feedback.closing import refunded
from integration.insights.analytics_store import run
from integration.insights.health_store import MARCH, build
from retour.catalog.models import Product, Store, Variant
from retour.feedback import services
from retour.helpcenter.models import Article, Category, Reading, ReturnStart, SearchLog, Translation
from retour.insights import product_health
from retour.insights.domain import health
from retour.insights.services import rollup
from retour.orders.models import OrderLine
from retour.returns.models import ReturnLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(store: Store, tmp_path: Path) -> Store:
    build(store, tmp_path)
    return store


def measured(store: Store) -> product_health.Health:
    scope = product_health.scope_of(store, date.fromisoformat(MARCH[0]), date.fromisoformat(MARCH[1]))
    return product_health.measure(scope)


def test_the_dress_is_flagged_against_its_category_and_the_cap_is_not_judged(shop):
    found = measured(shop)
    (dress,) = found.flagged
    assert (dress.title, dress.units, dress.returned) == ("Dress", 60, 20)
    assert (dress.baseline.returned, dress.baseline.units) == (39, 405)
    assert dress.verdict.p_value is not None
    assert dress.verdict.p_value < 1e-6
    assert dress.reasons == [("size_fit", 15), ("defective", 5)]
    assert [(v.title, v.units, v.returned) for v in dress.variants] == [("S", 40, 14), ("M", 20, 6)]
    by_title = {row.title: row for row in found.products}
    assert by_title["Cap"].verdict.code == health.TOO_FEW
    assert by_title["Shirt"].verdict.code == health.NOT_FAR
    assert (by_title["Shirt"].units, by_title["Shirt"].returned) == (
        201,
        20,
    )  # a rejected return: none


def test_the_report_is_the_same_from_the_command_the_api_and_the_back_office(shop, client_for):
    printed = json.loads(run("report", "product-health", "--from", MARCH[0], "--to", MARCH[1], "--json"))
    (row,) = printed["tables"]["health"]
    assert row["product"] == "Dress"
    assert (row["return_rate"], row["category_rate"], row["times"]) == ("0.3333", "0.0963", "3.46")
    assert row["previous_rate"] == "0.1000"  # February: 3 of 30
    assert printed["figures"]["products_flagged"]["value"] == 1
    boss = User.objects.create_superuser("boss", "boss@example.com", "pw")
    client = Client()
    client.login(username="boss", password="pw")
    api = client_for(boss).get(f"/api/v1/analytics/product-health?from={MARCH[0]}&to={MARCH[1]}")
    assert api.status_code == 200
    assert api.json()["tables"]["health"] == printed["tables"]["health"]
    page = client.get(
        f"/backoffice/analytics/product-health/?from={MARCH[0]}&to={MARCH[1]}", HTTP_ACCEPT_LANGUAGE="fr"
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "Santé des produits" in body
    assert "<svg" in body


def test_comment_words_and_help_center_visits_before_the_return_are_linked_to_the_product(make_order):
    help_category = Category.objects.create(slug="sizes", title_en="Sizes", title_fr="Tailles")
    article = Article.objects.create(slug="size-guide", category=help_category)
    Translation.objects.create(article=article, language="fr", title="Guide des tailles", body="x")
    rets = []
    for number, text in (
        ("#3001", "Trop petit, taille petite"),
        ("#3002", "La taille est petite aux manches"),
    ):
        ret = refunded(make_order(number), reason="size_fit", text=text)
        rets.append(ret)
        SearchLog.objects.create(language="fr", query="Guide Taille", results=1, visitor=f"v{number}")
        Reading.objects.create(article=article, language="fr", visitor=f"v{number}")
        ReturnStart.objects.create(visitor=f"v{number}", return_number=ret.number)
    services.answer(rets[0].survey, 2, False, "Les manches sont trop courtes", channel="email")
    line = ReturnLine.objects.get(ret=rets[0]).order_line
    order = line.order
    rollup.rebuild(order.store)
    placed = order.ordered_at.astimezone(order.store.zone).date()
    scope = product_health.scope_of(order.store, placed, placed + timedelta(days=1))
    found = {row.product_id: row for row in product_health.measure(scope).products}
    pull = found[line.product_id]
    assert ("taille", 2) in pull.words
    assert ("petite", 2) in pull.words
    assert ("manches", 2) in pull.words  # a return comment and a survey comment
    assert pull.searches == [("guide taille", 2)]
    assert pull.articles == [("Guide des tailles", 2)]


def test_each_variant_is_counted_against_the_products_category_and_a_variant_alone_can_be_flagged(
    store: Store, tmp_path: Path
):
    """The health list handles variants: the dress's small size alone comes back far more than apparel
    (its medium does not), and a product whose variants are each a product of their own is judged each
    against the category without it."""
    build(store, tmp_path)
    found = measured(store)
    (dress,) = found.flagged
    small, medium = dress.variants
    assert (small.title, small.units, small.returned) == ("S", 40, 14)
    assert (medium.title, medium.units, medium.returned) == ("M", 20, 6)
    assert sum(v.units for v in dress.variants) == dress.units
    assert sum(v.returned for v in dress.variants) == dress.returned
    # Each variant against apparel without the dress (39 of 405, 9.6 %): the small size (35 %) returns
    # far more; the medium one sold too little to judge.
    assert small.verdict.flagged
    assert small.verdict.ratio is not None
    assert small.verdict.ratio > 3
    assert medium.verdict.code == health.TOO_FEW
    printed = json.loads(run("report", "product-health", "--from", MARCH[0], "--to", MARCH[1], "--json"))
    shown = {row["variant"]: row for row in printed["tables"]["variants"] if row["product"] == "Dress"}
    assert (shown["S"]["return_rate"], shown["S"]["category_rate"]) == ("0.3500", "0.0963")
    assert shown["S"]["verdict"] == "returns far more than its category"
    assert shown["M"]["verdict"] == "too few sales to judge"
    # Split the medium size off as a product of its own: each is then a row of the list, judged against
    # apparel without it.
    medium_variant = Variant.objects.get(store=store, sku="DRESS-M")
    own = Product.objects.get(pk=medium_variant.product_id)
    own.pk, own.title = None, "Dress M"
    own.save()
    Variant.objects.filter(pk=medium_variant.pk).update(product=own)
    OrderLine.objects.filter(variant=medium_variant).update(product=own)
    rollup.rebuild(store)
    split = {row.title: row for row in measured(store).products}
    assert (split["Dress"].units, split["Dress"].returned) == (40, 14)
    assert (split["Dress M"].units, split["Dress M"].returned) == (20, 6)
    assert (split["Dress M"].baseline.units, split["Dress M"].baseline.returned) == (445, 53)
    assert split["Dress"].verdict.flagged
