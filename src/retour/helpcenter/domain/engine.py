"""Full-text search over articles with tantivy (a Rust search library): per-language analysis, typo
tolerance, synonyms, title and tag boosts, highlighted snippets.

Pure of Django: documents in, ranked hits out. ``Engine(docs, language)`` builds an in-memory index of one
language; ``Engine.search(query)`` corrects words the articles never use to the closest ones they do (one typo
from 4 letters, two from 8: ``spelling.Speller``), adds synonyms, analyses the query like the documents
(lower case, accents folded, stop words dropped, stemmed) and looks each word up in the title (weight
3), tags (2) and text (1), ranked by BM25; while typing, the last word also matches as a prefix.
``BaselineEngine`` is plain BM25 over lower-cased words (no stemming, no folding, no fuzziness), the
benchmark's point of comparison.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import tantivy
from tantivy import Filter, Index, Query, SchemaBuilder, SnippetGenerator, TextAnalyzerBuilder, Tokenizer

from retour.helpcenter.domain.spelling import Speller
from retour.helpcenter.domain.stopwords import ENGLISH, STOPWORDS

STEMMERS = {"en": "english", "fr": "french"}
FIELDS = (("title", 1.0), ("tags", 0.5), ("body", 1.0))
PREFIX_WEIGHT = 0.5
GUESS_WEIGHT = 0.7  # a corrected word may be the wrong guess: it counts a little less


@dataclass(frozen=True)
class Doc:
    slug: str
    title: str
    tags: str
    body: str  # plain text


@dataclass(frozen=True)
class Hit:
    slug: str
    title: str
    score: float
    snippet: str  # HTML, matched words in <b>


def analyzer(language: str) -> tantivy.TextAnalyzer:
    stemmer = STEMMERS.get(language, "english")
    return (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.remove_long(40))
        .filter(Filter.lowercase())
        .filter(Filter.ascii_fold())
        .filter(Filter.stopword(stemmer))
        .filter(Filter.custom_stopword(sorted(STOPWORDS.get(language, ENGLISH))))
        .filter(Filter.stemmer(stemmer))
        .build()
    )


def folding_analyzer(language: str) -> tantivy.TextAnalyzer:
    """Words as written, folded, without stemming: what typos are measured against."""
    return (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.remove_long(40))
        .filter(Filter.lowercase())
        .filter(Filter.ascii_fold())
        .filter(Filter.stopword(STEMMERS.get(language, "english")))
        .filter(Filter.custom_stopword(sorted(STOPWORDS.get(language, ENGLISH))))
        .build()
    )


def plain_analyzer() -> tantivy.TextAnalyzer:
    return TextAnalyzerBuilder(Tokenizer.simple()).filter(Filter.lowercase()).build()


class Engine:
    tokenizer = "retour"

    def __init__(self, docs: Iterable[Doc], language: str, synonyms: Mapping[str, str] | None = None) -> None:
        self.language = language
        self.synonyms = {k.lower(): v for k, v in (synonyms or {}).items()}
        self.analyzer = self._analyzer()
        self.folding = folding_analyzer(language)
        builder = SchemaBuilder()
        builder.add_text_field("slug", stored=True, tokenizer_name="raw")
        for name, _weight in FIELDS:
            builder.add_text_field(name, stored=True, tokenizer_name=self.tokenizer)
            builder.add_text_field(f"{name}_folded", stored=False, tokenizer_name="folded")
        self.schema = builder.build()
        self.index = Index(self.schema)
        self.index.register_tokenizer(self.tokenizer, self.analyzer)
        self.index.register_tokenizer("folded", self.folding)
        writer = self.index.writer(heap_size=50_000_000, num_threads=1)
        docs = list(docs)
        self.speller = Speller(
            word for doc in docs for word in self.folding.analyze(f"{doc.title} {doc.tags} {doc.body}")
        )
        for doc in docs:
            writer.add_document(
                tantivy.Document(
                    slug=doc.slug,
                    title=doc.title,
                    tags=doc.tags,
                    body=doc.body,
                    title_folded=doc.title,
                    tags_folded=doc.tags,
                    body_folded=doc.body,
                )
            )
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def _analyzer(self) -> tantivy.TextAnalyzer:
        return analyzer(self.language)

    def expand(self, text: str) -> str:
        """The query with each synonym phrase it contains followed by what it means."""
        lowered = f" {text.lower()} "
        extra = [means for phrase, means in self.synonyms.items() if f" {phrase} " in lowered]
        return " ".join([text, *extra])

    def corrected(self, text: str) -> str:
        """The words the articles never use, each replaced by the closest one they do (may be empty)."""
        words = self.folding.analyze(text)
        fixed = [self.speller.correct(word) for word in words]
        return " ".join(new for old, new in zip(words, fixed, strict=True) if new != old)

    def terms(self, text: str) -> list[str]:
        return list(dict.fromkeys(self.analyzer.analyze(self.expand(text))))

    def guesses(self, text: str) -> list[str]:
        """Stems of the corrected words that the query does not already have."""
        have = set(self.terms(text))
        return [t for t in dict.fromkeys(self.analyzer.analyze(self.corrected(text))) if t not in have]

    def query(self, text: str, *, prefix_last: bool = False) -> Query | None:
        words = self.terms(text)
        guesses = self.guesses(text)
        written = list(dict.fromkeys(self.folding.analyze(self.expand(text))))
        if not words and not written and not guesses:
            return None
        clauses: list[tuple[tantivy.Occur, Query]] = []
        for word, factor in [*((w, 1.0) for w in words), *((g, GUESS_WEIGHT) for g in guesses)]:
            for name, weight in FIELDS:
                exact = Query.term_query(self.schema, name, word)
                clauses.append((tantivy.Occur.Should, Query.boost_query(exact, weight * factor)))
        for position, word in enumerate(written):
            last = prefix_last and position == len(written) - 1 and len(word) >= 2
            for name, weight in FIELDS:
                field = f"{name}_folded"
                if last:
                    prefix = Query.fuzzy_term_query(self.schema, field, word, distance=0, prefix=True)
                    clauses.append((tantivy.Occur.Should, Query.boost_query(prefix, weight * PREFIX_WEIGHT)))
        return Query.boolean_query(clauses)

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
    """Plain BM25: lower-cased words only, no stemming, accents, stop words, synonyms or typos."""

    def _analyzer(self) -> tantivy.TextAnalyzer:
        return plain_analyzer()

    def expand(self, text: str) -> str:
        return text

    def corrected(self, text: str) -> str:
        return text

    def query(self, text: str, *, prefix_last: bool = False) -> Query | None:
        words = self.terms(text)
        if not words:
            return None
        clauses = [
            (tantivy.Occur.Should, Query.term_query(self.schema, name, word))
            for word in words
            for name, _weight in FIELDS
        ]
        return Query.boolean_query(clauses)


def merge(primary: Sequence[Hit], fallback: Sequence[Hit], limit: int) -> list[tuple[Hit, str]]:
    """The shopper's language first, then the other language's hits for articles not already there."""
    seen = {hit.slug for hit in primary}
    out = [(hit, "primary") for hit in primary]
    out += [(hit, "fallback") for hit in fallback if hit.slug not in seen]
    return out[:limit]
