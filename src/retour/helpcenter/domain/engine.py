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

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
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
from retour.helpcenter.domain.semantic import Embedder, elide, prepare
from retour.helpcenter.domain.spelling import Speller

FIELDS = (("title", 2.0), ("headings", 0.5), ("tags", 1.5), ("body", 1.0), ("questions", 1.5))
COVERAGE = 1.0  # added once for each distinct query word the article has
PHRASE_WEIGHT = 1.0  # two neighbouring query words together in one field
PHRASE_SLOP = 2  # words allowed between them ("cancel a return request")
PHRASE_FIELDS = ("title", "tags", "body", "questions")  # the headings are in the body too
PREFIX_WEIGHT = 0.5
GUESS_WEIGHT = 0.7  # a corrected word may be the wrong guess: it counts a little less
SYNONYM_WEIGHT = 0.7
QUESTION_WEIGHT = 0.5  # each query word, stop words included, found in the title
FORMS_CACHE = 50_000  # words whose stems are kept, per engine
Term = tuple[tuple[str, ...], float]  # a query word's stems (its forms) and how much it counts


@dataclass(frozen=True)
class Fusion:
    """How the lexical and the semantic signals add up: ``lexical`` is the BM25 score over the best one
    (1 for the first hit, 0 when the article has no query word), ``article`` the cosine similarity of the
    query and the whole article, ``passage`` that of the query and the article's closest section."""

    article: float
    passage: float


# Chosen by cross-validation, each language on its own queries of the tuning set and the older sets
# (bench/helpcenter_fusion_cv.py --language; docs/helpcenter.md): WordLlama was trained on English.
FUSIONS = {"en": Fusion(article=1.25, passage=2.5), "fr": Fusion(article=1.0, passage=0.75)}
FUSION = Fusion(article=1.5, passage=0.25)  # another language: the choice made on both languages' queries
LEXICAL_DEPTH = 30  # lexical hits re-ranked
SEMANTIC_DEPTH = 10  # articles closest in meaning added to them
PASSAGE_WORDS = 80  # an article without sections is cut into passages of about this many words


@dataclass(frozen=True)
class Doc:
    slug: str
    title: str
    tags: str
    body: str  # plain text
    headings: str = ""  # the section headings, one after the other
    sections: tuple[str, ...] = ()  # the text of each section, heading first (plain text)
    # "Questions this answers", as the article's author expects shoppers to ask them, one a line.
    questions: tuple[str, ...] = ()

    @classmethod
    def from_markdown(
        cls, slug: str, title: str, tags: Sequence[str], markdown: str, questions: Sequence[str] = ()
    ) -> Doc:
        """What the engine indexes of one translation: title, tags, text, section headings and the
        questions it answers, as words."""
        headings = " ".join(heading.text for heading in render(markdown)[1])
        sections = tuple(text for part in re.split(r"\n(?=#{1,3} )", markdown) if (text := plain(part)))
        return cls(slug, title, " ".join(tags), plain(markdown), headings, sections, tuple(questions))

    def parts(self) -> tuple[str, ...]:
        """Each section (or, without sections, runs of about ``PASSAGE_WORDS`` words)."""
        if self.sections:
            return self.sections
        words = self.body.split()
        return tuple(" ".join(words[i : i + PASSAGE_WORDS]) for i in range(0, len(words), PASSAGE_WORDS))

    def passages(self) -> tuple[str, ...]:
        """What the semantic signal compares a query with, besides the whole article: each of its
        ``parts()``, after the title, and each question it answers (a shopper's question is closest in
        meaning to another question)."""
        parts = tuple(f"{self.title}. {part}" for part in self.parts()) + self.questions
        return parts or (self.title,)


@dataclass(frozen=True)
class Hit:
    slug: str
    title: str
    score: float
    snippet: str  # HTML, matched words in <b>


class Engine:
    tokenizer = "retour"

    def __init__(
        self,
        docs: Iterable[Doc],
        language: str,
        synonyms: Mapping[str, str] | None = None,
        *,
        embedder: Embedder | None = None,
        fusion: Fusion | None = None,
    ) -> None:
        self.language = language
        self.embedder = embedder
        self.fusion = fusion or FUSIONS.get(language, FUSION)
        self.analyzer = self._analyzer()
        self.folding = folding_analyzer(language)
        self.matching = matching_analyzer(language)
        self.words = words_analyzer(language)
        self._forms: dict[str, tuple[str, ...]] = {}
        synonyms = synonyms or {}
        self.synonyms = [
            (phrase, means)
            for phrase, means in ((tuple(self.matching.analyze(elide(p))), m) for p, m in synonyms.items())
            if phrase
        ]
        # Each synonym under its phrase's first word: a query only tries the phrases its words begin.
        self._synonyms_by_first: dict[str, list[tuple[int, tuple[str, ...], str]]] = {}
        for order, (phrase, means) in enumerate(self.synonyms):
            self._synonyms_by_first.setdefault(phrase[0], []).append((order, phrase, means))
        docs = list(docs)
        self.docs = docs
        known = [
            word
            for doc in docs
            for word in self.folding.analyze(f"{doc.title} {doc.tags} {doc.body} {' '.join(doc.questions)}")
        ]
        self.speller = Speller(known + [word for phrase in synonyms for word in self.folding.analyze(phrase)])
        builder = SchemaBuilder()
        builder.add_text_field("slug", stored=True, tokenizer_name="raw")
        builder.add_unsigned_field("row", stored=True)
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
        for row, doc in enumerate(docs):
            writer.add_document(
                tantivy.Document(
                    slug=doc.slug,
                    row=row,
                    title=doc.title,
                    headings=doc.headings,
                    tags=doc.tags,
                    body=doc.body,
                    questions="\n".join(doc.questions),
                    title_folded=doc.title,
                    question=self.prepared(doc.title),
                    # one posting list for the coverage
                    anywhere=f"{doc.title}\n{doc.tags}\n{doc.body}\n{chr(10).join(doc.questions)}",
                    body_folded=doc.body,
                )
            )
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        self.rows: dict[tuple[int, int], int] = {}
        if embedder is not None:
            # Where each article landed in the index, read once here rather than at every search.
            for _score, address in self.searcher.search(Query.all_query(), max(len(docs), 1)).hits:
                self.rows[(address.segment_ord, address.doc)] = int(self.searcher.doc(address)["row"][0])
            self._embed_articles(embedder)

    def _embed_articles(self, embedder: Embedder) -> None:
        """Each article's vector and its passages' (rows of one matrix; the passages of article ``i`` are
        rows ``starts[i]`` to ``starts[i + 1]``), computed once, here."""
        whole = [prepare(f"{d.title}. {d.tags}. {d.headings}. {d.body}", self.language) for d in self.docs]
        passages = [[prepare(p, self.language) for p in d.passages()] for d in self.docs]
        self.article_vectors = embedder.embed(whole) if whole else np.zeros((0, 1), dtype=np.float32)
        flat = [p for ps in passages for p in ps]
        self.passage_vectors = embedder.embed(flat) if flat else np.zeros((0, 1), dtype=np.float32)
        self.starts = np.cumsum([0] + [len(ps) for ps in passages])

    def prepared(self, text: str) -> str:
        """French elisions dropped ("l'étiquette" → "étiquette"): the tokenizer would leave the "l" as a
        word of its own, which the title-question and synonym matching keep."""
        return elide(text) if self.language == "fr" else text

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
        found = {
            order: means
            for i, word in enumerate(words)
            for order, phrase, means in self._synonyms_by_first.get(word, ())
            if tuple(words[i : i + len(phrase)]) == phrase
        }
        return [found[order] for order in sorted(found)]

    def forms(self, word: str) -> tuple[str, ...]:
        """The stems of a folded word and, in French, of its other number and gender: the French Snowball
        stemmer keeps the s of "photos" or "numéros", so "photo" would never meet "photos", and once the
        accents are folded it stems a feminine participle apart from its masculine ("gravée" → "grave",
        "gravé" → "grav"; "remboursée" → "rembourse", "remboursé" → "rembours")."""
        found = self._forms.get(word)
        if found is None:
            found = tuple(
                dict.fromkeys(stem for v in self._variants(word) for stem in self.analyzer.analyze(v))
            )
            if len(self._forms) >= FORMS_CACHE:
                self._forms.clear()
            self._forms[word] = found
        return found

    def _variants(self, word: str) -> list[str]:
        """A word and, in French, its other number and gender (folded: "gravee", "graves", "grave")."""
        if self.language != "fr" or len(word) <= 3:
            return [word]
        single = word[:-1] if word[-1] in "sx" else word
        variants = [word, single if single != word else word + "s"]
        if single.endswith("ee"):  # a feminine participle: "gravee" is "grave" (gravé) too
            variants += [single[:-1], single[:-1] + "s"]
        elif single.endswith("e") and len(single) > 4:  # "grave" (gravé) is "gravee" (gravée) too
            variants += [single + "e", single + "es"]
        return variants

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
        text = self.prepared(text)
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
        if self.embedder is None:
            found = self.searcher.search(query, limit).hits
            generator = (
                SnippetGenerator.create(self.searcher, query, self.schema, "body")
                if snippets and found
                else None
            )
            hits = []
            for score, address in found:
                doc = self.searcher.doc(address)
                snippet = generator.snippet_from_doc(doc).to_html() if generator is not None else ""
                hits.append(Hit(doc["slug"][0], doc["title"][0], float(score), snippet))
            return hits
        ranked = self.fuse(self.signals(text, query))[:limit]
        generator = (
            SnippetGenerator.create(self.searcher, query, self.schema, "body")
            if snippets and ranked
            else None
        )
        out = []
        for row, score in ranked:
            article = self.docs[row]
            snippet = ""
            if generator is not None:
                snippet = generator.snippet_from_doc(tantivy.Document(body=article.body)).to_html()
            out.append(Hit(article.slug, article.title, score, snippet))
        return out

    def signals(self, text: str, query: Query | None = None) -> list[tuple[int, float, float, float]]:
        """The candidates for ``text`` and their signals: (row, lexical, article, passage). The lexical
        hits, and, when there is one, the articles closest in meaning: a query none of whose words the
        help center knows still finds nothing (the content gaps of the analytics stay what they were)."""
        query = self.query(text) if query is None else query
        if query is None or self.embedder is None or not self.docs:
            return []
        found = self.searcher.search(query, LEXICAL_DEPTH).hits
        if not found:
            return []
        best = max(float(found[0][0]), 1e-9)
        lexical = {
            self.rows[(address.segment_ord, address.doc)]: float(score) / best for score, address in found
        }
        vector = self.embedder.embed([prepare(text, self.language)])[0]
        # einsum, not @: OpenBLAS's threads would spin on every search for a product this small.
        article = np.einsum("ij,j->i", self.article_vectors, vector)
        depth = min(SEMANTIC_DEPTH, len(article))
        closest = np.argpartition(-article, depth - 1)[:depth]
        rows = list(dict.fromkeys([*lexical, *(int(r) for r in closest)]))
        # The candidates' passages in one product (not one per article), then each article's best.
        starts, ends = self.starts[rows], self.starts[np.asarray(rows) + 1]
        taken = np.concatenate([np.arange(a, b) for a, b in zip(starts, ends, strict=True)])
        similarity = np.einsum("ij,j->i", self.passage_vectors[taken], vector)
        nearest: list[float] = np.maximum.reduceat(
            similarity, np.cumsum(ends - starts) - (ends - starts)
        ).tolist()
        return [
            (row, lexical.get(row, 0.0), float(article[row]), passage)
            for row, passage in zip(rows, nearest, strict=True)
        ]

    def fuse(
        self, signals: Iterable[tuple[int, float, float, float]], fusion: Fusion | None = None
    ) -> list[tuple[int, float]]:
        """(row, score), best first: lexical + weighted article + weighted passage similarity."""
        fusion = fusion or self.fusion
        scored = [
            (row, lexical + fusion.article * article + fusion.passage * passage)
            for row, lexical, article, passage in signals
        ]
        return sorted(scored, key=lambda item: (-item[1], item[0]))


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
