"""An answer, not only a list: which questions are about the shopper's own order (both languages), the
passage that answers a question with its words marked safely, and "did you mean" from the articles' words."""

from __future__ import annotations

import pytest

from retour.helpcenter.domain.answers import Answering, about_own_order, highlight
from retour.helpcenter.domain.engine import Doc, Engine

REFUNDS = (
    "# When will I get my refund?\n\n## Inspection\n\nYour parcel is checked in 1 to 3 days.\n\n"
    "## Card refunds\n\nA card refund reaches your bank in 3 to 5 business days.\n"
)
EN = [
    Doc.from_markdown("refunds", "When will I get my refund?", ["refund"], REFUNDS),
    Doc.from_markdown("gifts", "Returning a gift", ["gift"], "A gift goes back with its receipt."),
    Doc.from_markdown("window", "Return window", ["deadline"], "You have 30 days to return an item."),
]
FR = [
    Doc.from_markdown(
        "label",
        "Imprimer l'étiquette",
        ["étiquette"],
        "## Imprimer\n\nImprimez l'étiquette de retour.\n\n## Perdue\n\nUne étiquette perdue se réimprime.\n",
    ),
    Doc.from_markdown(
        "delay", "Délai de remboursement", ["remboursement"], "Le remboursement prend 5 jours."
    ),
]


@pytest.mark.parametrize(
    ("query", "language"),
    [
        ("where is my refund", "en"),
        ("Where's my refund?", "en"),
        ("status of my return", "en"),
        ("track return", "en"),
        ("has my order been refunded", "en"),
        ("où est mon remboursement", "fr"),
        ("Où en est mon retour ?", "fr"),
        ("suivi de mon retour", "fr"),
        ("statut commande", "fr"),
        ("mes remboursements", "fr"),
        ("where is my refund", "fr"),  # a French shopper typing in English
    ],
)
def test_questions_about_the_shoppers_own_order(query: str, language: str) -> None:
    assert about_own_order(query, language)


@pytest.mark.parametrize(
    ("query", "language"),
    [
        ("how do I return a gift", "en"),
        ("return window", "en"),
        ("refund card", "en"),
        ("délai de rétractation", "fr"),
        ("remboursement ou avoir", "fr"),  # "ou" is "or", not "où"
        ("comment faire un retour", "fr"),
        ("", "en"),
    ],
)
def test_general_questions_are_not_about_an_order(query: str, language: str) -> None:
    assert not about_own_order(query, language)


def test_highlight_escapes_the_text_and_marks_only_matching_words() -> None:
    html = highlight('Refund <script>alert("x")</script> & refund', lambda word: word.lower() == "refund")
    assert html == (
        "<mark>Refund</mark> &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; <mark>refund</mark>"
    )
    assert highlight("<b>", lambda word: True) == "&lt;<mark>b</mark>&gt;"


def test_the_answer_is_the_section_that_answers_with_the_query_words_marked() -> None:
    answering = Answering(Engine(EN, "en"))
    assert answering.passage("refunds", "how long for a card refund") == (
        "Card refunds A card refund reaches your bank in 3 to 5 business days."
    )
    html = answering.answer("refunds", "how long for a card refund")
    assert html is not None
    assert "<mark>Card</mark> <mark>refunds</mark>" in html  # stems: "refunds" matches "refund"
    assert "<mark>bank</mark>" not in html
    assert answering.passage("nope", "refund") is None


def test_the_french_answer_matches_accents_and_elisions() -> None:
    answering = Answering(Engine(FR, "fr"))
    html = answering.answer("label", "etiquette perdue")
    assert html == "<mark>Perdue</mark> Une <mark>étiquette</mark> <mark>perdue</mark> se réimprime."


def test_did_you_mean_corrects_from_the_articles_words_keeping_accents_and_other_words() -> None:
    english = Answering(Engine(EN, "en"))
    assert english.did_you_mean("how long for my refnud") == "how long for my refund"
    assert english.did_you_mean("retrun a gift") == "return a gift"
    assert english.did_you_mean("return a gift") is None  # every word known: nothing to correct
    french = Answering(Engine(FR, "fr"))
    assert french.did_you_mean("etiqette perdue") == "étiquette perdue"
    assert french.did_you_mean("délai de remboursment") == "délai de remboursement"
