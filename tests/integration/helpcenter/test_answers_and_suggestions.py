"""Issue 14, items 2 and 4 on real pages: the passage that answers a question above the list, the
shopper's own return beside it (never another visitor's), "did you mean", suggestions as you type, and the
searches that found nothing grouped into topics with the return reasons of those who searched them."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape

from retour.helpcenter.models import SearchLog
from retour.orders.models import Order
from retour.portal import status, wording
from retour.returns.models import Return

pytestmark = pytest.mark.django_db
SEARCH = reverse("helpcenter:search")
ANALYTICS = reverse("backoffice:help-analytics")
NB = "\u00a0"


@pytest.fixture
def imported(kb_dir):
    call_command("helpcenter", "import", str(kb_dir))


def page(client: Client, query: str, language: str) -> str:
    response = client.get(SEARCH, {"q": query}, headers={"Accept-Language": language})
    assert response.status_code == 200
    return response.content.decode()


def start_a_return(client: Client, order: Order, reason: str = "size_fit") -> Return:
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
            f"l{line.pk}-reason": reason,
            f"l{line.pk}-condition": "unopened",
            f"l{line.pk}-details": "",
        }
    )
    assert client.post(reverse("portal:order", args=[order.pk]), items).status_code == 302
    confirmed = client.post(
        reverse("portal:options", args=[order.pk]), {f"resolution-{line.pk}": "refund", "method": "label"}
    )
    assert confirmed.status_code == 302
    return Return.objects.get(order=order)


@pytest.mark.parametrize(
    ("language", "query", "heading", "marked", "source"),
    [
        ("en", "how long does a refund take", "The answer", "<mark>refund</mark>", "From:"),
        ("fr", "quand serai-je remboursé", "La réponse", "<mark>remboursement</mark>", f"Source{NB}:"),
    ],
)
def test_the_passage_that_answers_is_shown_above_the_list_with_the_query_words_marked(
    imported, client, language, query, heading, marked, source
):
    html = page(client, query, language)
    answer = html.index('class="help-answer"')
    assert answer < html.index('class="help-results"')
    assert f'<h2 id="help-answer-title">{heading}</h2>' in html
    section = html[answer : html.index('class="help-results"')]
    assert marked in section
    assert source in section
    assert reverse("helpcenter:article", args=["refund-timelines"]) in section


def test_no_answer_and_no_order_for_a_search_that_finds_nothing(imported, client):
    html = page(client, "zzzqqq", "en")
    assert "help-answer" not in html
    assert "No article matches" in html


@pytest.mark.parametrize(
    ("language", "query", "dates"),
    [
        ("en", "where is my refund", "If you send the parcel today, the money should reach you between"),
        ("fr", "où est mon remboursement", "Si vous envoyez le colis aujourd’hui"),
    ],
)
def test_a_question_about_my_order_shows_my_returns_status_and_date_and_nobody_elses(
    imported, order, language, query, dates
):
    shopper = Client(headers={"Accept-Language": language})
    ret = start_a_return(shopper, order)
    html = page(shopper, query, language)
    box = html[html.index('class="card order-status"') : html.index('class="help-results"')]
    assert ret.number in box
    assert order.number in box
    expected = status.expected(ret)
    with translation.override(language):  # the portal's own wording and dates
        assert escape(wording.label(wording.STATES, ret.state)) in box
        assert date_format(expected.latest, "DATE_FORMAT") in box
    assert dates in box
    assert reverse("portal:return", args=[ret.number]) in box

    assert "order-status" not in page(shopper, "how do I return a gift", language)  # not about an order
    stranger = Client()  # another browser: no access to that order
    other = page(stranger, query, language)
    assert "order-status" not in other
    assert ret.number not in other


def test_a_typo_gets_a_did_you_mean_link_that_runs_the_corrected_search(imported, client):
    html = page(client, "etiqette perdue", "fr")
    assert f"Vouliez-vous dire{NB}:" in html
    link = f'href="{SEARCH}?q=%C3%A9tiquette%20perdue">étiquette perdue</a>'
    assert link in html
    english = page(client, "refnd lable", "en")
    assert f'href="{SEARCH}?q=refund%20label">refund label</a>' in english
    assert "did-you-mean" not in page(client, "refund label", "en")  # nothing to correct


def test_suggestions_as_you_type_from_earlier_searches_and_titles_without_logging(imported, client):
    for query in ("refund card", "refund card", "refund zzzqqq"):  # other shoppers' searches
        other = Client()
        page(other, query, "en")
        if query == "refund card":  # they opened an article from it; nobody followed "refund zzzqqq"
            log = SearchLog.objects.latest("id")
            other.get(reverse("helpcenter:article", args=[log.top_slug]), {"s": log.pk})
    before = SearchLog.objects.count()
    response = client.get(
        SEARCH, {"q": "refund", "instant": "1"}, headers={"HX-Request": "true", "Accept-Language": "en"}
    )
    html = response.content.decode()
    assert '<nav class="help-suggestions" aria-label="Suggested searches">' in html
    suggestions = html[html.index("help-suggestions") : html.index("</nav>")]
    assert f'href="{SEARCH}?q=refund%20card">refund card</a>' in suggestions
    assert "zzzqqq" not in suggestions
    assert "When will I get my refund?" in suggestions  # an article's title
    assert SearchLog.objects.count() == before  # keystrokes are not logged
    french = client.get(
        SEARCH, {"q": "rembours", "instant": "1"}, headers={"HX-Request": "true", "Accept-Language": "fr"}
    ).content.decode()
    assert 'aria-label="Recherches suggérées"' in french
    assert f"Quand vais-je recevoir mon remboursement{NB}?" in french
    without_js = page(client, "refund", "en")  # the form's plain GET: a normal results page
    assert "help-suggestions" not in without_js
    assert "<h1>Search results</h1>" in without_js


def test_failed_searches_are_grouped_into_topics_with_the_reasons_of_who_then_returned(
    imported, order, admin_client
):
    shopper = Client(headers={"Accept-Language": "en"})
    page(shopper, "insurance premium", "en")  # nothing about insurance in the help center
    start_a_return(shopper, order, reason="defective")
    page(Client(), "Insurance subscription", "en")
    page(Client(), "subscription loyalty", "en")  # shares "subscription": the same topic
    page(Client(), "gutschein", "en")  # another topic
    page(Client(), "refund card", "en")  # found something: not a gap

    html = admin_client.get(ANALYTICS, headers={"Accept-Language": "en"}).content.decode()
    assert "Content gaps: failed searches by topic" in html
    table = html[html.index('class="failed-topics"') :]
    table = table[: table.index("</table>")]
    rows = table.split("<tr>")[2:]
    assert len(rows) == 2
    assert "<td>insurance, subscription, premium, loyalty</td><td>3</td>" in rows[0]
    assert "insurance premium (1)" in rows[0]
    assert "insurance subscription (1)" in rows[0]
    assert "subscription loyalty (1)" in rows[0]
    assert "defective (1)" in rows[0]  # the staff's words for the shopper's reason
    assert "gutschein (1)" in rows[1]
    assert "No return started after these searches." in rows[1]
    french = admin_client.get(ANALYTICS, headers={"Accept-Language": "fr"}).content.decode()
    assert f"Contenus manquants{NB}: recherches sans résultat, par sujet" in french

    exported = admin_client.get(ANALYTICS, {"format": "csv"}).content.decode()
    topics = [r for r in csv.reader(io.StringIO(exported)) if r[0] == "failed_topic"]
    assert topics[0][3] == "3"
    assert "defective (1)" in topics[0][4]
    assert topics[1][1:4] == ["gutschein", "gutschein", "1"]


def test_the_api_gives_the_answer_and_did_you_mean_without_a_token(imported):
    client = Client()
    found = client.get("/api/v1/help/answer", {"q": "etiqette perdue", "lang": "fr"}).json()
    assert found["did_you_mean"] == "étiquette perdue"
    assert found["answer"]["lang"] == "fr"
    assert "<mark>étiquette</mark>" in found["answer"]["html"]
    nothing = client.get("/api/v1/help/answer", {"q": "zzzqqq", "lang": "en"}).json()
    assert nothing == {"answer": None, "did_you_mean": None}
    assert client.get("/api/v1/help/answer", {"q": "x", "lang": "de"}).status_code == 422
    assert "/api/v1/help/answer" in client.get("/api/openapi.json").json()["paths"]


def test_the_command_gives_the_answer_and_did_you_mean_and_keeps_its_json_contract(imported, capsys):
    call_command("helpcenter", "search", "etiqette perdue", "--lang", "fr", "--answer", "--json")
    found = json.loads(capsys.readouterr().out)
    assert found["did_you_mean"] == "étiquette perdue"
    assert found["answer"]["slug"] == found["results"][0]["slug"]
    assert "étiquette" in found["answer"]["text"]
    assert "<mark>" not in found["answer"]["text"]  # plain text on the command line
    call_command("helpcenter", "search", "refnd lable", "--lang", "en", "--answer")
    out = capsys.readouterr().out
    assert out.startswith("Did you mean: refund label\nAnswer from ")
    call_command("helpcenter", "search", "refund label", "--lang", "en", "--json")  # unchanged without it
    assert isinstance(json.loads(capsys.readouterr().out), list)
