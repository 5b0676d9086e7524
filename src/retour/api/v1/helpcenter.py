"""``/api/v1/help``: the public help center, read-only and rate-limited (per client address)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.throttling import AnonRateThrottle

from retour.catalog.models import Store
from retour.helpcenter import search as engine
from retour.helpcenter.services import reading

RATE = "120/m"
router = Router(tags=["help center"], auth=None, throttle=[AnonRateThrottle(RATE)])


Language = Literal["en", "fr"]  # an enum in the OpenAPI document: another is a 422 naming ``lang``


class ResultOut(Schema):
    slug: str
    lang: str
    title: str
    score: float
    snippet: str


class ArticleSummary(Schema):
    slug: str
    category: str
    title: str
    lang: str


class HeadingOut(Schema):
    level: int
    text: str
    anchor: str


class ArticleOut(Schema):
    slug: str
    category: str
    lang: str
    title: str
    tags: list[str]
    html: str
    headings: list[HeadingOut]
    updated_at: datetime


def _store(code: str) -> Store | None:
    """The store whose help center is read (``?store=CODE``); an unknown code reads the shared articles."""
    return Store.objects.filter(code=code).first() if code else None


@router.get("/search", response=list[ResultOut], summary="Search the help center")
def search(
    request: HttpRequest,
    q: str = Query(..., max_length=200),  # type: ignore[type-arg]
    lang: Language = "en",
    limit: int = Query(10, ge=1, le=20),  # type: ignore[type-arg]
    store: str = Query("", max_length=64),  # type: ignore[type-arg]
) -> list[ResultOut]:
    """Best first, up to ``limit`` (1 to 20); the shopper's language first, the other as fallback. With
    ``store`` (a store's code), that store's articles and the shared ones; else the shared ones."""
    results = engine.search(q, lang, limit=limit, store=_store(store))
    return [
        ResultOut(slug=r.slug, lang=r.language, title=r.title, score=round(r.score, 4), snippet=r.snippet)
        for r in results
    ]


class HelpPassageOut(Schema):
    slug: str
    lang: str
    title: str
    html: str  # the passage, escaped, the query's words in <mark>


class HelpAnswerOut(Schema):
    answer: HelpPassageOut | None  # None when nothing was found
    did_you_mean: str | None  # the query spelled with the articles' words, when some were unknown


@router.get("/answer", response=HelpAnswerOut, summary="The passage that answers a question")
def answer(
    request: HttpRequest,
    q: str = Query(..., max_length=200),  # type: ignore[type-arg]
    lang: Language = "en",
    store: str = Query("", max_length=64),  # type: ignore[type-arg]
) -> HelpAnswerOut:
    """The passage of the best article (of the store's, and the shared ones) that answers ``q``, and
    "did you mean" for its misspellings: what the results page shows above its list."""
    reader = _store(store)
    best = next(iter(engine.search(q, lang, limit=1, store=reader)), None)
    html = engine.answer(q, best, reader) if best is not None else None
    found = (
        HelpPassageOut(slug=best.slug, lang=best.language, title=best.title, html=html)
        if best is not None and html is not None
        else None
    )
    fixed = engine.did_you_mean(q, lang, reader) if q.strip() else None
    return HelpAnswerOut(answer=found, did_you_mean=fixed)


@router.get("/articles", response=list[ArticleSummary], summary="Published articles")
def articles(
    request: HttpRequest,
    lang: Language = "en",
    store: str = Query("", max_length=64),  # type: ignore[type-arg]
) -> list[ArticleSummary]:
    language = lang
    published = reading.listed(_store(store))
    named = reading.titles(language, published)
    return [
        ArticleSummary(slug=a.slug, category=a.category.slug, title=named.get(a.pk, a.slug), lang=language)
        for a in published
    ]


@router.get("/articles/{slug}", response=ArticleOut, summary="One article, rendered")
def article(
    request: HttpRequest,
    slug: str,
    lang: Language = "en",
    store: str = Query("", max_length=64),  # type: ignore[type-arg]
) -> ArticleOut:
    page = reading.translation(slug, lang, _store(store))
    t = page.translation
    return ArticleOut(
        slug=page.article.slug,
        category=page.article.category.slug,
        lang=t.language,
        title=t.title,
        tags=list(t.tags),
        html=t.html,
        headings=[HeadingOut(level=h.level, text=h.text, anchor=h.anchor) for h in page.headings],
        updated_at=t.updated_at,
    )
