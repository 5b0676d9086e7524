"""The help center in the admin: articles with their translations (each save renders the Markdown safely
and keeps a revision), categories, and the synonyms search uses."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import BaseInlineFormSet
from django.http import HttpRequest

from retour.core.admin import ReadOnly
from retour.helpcenter.models import Article, Category, Revision, Synonym, Translation
from retour.helpcenter.services.articles import save_translation


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ["slug", "title_en", "title_fr", "position"]
    list_editable = ["position"]


class TranslationInline(admin.StackedInline[Translation, Article]):
    model = Translation
    extra = 0
    fields = ["language", "title", "tags", "questions", "body"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin[Article]):
    list_display = ["slug", "category", "status", "store", "updated_at"]
    list_filter = ["status", "category", "store"]
    search_fields = ["slug", "translations__title"]
    inlines = [TranslationInline]

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseInlineFormSet[Any, Any, Any], change: bool
    ) -> None:
        if formset.model is not Translation:
            super().save_formset(request, form, formset, change)
            return
        formset.save(commit=False)  # sets new/changed/deleted_objects for the change message; saves nothing
        for inline in formset.forms:
            if not inline.has_changed() or not inline.cleaned_data or inline.cleaned_data.get("DELETE"):
                continue
            data = inline.cleaned_data
            save_translation(
                form.instance, data["language"], data["title"], data.get("tags") or [], data["body"],
                source="admin", author=request.user, questions=data.get("questions") or [],
            )  # fmt: skip
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(Revision)
class RevisionAdmin(ReadOnly, admin.ModelAdmin[Revision]):
    list_display = ["translation", "title", "source", "author", "created_at"]
    list_filter = ["source", "translation__language"]
    search_fields = ["translation__article__slug", "title"]  # one article's history


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin[Synonym]):
    list_display = ["phrase", "means", "language", "updated_at"]
    list_filter = ["language"]
    search_fields = ["phrase", "means"]
