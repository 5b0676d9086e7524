"""A store's own version of a shared article: made from the default (same slug, category and texts, so
nothing is missing while staff rewrite it), then edited per language. The default itself never changes:
other stores keep seeing it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from retour.catalog.models import Store
from retour.core.errors import DomainError
from retour.helpcenter import search
from retour.helpcenter.models import Article, Translation
from retour.helpcenter.services.articles import save_translation

LANGUAGES = ("en", "fr")
MAX_TITLE = 200
MAX_BODY = 100_000


class OverrideRefused(DomainError):
    code = "help_override_refused"
    status = 422


class DefaultNotFound(DomainError):
    code = "help_default_not_found"
    status = 404


def defaults() -> list[Article]:
    """The shared articles a store may override."""
    return list(Article.objects.filter(store__isnull=True).select_related("category").order_by("slug"))


def own(store: Store) -> dict[str, Article]:
    """The store's own articles, by slug."""
    return {a.slug: a for a in Article.objects.filter(store=store).order_by("slug")}


def override(slug: str, store: Store, *, author: Any = None) -> tuple[Article, bool]:
    """The store's own article for the shared article ``slug``, made from it if the store had none;
    returns it and whether it was made now (asking twice makes one)."""
    default = Article.objects.filter(slug=slug, store__isnull=True).first()
    if default is None:
        raise DefaultNotFound(_("There is no shared article %(slug)s.") % {"slug": slug})
    with transaction.atomic():
        article, created = Article.objects.get_or_create(
            slug=slug, store=store, defaults={"category_id": default.category_id, "status": default.status}
        )
        if created:
            for text in Translation.objects.filter(article=default).order_by("language"):
                save_translation(
                    article,
                    text.language,
                    text.title,
                    text.tags,
                    text.body,
                    source="override",
                    author=author,
                    questions=text.questions,
                )
    search.invalidate()
    return article, created


def write(
    slug: str, store: Store, texts: dict[str, tuple[str, str]], *, author: Any = None
) -> tuple[Article, bool]:
    """The store's own version of ``slug`` with ``texts`` (language: (title, Markdown)), made from the
    shared article if needed; all or nothing: a bad text changes nothing. Returns it and whether it was
    made now."""
    for language, (title, body) in texts.items():
        check(language, title, body)
    with transaction.atomic():
        article, created = override(slug, store, author=author)
        for language, (title, body) in texts.items():
            edit(article, language, title, body, author=author)
    return article, created


def edit(article: Article, language: str, title: str, body: str, *, author: Any = None) -> str:
    """Change one language of a store's own article; refused, changing nothing, when the text is bad.
    Returns created, updated or unchanged."""
    if article.store_id is None:
        raise OverrideRefused(_("A shared article is edited in the admin, not as a store's own."))
    title, body = check(language, title, body)
    current = Translation.objects.filter(article=article, language=language).first()
    tags = list(current.tags) if current is not None else []
    outcome = save_translation(article, language, title, tags, body, source="override", author=author)
    search.invalidate()
    return outcome


def check(language: str, title: str, body: str) -> tuple[str, str]:
    """The title and text, trimmed; refused with a translated message when one is empty or too long."""
    title, body = title.strip(), body.strip()
    if language not in LANGUAGES:
        raise OverrideRefused(_("The language is en or fr, not %(lang)s.") % {"lang": language})
    if not title or len(title) > MAX_TITLE:
        raise OverrideRefused(_("The title is required, at most 200 characters."))
    if not body or len(body) > MAX_BODY:
        raise OverrideRefused(_("The text is required, at most 100,000 characters."))
    return title, body
