"""Markdown rendered safely, front matter read strictly, typos corrected against the articles' words."""

from __future__ import annotations

import re

import pytest

from retour.helpcenter.domain.engine import BaselineEngine, Doc, Engine
from retour.helpcenter.domain.frontmatter import BadArticle, parse
from retour.helpcenter.domain.markdown import render
from retour.helpcenter.domain.spelling import Speller, distance


def test_script_and_raw_html_never_come_through():
    html, _ = render("Hi <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))")
    assert "<script" not in html
    assert not re.search(r"<[^>]*onerror", html)  # as escaped text it is harmless
    assert "<img" not in html
    assert 'href="javascript' not in html  # markdown-it refuses the link: it stays plain text


def test_headings_get_anchors_for_the_table_of_contents_and_h1_becomes_h2():
    html, headings = render("# Titre\n\n## Délais de remboursement\n\ntext\n\n## Délais de remboursement\n")
    assert [h.anchor for h in headings] == ["titre", "delais-de-remboursement", "delais-de-remboursement-2"]
    assert '<h2 id="delais-de-remboursement">' in html
    assert "<h1" not in html


def test_tables_and_links_render():
    html, _ = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n[aide](https://example.com)")
    assert "<table>" in html
    assert 'href="https://example.com"' in html
    assert 'rel="noopener nofollow"' in html


def test_front_matter_is_required_and_checked():
    ok = parse("---\nslug: a\nlang: fr\ntitle: T\ncategory: refunds\ntags: [x, y]\n---\nBody\n")
    assert (ok.slug, ok.language, ok.tags) == ("a", "fr", ("x", "y"))
    for bad, problem in [
        ("no front matter", "no_front_matter"),
        ("---\nslug: [\n---\nx", "bad_yaml"),
        ("---\nslug: a\n---\nx", "missing"),
        ("---\nslug: a\nlang: de\ntitle: T\ncategory: c\n---\nx", "bad_lang"),
    ]:
        with pytest.raises(BadArticle) as refused:
            parse(bad, name="x.md")
        assert refused.value.problem == problem


def test_distance_counts_a_transposition_once():
    assert distance("refnud", "refund") == 1
    assert distance("remboursment", "remboursement") == 1
    assert distance("abc", "abc") == 0


def test_speller_corrects_to_the_closest_then_most_frequent_known_word():
    speller = Speller(["refund", "refund", "refunds", "return", "label"])
    assert speller.correct("refnud") == "refund"
    assert speller.correct("lable") == "label"
    assert speller.correct("return") == "return"
    assert speller.correct("xyz") == "xyz"  # too short to guess
    assert speller.correct("zzzzzzzz") == "zzzzzzzz"  # nothing close


DOCS = [
    Doc(
        "refund-timelines",
        "Quand vais-je recevoir mon remboursement ?",
        "remboursement délai",
        "Le remboursement arrive sous 14 jours.",
    ),
    Doc(
        "print-label",
        "Imprimer votre étiquette",
        "étiquette imprimante",
        "Imprimez l'étiquette et collez-la sur le colis.",
    ),
    Doc("exchange", "Échanger un article", "échange taille", "Choisissez une autre taille."),
]


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("remboursé", "refund-timelines"),  # stemming and accents
        ("remboursment", "refund-timelines"),  # a typo
        ("etiquette", "print-label"),  # no accent
        ("echanger taille", "exchange"),
        ("argent", "refund-timelines"),  # a synonym staff added
    ],
)
def test_french_queries_find_their_article(query, slug):
    engine = Engine(DOCS, "fr", {"argent": "remboursement"})
    assert engine.search(query, 3)[0].slug == slug


def test_the_baseline_has_no_stemming_and_no_typo_tolerance():
    baseline = BaselineEngine(DOCS, "fr")
    assert baseline.search("remboursment", 3) == []
    assert baseline.search("etiquette", 3) == []


def test_snippets_highlight_the_matched_words():
    hit = Engine(DOCS, "fr").search("colis", 1)[0]
    assert "<b>colis</b>" in hit.snippet


def test_instant_search_matches_the_last_word_as_a_prefix():
    assert Engine(DOCS, "fr").search("impri", 1, prefix_last=True)[0].slug == "print-label"
