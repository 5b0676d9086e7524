"""Search the help center: an engine per language, built from the published articles and the synonyms
staff keep (the defaults of ``domain/synonyms.py`` to begin with), with the semantic signal of
``domain/semantic.py`` beside the lexical one, cached in the process until an article or a synonym
changes (a cheap signature query tells)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max

from retour.helpcenter.domain.answers import Answering
from retour.helpcenter.domain.engine import Doc, Engine, Hit, merge
from retour.helpcenter.domain.semantic import default_embedder
from retour.helpcenter.models import Article, Synonym, Translation

LANGUAGES = ("en", "fr")
RELATIVE_FLOOR = 0.02  # hits scoring under 2 % of the best one are noise (a stray common word)
_lock = threading.Lock()
_engines: dict[str, tuple[Any, Engine]] = {}


@dataclass(frozen=True)
class Result:
    slug: str
    language: str
    title: str
    score: float
    snippet: str
    fallback: bool  # found in the other language


def _signature(language: str) -> tuple[Any, ...]:
    translations = Translation.objects.filter(language=language, article__status=Article.Status.PUBLISHED)
    synonyms = Synonym.objects.filter(language=language)
    return (
        tuple(translations.aggregate(n=Count("id"), at=Max("updated_at")).values()),
        tuple(synonyms.aggregate(n=Count("id"), at=Max("updated_at")).values()),
        tuple(Article.objects.aggregate(n=Count("id"), at=Max("updated_at")).values()),
    )


def _build(language: str) -> Engine:
    rows = Translation.objects.filter(
        language=language, article__status=Article.Status.PUBLISHED
    ).select_related("article")
    docs = [Doc.from_markdown(t.article.slug, t.title, t.tags, t.body) for t in rows]
    synonyms = dict(Synonym.objects.filter(language=language).values_list("phrase", "means"))
    return Engine(docs, language, synonyms, embedder=default_embedder())


def engine(language: str) -> Engine:
    signature = _signature(language)
    with _lock:
        cached = _engines.get(language)
        if cached is None or cached[0] != signature:
            cached = (signature, _build(language))
            _engines[language] = cached
        return cached[1]


_answering: dict[str, Answering] = {}


def answering(language: str) -> Answering:
    """The answer passages and "did you mean" of the language's current engine."""
    current = engine(language)
    with _lock:
        found = _answering.get(language)
        if found is None or found.engine is not current:
            found = _answering[language] = Answering(current)
        return found


def invalidate() -> None:
    with _lock:
        _engines.clear()
        _answering.clear()


def answer(query: str, result: Result) -> str | None:
    """The passage of ``result``'s article that best answers ``query``: HTML, escaped, words marked."""
    return answering(result.language).answer(result.slug, query.strip()[:200])


def did_you_mean(query: str, language: str = "en") -> str | None:
    """``query`` spelled with the articles' own words, when some of its words are unknown to them."""
    language = language if language in LANGUAGES else "en"
    return answering(language).did_you_mean(query.strip()[:200])


def search(query: str, language: str = "en", *, limit: int = 10, instant: bool = False) -> list[Result]:
    """The shopper's language first; the other language fills in articles not found in it."""
    language = language if language in LANGUAGES else "en"
    other = "fr" if language == "en" else "en"
    query = query.strip()[:200]
    if not query:
        return []
    primary = engine(language).search(query, limit, prefix_last=instant)
    fallback: list[Hit] = []
    if len(primary) < limit:
        fallback = engine(other).search(query, limit, prefix_last=instant)
    best = max((hit.score for hit in primary), default=0.0)
    floor = best * RELATIVE_FLOOR
    return [
        Result(
            hit.slug,
            language if origin == "primary" else other,
            hit.title,
            hit.score,
            hit.snippet,
            origin != "primary",
        )
        for hit, origin in merge(primary, fallback, limit)
        if hit.score >= floor or origin != "primary"
    ]
