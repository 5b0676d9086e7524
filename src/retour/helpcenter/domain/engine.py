"""Full-text search over articles with tantivy (a Rust search library): per-language analysis, typo
tolerance, synonyms, title, heading and tag boosts, phrase boosts, highlighted snippets.

Pure of Django: documents in, ranked hits out. ``Engine(docs, language, synonyms)`` builds an in-memory
index of one language; ``Engine.search(query)``:

1. corrects the words the articles never use to the closest ones they do (one typo from 4 letters, two
   from 8), or splits them into two words they do ("makeup" → "make up"): ``spelling.Speller``; the
   words of the synonyms count as known words too;
2. adds what the synonyms found in the query mean ("money back" → refund), matched on folded, stemmed
   words, so "Money-back" and "moneys back" are the same phrase;
3. analyses the query like the articles (``analysis``: lower case, accents folded, stop words dropped,
   stemmed; in French a word also matches its other number, "photo" and "photos");
4. scores each query word by its best field (weights: title 2, tags 1.5, text 1, section headings 0.5; a
   disjunction max, so a common word in every field is not counted four times), adds a constant for
   every distinct query word the article has at all (an article with all the words beats one that
   repeats one of them), a bonus where two neighbouring query words stand together in the article
   ("gift card", "cancel a return"), and a little for each word of the question, stop words included,
   that the title has: titles are the questions shoppers ask ("When will I get my refund?", "How long
   do I have to return an item?"), and "when" or "how long" tell them apart. All ranked by BM25.

Words the shopper typed count fully; corrected words and synonyms count 0.7 (they may be wrong guesses).
While typing, the last word also matches as a prefix. ``BaselineEngine`` is plain BM25 over lower-cased
words (no stemming, folding, typo tolerance or synonyms), the benchmark's point of comparison.

The weights were chosen on the benchmark's labelled queries; its last query set, never used to choose
anything, says how well they carry over to queries nobody tuned for (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import tantivy
from tantivy import Index, Occur, Query, SchemaBuilder, SnippetGenerator

from retour.helpcenter.domain.analysis import (
    analyzer,
    folding_analyzer,
    matching_analyzer,
    plain_analyzer,
    words_analyzer,
)
from retour.helpcenter.domain.markdown import plain, render
from retour.helpcenter.domain.spelling import Speller

FIELDS = (("title", 2.0), ("headings", 0.5), ("tags", 1.5), ("body", 1.0))
COVERAGE = 1.0  # added once for each distinct query word the article has
PHRASE_WEIGHT = 1.0  # two neighbouring query words together in one field
PHRASE_SLOP = 2  # words allowed between them ("cancel a return request")
PHRASE_FIELDS = ("title", "tags", "body")  # the headings are in the body too
PREFIX_WEIGHT = 0.5
GUESS_WEIGHT = 0.7  # a corrected word may be the wrong guess: it counts a little less
SYNONYM_WEIGHT = 0.7
QUESTION_WEIGHT = 0.5  # each query word, stop words included, found in the title
FORMS_CACHE = 50_000  # words whose stems are kept, per engine
Term = tuple[tuple[str, ...], float]  # a query word's stems (its forms) and how much it counts


@dataclass(frozen=True)
class Doc:
    slug: str
    title: str
    tags: str
    body: str  # plain text
    headings: str = ""  # the section headings, one after the other

    @classmethod
    def from_markdown(cls, slug: str, title: str, tags: Sequence[str], markdown: str) -> Doc:
        """What the engine indexes of one translation: title, tags, text and section headings, as words."""
        headings = " ".join(heading.text for heading in render(markdown)[1])
        return cls(slug, title, " ".join(tags), plain(markdown), headings)


@dataclass(frozen=True)
class Hit:
    slug: str
    title: str
    score: float
    snippet: str  # HTML, matched words in <b>


def _contains(words: Sequence[str], phrase: Sequence[str]) -> bool:
    n = len(phrase)
    return any(tuple(words[i : i + n]) == tuple(phrase) for i in range(len(words) - n + 1))


class Engine:
    tokenizer = "retour"

    def __init__(self, docs: Iterable[Doc], language: str, synonyms: Mapping[str, str] | None = None) -> None:
        self.language = language
        self.analyzer = self._analyzer()
        self.folding = folding_analyzer(language)
        self.matching = matching_analyzer(language)
        self.words = words_analyzer(language)
        self._forms: dict[str, tuple[str, ...]] = {}
        synonyms = synonyms or {}
        self.synonyms = [
            (phrase, means)
            for phrase, means in ((tuple(self.matching.analyze(p)), m) for p, m in synonyms.items())
            if phrase
        ]
        docs = list(docs)
        known = [word for doc in docs for word in self.folding.analyze(f"{doc.title} {doc.tags} {doc.body}")]
        self.speller = Speller(known + [word for phrase in synonyms for word in self.folding.analyze(phrase)])
        builder = SchemaBuilder()
        builder.add_text_field("slug", stored=True, tokenizer_name="raw")
        for name, _weight in FIELDS:
            builder.add_text_field(name, stored=name in ("title", "body"), tokenizer_name=self.tokenizer)
        for name in ("title_folded", "body_folded"):  # for the prefix of the word being typed
            builder.add_text_field(name, stored=False, tokenizer_name="folded")
        builder.add_text_field("question", stored=False, tokenizer_name="matching")
        builder.add_text_field("anywhere", stored=False, tokenizer_name=self.tokenizer)
        self.schema = builder.build()
        self.index = Index(self.schema)
        self.index.register_tokenizer(self.tokenizer, self.analyzer)
        self.index.register_tokenizer("folded", self.folding)
        self.index.register_tokenizer("matching", self.matching)
        writer = self.index.writer(heap_size=50_000_000, num_threads=1)
        for doc in docs:
            writer.add_document(
                tantivy.Document(
                    slug=doc.slug,
                    title=doc.title,
                    headings=doc.headings,
                    tags=doc.tags,
                    body=doc.body,
                    title_folded=doc.title,
                    question=doc.title,
                    anywhere=f"{doc.title}\n{doc.tags}\n{doc.body}",  # one posting list for the coverage
                    body_folded=doc.body,
                )
            )
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def _analyzer(self) -> tantivy.TextAnalyzer:
        return analyzer(self.language)

    def corrected(self, text: str) -> str:
        """The query, folded, with each word the articles never use replaced by the closest one they do."""
        return " ".join(self._correct(word) for word in self.words.analyze(text))

    def _correct(self, word: str) -> str:
        if not self.folding.analyze(word):  # a stop word: nothing to correct
            return word
        fixed = self.speller.correct(word)
        return fixed if fixed != word else self.speller.split(word)

    def expand(self, text: str) -> list[str]:
        """What the synonyms found in ``text`` mean."""
        words = self.matching.analyze(text)
        return [means for phrase, means in self.synonyms if _contains(words, phrase)]

    def forms(self, word: str) -> tuple[str, ...]:
        """The stems of a folded word and, in French, of its other number: the French Snowball stemmer
        keeps the s of "photos" or "numéros", so "photo" would never meet "photos"."""
        found = self._forms.get(word)
        if found is None:
            variants = [word]
            if self.language == "fr" and len(word) > 3:
                variants.append(word[:-1] if word[-1] in "sx" else word + "s")
            found = tuple(dict.fromkeys(stem for v in variants for stem in self.analyzer.analyze(v)))
            if len(self._forms) >= FORMS_CACHE:
                self._forms.clear()
            self._forms[word] = found
        return found

    def weighted_terms(self, text: str, fixed: str | None = None) -> list[Term]:
        """The query's words, each as the stems of its forms, with how much it counts: as typed 1,
        corrected (``fixed``: the corrected query) or brought by a synonym a little less. A word already
        there is not added again."""
        fixed = self.corrected(text) if fixed is None else fixed
        meant = [
            word for means in self.expand(fixed) + self.expand(text) for word in self.folding.analyze(means)
        ]
        out: list[Term] = []
        seen: set[str] = set()
        for words, factor in (
            (self.folding.analyze(text), 1.0),
            (self.folding.analyze(fixed), GUESS_WEIGHT),
            (meant, SYNONYM_WEIGHT),
        ):
            for word in words:
                forms = self.forms(word)
                if forms and not seen.issuperset(forms):
                    out.append((forms, factor))
                    seen.update(forms)
        return out

    def _word(self, forms: Sequence[str], factor: float) -> list[Query]:
        """One query word: its best field, plus the constant for having it at all."""
        best = Query.disjunction_max_query(
            [
                Query.boost_query(Query.term_query(self.schema, name, form), weight)
                for form in forms
                for name, weight in FIELDS
            ]
        )
        anywhere = Query.boolean_query(
            [(Occur.Should, Query.term_query(self.schema, "anywhere", form)) for form in forms]
        )
        return [Query.boost_query(best, factor), Query.const_score_query(anywhere, COVERAGE * factor)]

    def _together(self, first: str, second: str) -> Query:
        """Two neighbouring query words close together in one field (the best one)."""
        return Query.boost_query(
            Query.disjunction_max_query(
                [
                    Query.boost_query(
                        Query.phrase_query(self.schema, name, [first, second], slop=PHRASE_SLOP), weight
                    )
                    for name, weight in FIELDS
                    if name in PHRASE_FIELDS
                ]
            ),
            PHRASE_WEIGHT,
        )

    def query(self, text: str, *, prefix_last: bool = False) -> Query | None:
        fixed = self.corrected(text)
        parts = [
            part for forms, factor in self.weighted_terms(text, fixed) for part in self._word(forms, factor)
        ]
        stems = self.analyzer.analyze(fixed)
        if PHRASE_WEIGHT:
            parts += [self._together(a, b) for a, b in dict.fromkeys(pairwise(stems)) if a != b]
        if QUESTION_WEIGHT:
            parts += [
                Query.boost_query(Query.term_query(self.schema, "question", word), QUESTION_WEIGHT)
                for word in dict.fromkeys(self.matching.analyze(fixed))
            ]
        written = self.folding.analyze(text)
        if prefix_last and written and len(written[-1]) >= 2:
            parts += [
                Query.boost_query(
                    Query.fuzzy_term_query(self.schema, name, written[-1], distance=0, prefix=True),
                    PREFIX_WEIGHT,
                )
                for name in ("title_folded", "body_folded")
            ]
        return Query.boolean_query([(Occur.Should, part) for part in parts]) if parts else None

    def search(
        self, text: str, limit: int = 10, *, prefix_last: bool = False, snippets: bool = True
    ) -> list[Hit]:
        query = self.query(text, prefix_last=prefix_last)
        if query is None:
            return []
        found = self.searcher.search(query, limit).hits
        generator = (
            SnippetGenerator.create(self.searcher, query, self.schema, "body") if snippets and found else None
        )
        hits = []
        for score, address in found:
            doc = self.searcher.doc(address)
            snippet = generator.snippet_from_doc(doc).to_html() if generator is not None else ""
            hits.append(Hit(doc["slug"][0], doc["title"][0], float(score), snippet))
        return hits


class BaselineEngine(Engine):
    """Plain BM25 over title, tags and text: lower-cased words only; no stemming, accents, stop words,
    synonyms, typos or boosts."""

    def _analyzer(self) -> tantivy.TextAnalyzer:
        return plain_analyzer()

    def query(self, text: str, *, prefix_last: bool = False) -> Query | None:
        words = list(dict.fromkeys(self.analyzer.analyze(text)))
        if not words:
            return None
        return Query.boolean_query(
            [
                (Occur.Should, Query.term_query(self.schema, name, word))
                for word in words
                for name in ("title", "tags", "body")
            ]
        )


def merge(primary: Sequence[Hit], fallback: Sequence[Hit], limit: int) -> list[tuple[Hit, str]]:
    """The shopper's language first, then the other language's hits for articles not already there."""
    seen = {hit.slug for hit in primary}
    out = [(hit, "primary") for hit in primary]
    out += [(hit, "fallback") for hit in fallback if hit.slug not in seen]
    return out[:limit]
