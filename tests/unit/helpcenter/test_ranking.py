"""How the engine ranks: synonyms on folded, stemmed words, words run together, French plurals, words
standing together, articles that have every word, the default synonyms, and safe snippets."""

from __future__ import annotations

from retour.helpcenter.domain.engine import Doc, Engine
from retour.helpcenter.domain.spelling import Speller
from retour.helpcenter.domain.synonyms import DEFAULTS

EN = [
    Doc("refunds", "When will I get my refund?", "refund time", "Refunds reach your card in 3 to 5 days."),
    Doc("gift-cards", "Gift cards", "gift card", "A gift card can pay for an order. Keep the card safe."),
    Doc(
        "gifts",
        "Returning a gift",
        "gift present",
        "A gift you received goes back with its receipt. Your card is not charged.",
    ),
    Doc("beauty", "Items that can't be returned", "hygiene", "Opened make-up and perfume stay with you."),
    Doc("exchange", "Exchanging an item", "exchange size colour", "Pick another size or colour."),
]
FR = [
    Doc("privacy", "Vos données", "confidentialité", "Nous gardons vos photos 90 jours."),
    Doc("credit", "Choisir un avoir", "avoir bonus", "Un avoir vaut 10 % de plus que le remboursement."),
    Doc("label", "Imprimer l'étiquette", "étiquette", "Imprimez l'étiquette de retour."),
]


def first(engine: Engine, query: str) -> str:
    return engine.search(query, 3)[0].slug


def test_a_synonym_matches_however_the_phrase_is_written():
    engine = Engine(EN, "en", {"money back": "refund"})
    for query in ("money back", "Money-back please", "I want my moneys back"):
        assert first(engine, query) == "refunds"


def test_a_synonym_phrase_with_stop_words_needs_all_its_words():
    engine = Engine(EN, "en", {"how long": "refund"})
    assert "refund" in {t for forms, _ in engine.weighted_terms("how long is it") for t in forms}
    assert "refund" not in {t for forms, _ in engine.weighted_terms("long sleeves") for t in forms}


def test_synonyms_and_corrections_count_less_than_typed_words():
    engine = Engine(EN, "en", {"money back": "refund"})
    weights = {forms[0]: weight for forms, weight in engine.weighted_terms("money back refnud gift")}
    assert weights["gift"] == 1.0
    assert weights["refund"] < 1.0  # corrected from "refnud" and meant by "money back"


def test_words_run_together_are_split_into_known_words():
    speller = Speller(["make", "up", "gift", "card", "card", "return"])
    assert speller.split("makeup") == "make up"
    assert speller.split("giftcard") == "gift card"
    assert speller.split("return") == "return"  # known already
    assert speller.split("zzzzzz") == "zzzzzz"
    assert first(Engine(EN, "en"), "opened makeup") == "beauty"


def test_a_french_word_meets_its_plural():
    assert first(Engine(FR, "fr"), "photo") == "privacy"


def test_avoir_is_a_word_in_french_not_a_stop_word():
    assert first(Engine(FR, "fr"), "bonus avoir") == "credit"
    assert first(Engine(FR, "fr"), "avoir") == "credit"


def test_words_standing_together_rank_first():
    docs = [
        Doc(
            "apart", "Paying", "pay", "A gift for you, a gift for her, the card you chose, the card they own."
        ),
        Doc("together", "Paying", "pay", "You can pay with a gift card."),
    ]
    # Without the phrase bonus, "apart" would win: it has both words, more often.
    assert first(Engine(docs, "en"), "gift card") == "together"


def test_the_default_synonyms_ship_for_both_languages():
    assert DEFAULTS["en"]["money back"] == "refund"
    assert DEFAULTS["fr"]["argent"] == "remboursement"
    assert all(len(p) <= 100 and len(m) <= 100 for pairs in DEFAULTS.values() for p, m in pairs.items())
    english = Engine(EN, "en", DEFAULTS["en"])
    assert first(english, "can I swap it for a bigger one") == "exchange"
    assert first(english, "color") == "exchange"


def test_snippets_escape_what_the_text_holds():
    docs = [Doc("x", "Parcel", "parcel", "<script>alert(1)</script> your parcel & label")]
    snippet = Engine(docs, "en").search("parcel", 1)[0].snippet
    assert "<script>" not in snippet
    assert "<b>parcel</b>" in snippet
