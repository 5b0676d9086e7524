"""Saving articles (from files or the admin) with their rendered HTML and a revision per change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from retour.core.errors import DomainError
from retour.helpcenter.domain.frontmatter import ArticleFile, BadArticle, parse
from retour.helpcenter.domain.markdown import render
from retour.helpcenter.models import Article, Category, Revision, Translation

MAX_FILE_BYTES = 1_000_000
# The demo's help center, shipped in the package: 20 articles in English and French (sample/README.md).
SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample"
CATEGORY_TITLES = {
    "starting-a-return": ("Starting a return", "Faire un retour"),
    "refunds": ("Refunds", "Remboursements"),
    "exchanges-and-replacements": ("Exchanges and replacements", "Échanges et remplacements"),
    "shipping-and-labels": ("Shipping and labels", "Envoi et étiquettes"),
    "policies-and-eligibility": ("Policies and eligibility", "Conditions de retour"),
    "marketplace-sellers": ("Marketplace sellers", "Vendeurs de la place de marché"),
    "account-and-privacy": ("Account and privacy", "Compte et confidentialité"),
}


class ImportRefused(DomainError):
    code = "helpcenter_import_refused"
    status = 422


def problem_text(error: BadArticle) -> str:
    messages = {
        "no_front_matter": _("%(name)s: no front matter (a YAML block between --- lines)."),
        "bad_yaml": _("%(name)s: the front matter is not valid YAML (%(detail)s)."),
        "not_mapping": _("%(name)s: the front matter is not a list of fields."),
        "missing": _("%(name)s: missing %(detail)s."),
        "bad_lang": _("%(name)s: lang is en or fr, not %(detail)s."),
        "bad_tags": _("%(name)s: tags must be a list."),
        "bad_questions": _("%(name)s: questions must be a list."),
    }
    return messages.get(error.problem, "%(name)s: %(detail)s") % {"name": error.name, "detail": error.detail}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def read_folder(folder: Path) -> tuple[list[ArticleFile], list[str]]:
    """Every ``<lang>/<slug>.md`` below ``folder``, parsed; the problems, one per bad file."""
    files, problems = [], []
    for path in sorted(folder.glob("*/*.md")):
        name = str(path.relative_to(folder))
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.append(_("%(name)s: larger than 1 MB.") % {"name": name})
            continue
        try:
            article = parse(path.read_text(encoding="utf-8"), name=name)
        except UnicodeDecodeError:
            problems.append(_("%(name)s: not UTF-8 text.") % {"name": name})
            continue
        except BadArticle as error:
            problems.append(problem_text(error))
            continue
        if article.slug != path.stem or article.language != path.parent.name:
            problems.append(
                _("%(name)s: slug and lang must match the file's name and folder.") % {"name": name}
            )
            continue
        files.append(article)
    if not files and not problems:
        problems.append(_("No article found: expected files like en/<slug>.md and fr/<slug>.md."))
    return files, problems


def save_translation(
    article: Article,
    language: str,
    title: str,
    tags: Sequence[str],
    body: str,
    *,
    source: str,
    author: Any = None,
    questions: Sequence[str] | None = None,
) -> str:
    """Create or update one translation; returns created, updated or unchanged. A change is a revision.
    ``questions`` None keeps the translation's questions this answers."""
    html, _headings = render(body)
    existing = Translation.objects.filter(article=article, language=language).first()
    if questions is None:
        questions = list(existing.questions) if existing is not None else []
    questions = [str(q).strip() for q in questions if str(q).strip()]
    if existing is not None and (
        existing.title,
        list(existing.tags),
        existing.body,
        list(existing.questions),
    ) == (title, list(tags), body, questions):
        return "unchanged"
    if existing is None:
        existing = Translation.objects.create(
            article=article,
            language=language,
            title=title,
            tags=list(tags),
            questions=questions,
            body=body,
            html=html,
        )
        outcome = "created"
    else:
        existing.title, existing.tags, existing.body, existing.html = title, list(tags), body, html
        existing.questions = questions
        existing.save()
        outcome = "updated"
    Revision.objects.create(
        translation=existing,
        title=title,
        tags=list(tags),
        questions=questions,
        body=body,
        source=source,
        author=author,
    )
    Article.objects.filter(pk=article.pk).update(updated_at=existing.updated_at)
    return outcome


def import_folder(folder: Path) -> ImportReport:
    """All or nothing: a folder with a bad file imports none of it. Importing again changes nothing."""
    files, problems = read_folder(folder)
    report = ImportReport(errors=problems)
    if problems:
        return report
    with transaction.atomic():
        for position, slug in enumerate(sorted({f.category for f in files})):
            en, fr = CATEGORY_TITLES.get(slug, (slug.replace("-", " ").capitalize(),) * 2)
            Category.objects.get_or_create(
                slug=slug, defaults={"title_en": en, "title_fr": fr, "position": position}
            )
        categories = {c.slug: c for c in Category.objects.all()}
        for item in files:
            # A folder holds the shared articles; a store's own version with the same slug is left alone.
            article, _created = Article.objects.get_or_create(
                slug=item.slug, store=None, defaults={"category": categories[item.category]}
            )
            if article.category_id != categories[item.category].pk:
                Article.objects.filter(pk=article.pk).update(category=categories[item.category])
            outcome = save_translation(
                article,
                item.language,
                item.title,
                item.tags,
                item.body,
                source="import",
                questions=item.questions,
            )
            setattr(report, outcome, getattr(report, outcome) + 1)
    from retour.helpcenter.search import invalidate

    invalidate()
    return report
