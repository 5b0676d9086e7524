"""Search the help center: an engine per store and language (the store's own articles and the shared
ones it did not override), built from the published articles and the synonyms staff keep (the defaults
of ``domain/synonyms.py`` to begin with), with the semantic signal of ``domain/semantic.py`` beside the
lexical one, cached in the process until an article or a synonym changes (a cheap signature query
tells)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from retour.catalog.models import Store
from retour.helpcenter.domain.answers import Answering
from retour.helpcenter.domain.engine import Doc, Engine, Hit, merge
from retour.helpcenter.domain.learning import Click, learned_questions
from retour.helpcenter.domain.overrides import Candidate, shown
from retour.helpcenter.domain.semantic import default_embedder
from retour.helpcenter.models import Article, SearchLog, Synonym, Translation, Vote

LANGUAGES = ("en", "fr")
RELATIVE_FLOOR = 0.02  # hits scoring under 2 % of the best one are noise (a stray common word)
_lock = threading.Lock()
_engines: dict[tuple[str, int | None], tuple[Any, Engine]] = {}
LEARNING_DAYS = 180
LEARNING_ROWS = 50_000
LEARNING_EVERY = 600.0  # seconds between two readings of the learned questions of one index
_learnings: dict[tuple[str, int | None], tuple[float, tuple[tuple[str, tuple[str, ...]], ...]]] = {}


@dataclass(frozen=True)
class Result:
    slug: str
    language: str
    title: str
    score: float
    snippet: str
    fallback: bool  # found in the other language


def _shown(language: str, store_id: int | None) -> QuerySet[Translation]:
    """The published translations a store's help center could show in ``language``: its own and the
    shared ones (``domain/overrides.py`` picks between them)."""
    shared = Q(article__store__isnull=True)
    return Translation.objects.filter(
        shared if store_id is None else shared | Q(article__store_id=store_id),
        language=language,
        article__status=Article.Status.PUBLISHED,
    )


def _signature(language: str, store_id: int | None) -> tuple[Any, ...]:
    synonyms = Synonym.objects.filter(language=language)
    return (
        tuple(_shown(language, store_id).aggregate(n=Count("id"), at=Max("updated_at")).values()),
        tuple(synonyms.aggregate(n=Count("id"), at=Max("updated_at")).values()),
        tuple(Article.objects.aggregate(n=Count("id"), at=Max("updated_at")).values()),
    )


def _learned(language: str, store_id: int | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The questions learned from the store's searches followed by a click (``domain/learning.py``),
    over the last ``LEARNING_DAYS`` days, at most ``LEARNING_ROWS`` clicks, the newest."""
    since = timezone.now() - timedelta(days=LEARNING_DAYS)
    logs = SearchLog.objects.filter(language=language, created_at__gte=since).exclude(clicked_slug="")
    logs = logs.filter(store__isnull=True) if store_id is None else logs.filter(store_id=store_id)
    rows = logs.order_by("-id").values_list("query", "clicked_slug", "visitor")[:LEARNING_ROWS]
    unhelpful = Vote.objects.filter(language=language, helpful=False).values_list("article__slug", "visitor")
    return tuple(learned_questions((Click(*row) for row in rows), unhelpful).items())


def _learned_now(key: tuple[str, int | None]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``_learned``, read again at most every ``LEARNING_EVERY`` seconds per store and language: a new
    learned question rebuilds the index, a click alone does not."""
    with _lock:
        found = _learnings.get(key)
    if found is None or time.monotonic() - found[0] > LEARNING_EVERY:
        found = (time.monotonic(), _learned(*key))
        with _lock:
            _learnings[key] = found
    return found[1]


def _build(
    language: str, store_id: int | None, learned: tuple[tuple[str, tuple[str, ...]], ...] = ()
) -> Engine:
    rows = _shown(language, store_id).select_related("article")
    chosen = shown(Candidate(t.article.slug, language, t.article.store_id is not None, t) for t in rows)
    more = dict(learned)
    docs = [
        Doc.from_markdown(
            t.article.slug, t.title, t.tags, t.body, [*t.questions, *more.get(t.article.slug, ())]
        )
        for t in chosen.values()
    ]
    synonyms = dict(Synonym.objects.filter(language=language).values_list("phrase", "means"))
    return Engine(docs, language, synonyms, embedder=default_embedder())


def engine(language: str, store: Store | None = None) -> Engine:
    """The index of ``store``'s help center (its own articles and the shared ones it did not override;
    None: the shared ones) in ``language``, rebuilt when an article or a synonym changed."""
    key = (language, store.pk if store is not None else None)
    learned = _learned_now(key)
    signature = (_signature(*key), learned)
    with _lock:
        cached = _engines.get(key)
        if cached is None or cached[0] != signature:
            cached = (signature, _build(*key, learned))
            _engines[key] = cached
        return cached[1]


_answering: dict[tuple[str, int | None], Answering] = {}


def answering(language: str, store: Store | None = None) -> Answering:
    """The answer passages and "did you mean" of the current engine of the store's help center."""
    current = engine(language, store)
    key = (language, store.pk if store is not None else None)
    with _lock:
        found = _answering.get(key)
        if found is None or found.engine is not current:
            found = _answering[key] = Answering(current)
        return found


def invalidate() -> None:
    with _lock:
        _engines.clear()
        _answering.clear()
        _learnings.clear()


def answer(query: str, result: Result, store: Store | None = None) -> str | None:
    """The passage of ``result``'s article that best answers ``query``: HTML, escaped, words marked."""
    return answering(result.language, store).answer(result.slug, query.strip()[:200])


def did_you_mean(query: str, language: str = "en", store: Store | None = None) -> str | None:
    """``query`` spelled with the articles' own words, when some of its words are unknown to them."""
    language = language if language in LANGUAGES else "en"
    return answering(language, store).did_you_mean(query.strip()[:200])


def search(
    query: str,
    language: str = "en",
    *,
    limit: int = 10,
    instant: bool = False,
    store: Store | None = None,
) -> list[Result]:
    """In ``store``'s help center (None: the shared articles), the shopper's language first; the other
    language fills in articles not found in it."""
    language = language if language in LANGUAGES else "en"
    other = "fr" if language == "en" else "en"
    query = query.strip()[:200]
    if not query:
        return []
    primary = engine(language, store).search(query, limit, prefix_last=instant)
    fallback: list[Hit] = []
    if len(primary) < limit:
        fallback = engine(other, store).search(query, limit, prefix_last=instant)
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
