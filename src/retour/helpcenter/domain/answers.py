"""An answer rather than a list: whether a question is about the shopper's own order, and the words of
the query marked in a passage (escaped first, so an article's text never becomes markup).

A question is about the shopper's own order when it names an order, a return or a refund ("refund",
"remboursement", "colis"…) together with either a possessive ("my", "mon", "mes"…) or a tracking word
("where is", "status", "suivi", "où en est"…): "where is my refund", "où est mon remboursement", "suivi de mon
retour". "How do I return a gift" or "délai de rétractation" are not.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from itertools import pairwise

import numpy as np

from retour.helpcenter.domain.engine import Engine
from retour.helpcenter.domain.semantic import prepare

WORD = re.compile(r"\w+", re.UNICODE)

# Folded (lower case, no accents) words, per language; French elisions ("l'", "qu'") are split off.
ORDER_NOUNS = {
    "en": frozenset(
        {"refund", "refunds", "return", "returns", "order", "orders", "parcel", "package", "money"}
    ),
    "fr": frozenset(
        {"remboursement", "remboursements", "retour", "retours", "commande", "commandes", "colis", "argent"}
    ),
}
POSSESSIVES = {
    "en": frozenset({"my", "mine"}),
    "fr": frozenset({"mon", "ma", "mes"}),
}
TRACKING = {
    "en": frozenset({"status", "track", "tracking", "progress"}),
    "fr": frozenset({"statut", "suivi", "suivre", "etat", "avancement"}),
}
# Two words in a row that ask where something is ("ou" alone is also "or": only "où est", "où en est").
WHERE = {"en": frozenset({("where", "is"), ("where", "s")}), "fr": frozenset({("ou", "est"), ("ou", "en")})}
PASSAGE_WORDS = 70  # an answer passage longer than this is cut, with an ellipsis


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return WORD.findall(fold(text).replace("’", "'").replace("'", " "))


def about_own_order(query: str, language: str) -> bool:
    """Whether ``query`` asks about the shopper's own order, return or refund (both languages' words
    count: a French shopper may type in English)."""
    typed = words(query)
    found = set(typed)
    pairs = set(pairwise(typed))
    for lang in ORDER_NOUNS:
        if found & ORDER_NOUNS[lang] and (
            found & (POSSESSIVES[lang] | TRACKING[lang]) or pairs & WHERE[lang]
        ):
            return True
    return False


def shortened(text: str, limit: int = PASSAGE_WORDS) -> str:
    parts = text.split()
    return text if len(parts) <= limit else " ".join(parts[:limit]) + " …"


def highlight(text: str, matches: Callable[[str], bool]) -> str:
    """``text`` as HTML: escaped, each word for which ``matches(word)`` holds inside ``<mark>``."""
    out: list[str] = []
    last = 0
    for found in WORD.finditer(text):
        if matches(found.group()):
            out.append(html.escape(text[last : found.start()]))
            out.append(f"<mark>{html.escape(found.group())}</mark>")
            last = found.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


class Answering:
    """What one language's ``Engine`` says beyond its ranked list: the passage of an article that answers
    a question, the query's words marked in it, and "did you mean" from the articles' own words."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.rows = {doc.slug: row for row, doc in enumerate(engine.docs)}
        seen: Counter[str] = Counter()  # each word with an accent, as written (lower case), how often
        for doc in engine.docs:  # how a folded word is written with its accents ("etiquette" → "étiquette")
            text = f"{doc.title} {doc.body}"
            if not text.isascii():
                seen.update(word for word in WORD.findall(text.lower()) if not word.isascii())
        accented: dict[str, Counter[str]] = defaultdict(Counter)
        for word, n in seen.items():
            accented[fold(word)][word] += n
        self.written = {folded: counts.most_common(1)[0][0] for folded, counts in accented.items()}

    def stems(self, query: str) -> set[str]:
        """The stems the query searched for: its words, their corrections and what its synonyms mean."""
        text = self.engine.prepared(query)
        return {form for forms, _factor in self.engine.weighted_terms(text) for form in forms}

    def matcher(self, query: str) -> Callable[[str], bool]:
        stems = self.stems(query)
        return lambda word: any(
            form in stems
            for folded in self.engine.folding.analyze(word)
            for form in self.engine.forms(folded)
        )

    def passage(self, slug: str, query: str) -> str | None:
        """The part of article ``slug`` that best answers ``query`` (most of its words, then closest in
        meaning when the engine has the semantic signal), plain text; None for an unknown article."""
        row = self.rows.get(slug)
        if row is None:
            return None
        parts = self.engine.docs[row].parts()
        if not parts:
            return None
        stems = self.stems(query)
        scores = [len(stems & set(self.engine.analyzer.analyze(part))) / max(len(stems), 1) for part in parts]
        embedder = self.engine.embedder
        if embedder is not None and len(self.engine.starts) > row + 1:
            vector = embedder.embed([prepare(query, self.engine.language)])[0]
            vectors = self.engine.passage_vectors[self.engine.starts[row] : self.engine.starts[row + 1]]
            similarity = np.einsum("ij,j->i", vectors, vector)
            scores = [score + float(similarity[i]) for i, score in enumerate(scores) if i < len(similarity)]
        best = max(range(len(scores)), key=lambda i: (scores[i], -i))
        return parts[best]

    def answer(self, slug: str, query: str) -> str | None:
        """The best passage of ``slug`` as HTML, shortened, the query's words in ``<mark>``."""
        found = self.passage(slug, query)
        return None if found is None else highlight(shortened(found), self.matcher(query))

    def known(self, folded: str) -> bool:
        """Whether the index has the word's stem: a word the articles use in another form is no typo."""
        searcher = self.engine.searcher
        return any(searcher.doc_freq("anywhere", form) for form in self.engine.forms(folded))

    def did_you_mean(self, query: str) -> str | None:
        """``query`` with each word the articles never use replaced by the closest one they do (with its
        accents), the other words as typed; None when there is nothing to correct."""
        out: list[str] = []
        last = 0
        changed = False
        for found in WORD.finditer(query):
            typed = found.group()
            folded = self.engine.words.analyze(typed)
            if len(folded) != 1 or not self.engine.folding.analyze(typed):
                continue
            if self.known(folded[0]):  # another form of a word the articles use ("perdue", "perdu")
                continue
            fixed = self.engine.speller.correct(folded[0])
            if fixed == folded[0]:
                fixed = self.engine.speller.split(folded[0])
            if fixed == folded[0]:
                continue
            out.append(query[last : found.start()])
            out.append(" ".join(self.written.get(part, part) for part in fixed.split()))
            last = found.end()
            changed = True
        out.append(query[last:])
        return "".join(out).strip() if changed else None
