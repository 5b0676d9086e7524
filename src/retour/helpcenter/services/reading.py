"""What the public pages read and record: articles in the reader's language, votes, searches, clicks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from retour.catalog.models import Store
from retour.core.errors import DomainError
from retour.helpcenter import search as engine
from retour.helpcenter.domain.markdown import Heading, render
from retour.helpcenter.domain.overrides import Candidate, preferred, shown
from retour.helpcenter.models import Article, Category, SearchLog, Translation, Vote

MAX_COMMENT = 2000
SEARCH_LIMIT = 10


class ArticleNotFound(DomainError):
    code = "article_not_found"
    status = 404


@dataclass(frozen=True)
class Page:
    article: Article
    translation: Translation
    headings: list[Heading]
    fallback: bool  # not written in the reader's language: shown in the other one


def _published() -> Q:
    return Q(article__status=Article.Status.PUBLISHED)


def shown_in(store: Store | None, prefix: str = "") -> Q:
    """The articles a store's help center shows: the shared ones and its own (no store known: the shared
    ones only)."""
    shared = Q(**{f"{prefix}store__isnull": True})
    return shared if store is None else shared | Q(**{f"{prefix}store": store})


def _articles(store: Store | None) -> QuerySet[Article]:
    """The published articles a store's help center lists: its own, and the shared ones it did not
    override (a published article of its own with the same slug)."""
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    if store is None:
        return published.filter(store__isnull=True)
    own = published.filter(store=store).values("slug")
    return published.filter(Q(store=store) | (Q(store__isnull=True) & ~Q(slug__in=own)))


def listed(store: Store | None) -> list[Article]:
    """The articles ``store``'s help center lists (overridden shared ones left out), with their category."""
    return list(_articles(store).select_related("category"))


def translation(slug: str, language: str, store: Store | None = None) -> Page:
    """The article ``slug`` as ``store``'s help center shows it: the store's own text in the reader's
    language, else the shared one's (per language: ``domain/overrides.py``), else another language."""
    rows = Translation.objects.filter(
        _published(), shown_in(store, "article__"), article__slug=slug
    ).select_related("article__category")
    texts = shown(Candidate(slug, t.language, t.article.store_id is not None, t) for t in rows)
    chosen = preferred({lang: t for (_slug, lang), t in texts.items()}, language)
    if chosen is None:
        raise ArticleNotFound(_("There is no article %(slug)s.") % {"slug": slug})
    _html, headings = render(chosen.body)
    return Page(chosen.article, chosen, headings, chosen.language != language)


def titles(language: str, articles: Sequence[Article]) -> dict[int, str]:
    rows = Translation.objects.filter(article__in=articles).values_list("article_id", "language", "title")
    out: dict[int, str] = {}
    for article_id, lang, title in rows:
        if lang == language or article_id not in out:
            out[article_id] = title
    return out


def categories(language: str, store: Store | None = None) -> list[tuple[Category, list[tuple[Article, str]]]]:
    articles = list(_articles(store).select_related("category"))
    named = titles(language, articles)
    out = []
    for category in Category.objects.all():
        mine = sorted(
            ((a, named.get(a.pk, a.slug)) for a in articles if a.category_id == category.pk),
            key=lambda p: p[1],
        )
        if mine:
            out.append((category, mine))
    return out


def popular(language: str, limit: int = 5, store: Store | None = None) -> list[tuple[Article, str]]:
    """Most found helpful, then read by the most visitors, then most opened from searches."""
    articles = list(
        _articles(store).annotate(
            helpful=Count("votes", filter=Q(votes__helpful=True), distinct=True),
            readers=Count("readings", distinct=True),
        )
    )
    clicks = dict(
        SearchLog.objects.exclude(clicked_slug="")
        .values_list("clicked_slug")
        .annotate(n=Count("id"))
        .values_list("clicked_slug", "n")
    )
    articles.sort(
        key=lambda a: (-getattr(a, "helpful", 0), -getattr(a, "readers", 0), -clicks.get(a.slug, 0), a.slug)
    )
    named = titles(language, articles[:limit])
    return [(a, named.get(a.pk, a.slug)) for a in articles[:limit]]


def related(
    article: Article, language: str, limit: int = 3, store: Store | None = None
) -> list[tuple[Article, str]]:
    """Articles of the same category, then the search engine's nearest by title."""
    same = list(
        _articles(store).filter(category=article.category_id).exclude(pk=article.pk).order_by("slug")[:limit]
    )
    if len(same) < limit:
        page_title = (
            Translation.objects.filter(article=article, language=language)
            .values_list("title", flat=True)
            .first()
        )
        taken = {a.slug for a in same} | {article.slug}
        wanted = [
            h.slug for h in engine.search(page_title or article.slug, language, limit=limit * 4, store=store)
        ]
        wanted = [slug for slug in dict.fromkeys(wanted) if slug not in taken]
        found = {a.slug: a for a in _articles(store).filter(slug__in=wanted)}
        wanted = [slug for slug in wanted if slug in found][: limit - len(same)]
        same += [found[slug] for slug in wanted if slug in found]
    named = titles(language, same)
    return [(a, named.get(a.pk, a.slug)) for a in same]


def vote(
    article: Article,
    language: str,
    visitor: str,
    helpful: bool,
    comment: str = "",
    store: Store | None = None,
) -> Vote:
    """One vote per visitor and article: voting again changes the vote. ``store``: the help center it was
    cast in, for that store's analytics."""
    comment = comment.strip()[:MAX_COMMENT]
    try:
        with transaction.atomic():
            return Vote.objects.create(
                article=article,
                language=language,
                visitor=visitor,
                helpful=helpful,
                comment=comment,
                store=store,
            )
    except IntegrityError:
        Vote.objects.filter(article=article, visitor=visitor).update(
            helpful=helpful, comment=comment, language=language, store=store
        )
        return Vote.objects.get(article=article, visitor=visitor)


def searched(
    query: str, language: str, visitor: str, instant: bool = False, store: Store | None = None
) -> tuple[list[engine.Result], int | None]:
    """Search the articles the store's help center shows and, for a finished search (not each keystroke),
    remember it for the analytics."""
    results = engine.search(query, language, instant=instant, limit=SEARCH_LIMIT, store=store)
    if instant or not query.strip():
        return results, None
    log = SearchLog.objects.create(
        language=language,
        query=query.strip()[:200],
        results=len(results),
        top_slug=results[0].slug if results else "",
        visitor=visitor,
        store=store,
    )
    return results, log.pk


def clicked(log_id: int | None, slug: str, visitor: str) -> None:
    if log_id is not None:
        SearchLog.objects.filter(pk=log_id, visitor=visitor, clicked_slug="").update(clicked_slug=slug)


def by_slugs(slugs: Sequence[str], language: str, store: Store | None = None) -> list[tuple[Article, str]]:
    """The published articles with these slugs the store shows, in that order, each with its title."""
    found = {a.slug: a for a in _articles(store).filter(slug__in=slugs)}
    ordered = [found[slug] for slug in slugs if slug in found]
    names = titles(language, ordered)
    return [(article, names.get(article.pk, article.slug)) for article in ordered]


SUGGESTIONS = 5


def suggestions(query: str, language: str, results: Sequence[engine.Result]) -> list[str]:
    """What to search for, as the shopper types ``query``: the searches other shoppers made that begin
    the same way and led them to open an article (most made first: a search nobody followed is never
    offered), then the titles of the articles found so far."""
    typed = " ".join(query.split())[:200]
    if len(typed) < 2:
        return []
    earlier = (
        SearchLog.objects.filter(language=language, query__istartswith=typed)
        .exclude(clicked_slug="")
        .annotate(normalised=Lower("query"))
        .values("normalised")
        .annotate(n=Count("id"))
        .order_by("-n", "normalised")
        .values_list("normalised", flat=True)[: SUGGESTIONS * 2]
    )
    out = [text for text in earlier if text != typed.lower()]
    out += [result.title for result in results if not result.fallback]
    return list(dict.fromkeys(out))[:SUGGESTIONS]
