"""The default synonyms a help center starts with, edited by staff; and the articles a shopper read before
starting a return in the portal, as staff see them."""

from __future__ import annotations

import csv
import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from retour.helpcenter.domain.synonyms import DEFAULTS
from retour.helpcenter.models import Reading, ReturnStart, Synonym
from retour.helpcenter.search import search
from retour.orders.models import Order
from retour.returns.models import Return

pytestmark = pytest.mark.django_db
ANALYTICS = reverse("backoffice:help-analytics")


@pytest.fixture
def imported(kb_dir):
    # The defaults are written by a data migration. A transactional test that ran before in this process
    # (the suite runs in several processes, in any order) empties every table; put them back as the
    # migration does: it adds only the phrases that are missing, so this changes nothing otherwise.
    importlib.import_module("retour.helpcenter.migrations.0004_default_synonyms").add_defaults(apps, None)
    call_command("helpcenter", "import", str(kb_dir))


def test_a_new_help_center_has_the_default_synonyms_in_both_languages(imported):
    for language, pairs in DEFAULTS.items():
        have = dict(Synonym.objects.filter(language=language).values_list("phrase", "means"))
        assert have == pairs
    refunds = {"refund-methods", "refund-timelines", "late-or-missing-refund"}  # the topic's articles
    assert search("I want my money back", "en")[0].slug in refunds
    assert search("mon aspirateur ne marche plus", "fr")[0].slug == "replace-damaged-or-defective-item"


def test_a_synonym_staff_edit_in_the_admin_is_used_at_once(imported, admin_client):
    synonym = Synonym.objects.get(language="en", phrase="xmas")
    assert search("xmas", "en")[0].slug == "return-window"  # "holiday returns"
    response = admin_client.post(
        reverse("admin:helpcenter_synonym_change", args=[synonym.pk]),
        {"language": "en", "phrase": "xmas", "means": "gift receipt"},
    )
    assert response.status_code == 302
    assert search("xmas", "en")[0].slug == "return-a-gift"
    admin_client.post(reverse("admin:helpcenter_synonym_delete", args=[synonym.pk]), {"post": "yes"})
    assert search("xmas", "en") == []


def _start_a_return(client: Client, order: Order) -> Return:
    """What a shopper does in the portal: find the order, choose an item, confirm."""
    found = client.post(
        reverse("portal:home"), {"store": order.store.code, "number": order.number, "proof": order.email}
    )
    assert found.status_code == 302
    line = order.lines.order_by("position").first()
    assert line is not None
    items = {}
    for each in order.lines.all():
        items.update({f"l{each.pk}-quantity": 1, f"l{each.pk}-reason": "", f"l{each.pk}-condition": ""})
    items.update(
        {
            f"l{line.pk}-selected": "on",
            f"l{line.pk}-reason": "size_fit",
            f"l{line.pk}-condition": "unopened",
            f"l{line.pk}-details": "",
        }
    )
    assert client.post(reverse("portal:order", args=[order.pk]), items).status_code == 302
    confirmed = client.post(
        reverse("portal:options", args=[order.pk]), {f"resolution-{line.pk}": "refund", "method": "label"}
    )
    assert confirmed.status_code == 302, confirmed.content.decode()[:2000]
    return Return.objects.get(order=order)


def test_articles_read_before_a_return_was_started_in_the_portal(imported, order, admin_client):
    shopper = Client(headers={"Accept-Language": "fr"})
    for slug in ("return-window", "return-window", "refund-timelines"):
        assert shopper.get(reverse("helpcenter:article", args=[slug])).status_code == 200
    assert Reading.objects.get(article__slug="return-window").reads == 2
    Client().get(reverse("helpcenter:article", args=["return-window"]))  # another visitor, no return
    ret = _start_a_return(shopper, order)  # the portal renews the session key on the way
    shopper.get(reverse("helpcenter:article", args=["track-return-status"]))  # read after: not before
    start = ReturnStart.objects.get()
    assert start.return_number == ret.number
    assert Reading.objects.filter(visitor=start.visitor).count() == 3

    html = admin_client.get(ANALYTICS, headers={"Accept-Language": "fr"}).content.decode()
    assert "Articles lus avant le début d’un retour" in html
    assert "Combien de temps ai-je pour retourner un article\u00a0?" in html  # in the staff's language
    assert "Retour commencé dans le portail après la lecture du centre d’aide : 1 sur 1." in html

    rows = list(csv.reader(io.StringIO(admin_client.get(ANALYTICS, {"format": "csv"}).content.decode())))
    read = {r[1]: r[3:5] for r in rows if r[0] == "read_before_return"}
    assert read == {"return-window": ["2", "1"], "refund-timelines": ["1", "1"]}
    assert ["returns_started", "", "", "1", "1", ""] in rows


def test_telling_twice_about_a_return_records_it_once(db):
    from retour.helpcenter.services import journeys

    journeys.return_started("v1", "R2345")
    journeys.return_started("v1", "R2345")
    assert ReturnStart.objects.count() == 1


def test_the_most_read_articles_are_popular_when_nobody_voted(imported):
    from retour.helpcenter.services import reading

    for _ in range(3):  # three visitors
        Client().get(reverse("helpcenter:article", args=["track-return-status"]))
    Client().get(reverse("helpcenter:article", args=["return-window"]))
    top = [article.slug for article, _title in reading.popular("fr", 2)]
    assert top == ["track-return-status", "return-window"]


def test_votes_readings_and_returns_after_reading_are_each_stores_own(imported, order, other_store):
    from django.contrib.auth.models import Permission, User

    from retour.backoffice.models import StaffStore
    from retour.helpcenter.models import Vote
    from retour.helpcenter.services import analytics

    store = order.store
    shopper = Client()
    shopper.get(reverse("helpcenter:home"), {"store": store.code})
    assert shopper.get(reverse("helpcenter:article", args=["return-window"])).status_code == 200
    shopper.post(reverse("helpcenter:vote", args=["return-window"]), {"helpful": "no", "comment": "unclear"})
    _start_a_return(shopper, order)
    elsewhere = Client()
    elsewhere.get(reverse("helpcenter:home"), {"store": other_store.code})
    elsewhere.get(reverse("helpcenter:article", args=["refund-timelines"]))
    elsewhere.post(reverse("helpcenter:vote", args=["refund-timelines"]), {"helpful": "yes"})
    assert dict(Vote.objects.values_list("article__slug", "store__code")) == {
        "return-window": store.code,
        "refund-timelines": other_store.code,
    }
    assert dict(Reading.objects.values_list("article__slug", "store__code")) == {
        "return-window": store.code,
        "refund-timelines": other_store.code,
    }

    mine = analytics.report(store=store)
    assert [(a.slug, a.helpful, a.not_helpful, a.comments) for a in mine.articles] == [
        ("return-window", 0, 1, ["unclear"])
    ]
    assert [(r.slug, r.readers, r.then_returned) for r in mine.read_before_return] == [
        ("return-window", 1, 1)
    ]
    assert (mine.returns_started, mine.returns_after_reading) == (1, 1)
    theirs = analytics.report(store=other_store)
    assert [(a.slug, a.helpful, a.not_helpful) for a in theirs.articles] == [("refund-timelines", 1, 0)]
    assert (theirs.read_before_return, theirs.returns_started, theirs.returns_after_reading) == ([], 0, 0)
    every = analytics.report()
    assert {a.slug for a in every.articles} == {"return-window", "refund-timelines"}

    # A staff member limited to the other store sees its figures only, even when asking for the first one.
    member = User.objects.create_user("helper", is_staff=True)
    member.user_permissions.add(Permission.objects.get(codename="view_searchlog"))
    StaffStore.objects.create(user=member, store=other_store)
    staff = Client()
    staff.force_login(member)
    rows = list(
        csv.reader(io.StringIO(staff.get(ANALYTICS, {"store": store.code, "format": "csv"}).content.decode()))
    )
    assert [r[1] for r in rows if r[0] == "votes"] == ["refund-timelines"]
    assert ["returns_started", "", "", "0", "0", ""] in rows
