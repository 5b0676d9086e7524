"""The articles' "questions this answers": read from the front matter, matched by their words and their
meaning, never shown as the answer passage."""

from __future__ import annotations

import pytest

from retour.helpcenter.domain.answers import Answering
from retour.helpcenter.domain.engine import Doc, Engine
from retour.helpcenter.domain.frontmatter import BadArticle, parse
from retour.helpcenter.domain.semantic import default_embedder

ARTICLE = """---
slug: return-shipping-costs
lang: fr
title: "Les frais de retour"
category: shipping
tags: [frais]
questions:
  - "Qui paie le retour ?"
  - "Puis-je utiliser mon propre transporteur ?"
---

Le retour coûte 4,95 €, sauf pour un article défectueux.
"""

DOCS = [
    Doc.from_markdown(
        "costs", "Return shipping", ["fee"], "A return costs 4.95.", ["Who pays for sending it back?"]
    ),
    Doc.from_markdown("window", "Return window", ["deadline"], "You have 30 days to send it back."),
]


def test_the_front_matter_gives_the_questions_this_answers():
    assert parse(ARTICLE).questions == ("Qui paie le retour ?", "Puis-je utiliser mon propre transporteur ?")
    assert (
        parse(
            ARTICLE.replace(
                'questions:\n  - "Qui paie le retour ?"\n  - "Puis-je utiliser mon propre transporteur ?"\n',
                "",
            )
        ).questions
        == ()
    )


def test_questions_that_are_not_a_list_are_refused():
    with pytest.raises(BadArticle) as refused:
        parse(
            ARTICLE.replace('questions:\n  - "Qui paie le retour ?"', 'questions: "Qui paie ?"\nx:\n  - "a"')
        )
    assert refused.value.problem == "bad_questions"


@pytest.mark.parametrize("embedder", [None, default_embedder()], ids=["lexical", "fused"])
def test_a_shoppers_wording_found_only_in_a_question_finds_its_article(embedder):
    engine = Engine(DOCS, "en", embedder=embedder)
    assert [hit.slug for hit in engine.search("who pays")][:1] == ["costs"]


def test_the_answer_passage_is_the_articles_text_never_a_question():
    answering = Answering(Engine(DOCS, "en", embedder=default_embedder()))
    assert answering.passage("costs", "who pays for sending it back") == "A return costs 4.95."
