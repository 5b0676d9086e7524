"""``/api/v1/help``: the public help center, read-only and rate-limited (per client address)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.throttling import AnonRateThrottle

from retour.core.errors import DomainError
from retour.helpcenter import search as engine
from retour.helpcenter.models import Article
from retour.helpcenter.services import reading

RATE = "120/m"
router = Router(tags=["help center"], auth=None, throttle=[AnonRateThrottle(RATE)])


class BadLanguage(DomainError):
    code = "unsupported_language"
    status = 422


def _language(lang: str) -> str:
    if lang not in ("en", "fr"):
        raise BadLanguage(_("lang is en or fr, not %(lang)s.") % {"lang": lang[:10]})
    return lang


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


@router.get("/search", response=list[ResultOut], summary="Search the help center")
def search(request: HttpRequest, q: str, lang: str = "en", limit: int = 10) -> list[ResultOut]:
    """Best first, up to ``limit`` (1 to 20); the shopper's language first, the other as fallback."""
    results = engine.search(q[:200], _language(lang), limit=max(1, min(limit, 20)))
    return [
        ResultOut(slug=r.slug, lang=r.language, title=r.title, score=round(r.score, 4), snippet=r.snippet)
        for r in results
    ]


@router.get("/articles", response=list[ArticleSummary], summary="Published articles")
def articles(request: HttpRequest, lang: str = "en") -> list[ArticleSummary]:
    language = _language(lang)
    published = list(Article.objects.filter(status=Article.Status.PUBLISHED).select_related("category"))
    named = reading.titles(language, published)
    return [
        ArticleSummary(slug=a.slug, category=a.category.slug, title=named.get(a.pk, a.slug), lang=language)
        for a in published
    ]


@router.get("/articles/{slug}", response=ArticleOut, summary="One article, rendered")
def article(request: HttpRequest, slug: str, lang: str = "en") -> ArticleOut:
    page = reading.translation(slug, _language(lang))
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
