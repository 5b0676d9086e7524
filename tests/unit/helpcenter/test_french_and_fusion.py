"""French analysis that ignores accents, elisions and number, on both sides (index and query), and the
fusion of the lexical and the semantic signals (WordLlama's weights, loaded from the installed wheel)."""

from __future__ import annotations

import numpy as np

from retour.helpcenter.domain.engine import FUSION, FUSIONS, Doc, Engine, Fusion
from retour.helpcenter.domain.semantic import default_embedder, elide, fold, prepare

FR = [
    Doc(
        "label",
        "Imprimer l'étiquette de retour",
        "étiquette",
        "Imprimez l’étiquette et collez-la sur le colis.",
    ),
    Doc("credit", "Choisir un avoir", "avoir bonus", "Un avoir vaut 10 % de plus que le remboursement."),
    Doc("window", "Délai de retour", "droit de rétractation", "Vous avez 30 jours pour changer d'avis."),
]
EN = [
    Doc("refunds", "When will I get my refund?", "refund time", "Refunds reach your card in 3 to 5 days."),
    Doc("labels", "Printing your return label", "label printer", "Print the label and stick it on the box."),
    Doc("gifts", "Returning a gift", "gift present", "A gift you received goes back with its receipt."),
]


def test_elisions_are_dropped_whatever_the_apostrophe():
    assert elide("l'étiquette") == "étiquette"
    assert elide("L’Étiquette d’achat") == "Étiquette achat"
    assert elide("jusqu'à lorsqu'il qu'on") == "à il on"
    assert elide("aujourd'hui") == "aujourd'hui"  # not an elision
    assert elide("the shopper's label") == "the shopper's label"  # only the French prefixes


def test_accents_and_case_are_folded_for_the_model_as_for_the_index():
    assert fold("Étiquette RÉTRACTATION") == "etiquette retractation"
    assert prepare("L'Étiquette", "fr") == prepare("etiquette", "fr") == "etiquette"
    assert prepare("l'item", "en") == "l'item"  # English keeps its apostrophes


def test_french_queries_ignore_accents_elisions_and_number():
    engine = Engine(FR, "fr")
    for query in ("l'étiquette", "L’ETIQUETTE", "etiquette", "étiquettes", "d'etiquettes"):
        assert engine.search(query, 3)[0].slug == "label", query
    for query in ("rétractation", "retractation", "la rétractation", "délais"):
        assert engine.search(query, 3)[0].slug == "window", query


def test_a_feminine_participle_meets_its_masculine_with_or_without_accents():
    docs = [
        Doc("engraved", "Articles gravés", "personnalisé", "Une bague gravée ne se retourne pas."),
        Doc("refunded", "Remboursements", "remboursement", "Le montant remboursé arrive sur votre carte."),
    ]
    engine = Engine(docs, "fr")
    for query in ("gravé", "gravee", "gravée", "graves", "GRAVÉES"):
        assert engine.search(query, 3)[0].slug == "engraved", query
    # Folded, the stemmer cuts "gravée" to "grave" and "gravé" to "grav": each form meets both.
    assert set(engine.forms("gravee")) == set(engine.forms("grave")) == {"grave", "grav"}
    assert set(engine.forms("remboursee")) == {"rembourse", "rembours"}
    assert Engine(docs, "en").forms("graves") == ("grave",)  # English words keep their own stems


def test_each_language_has_its_own_fusion_weights_and_others_the_common_ones():
    assert Engine(FR, "fr").fusion == FUSIONS["fr"] != FUSIONS["en"]
    assert Engine(EN, "de").fusion == FUSION
    assert Engine(EN, "en", fusion=Fusion(0.5, 0.5)).fusion == Fusion(0.5, 0.5)


def test_synonyms_are_found_wherever_their_phrase_starts_in_the_query():
    engine = Engine(FR, "fr", {"trop tard": "délai", "abîmé": "endommagé", "tard": "retard"})
    assert engine.expand("est-il trop tard pour un colis abimé") == ["délai", "endommagé", "retard"]
    assert engine.expand("trop petit") == []


def test_an_elided_word_counts_like_the_word_in_titles():
    engine = Engine(FR, "fr")
    assert "l" not in engine.matching.analyze(engine.prepared("l'étiquette"))
    assert engine.weighted_terms("l'étiquette") == engine.weighted_terms("étiquette")


def test_the_model_loads_from_the_wheel_and_places_meaning_near_meaning():
    embedder = default_embedder()
    vectors = embedder.embed(["when will my money come back", "refund time", "print a label"])
    assert vectors.shape[0] == 3
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_fusion_adds_the_weighted_similarities_to_the_lexical_score():
    engine = Engine(EN, "en", embedder=default_embedder(), fusion=Fusion(article=1.0, passage=0.5))
    signals = [(0, 1.0, 0.2, 0.4), (1, 0.5, 0.9, 0.8), (2, 0.0, 0.1, 0.1)]
    fused = engine.fuse(signals)
    assert [row for row, _ in fused] == [1, 0, 2]
    assert fused[0][1] == 0.5 + 0.9 + 0.5 * 0.8
    assert [row for row, _ in engine.fuse(signals, Fusion(0.0, 0.0))] == [0, 1, 2]  # lexical alone


def test_the_semantic_signal_finds_meaning_the_words_miss_but_never_invents_a_result():
    engine = Engine(EN, "en", embedder=default_embedder())
    assert engine.fusion == FUSIONS["en"]
    rows = {row for row, *_ in engine.signals("when will my money come back to my card")}
    assert 0 in rows
    assert engine.search("when will my money come back to my card", 3)[0].slug == "refunds"
    assert engine.search("zzqx wwvy", 3) == []  # no word the help center knows: still no result
    hits = engine.search("label printing", 3, snippets=True)
    assert hits[0].slug == "labels"
    assert "<b>" in hits[0].snippet


def test_without_an_embedder_the_engine_is_the_lexical_one():
    lexical = Engine(EN, "en")
    assert lexical.signals("refund") == []
    assert lexical.search("refund", 3)[0].slug == "refunds"


def test_a_query_alone_embeds_like_the_same_text_in_a_batch():
    embedder = default_embedder()
    texts = ["ou est mon remboursement", "etiquette perdue", "!!!"]
    batch = embedder.embed(texts)
    for i, text in enumerate(texts[:2]):
        assert np.allclose(embedder.embed([text])[0], batch[i], atol=1e-5)
    assert not np.isnan(embedder.embed(["!!!"])).any()


def test_article_vectors_are_kept_between_index_builds():
    embedder = default_embedder()
    texts = ["a text only this test embeds, one", "a text only this test embeds, two"]
    first = embedder.embed(texts)
    assert all(text in embedder.cache for text in texts)
    again = embedder.embed([texts[1], "a text only this test embeds, three", texts[0]])
    assert np.array_equal(again[0], first[1])
    assert np.array_equal(again[2], first[0])
    assert again.shape == (3, first.shape[1])
