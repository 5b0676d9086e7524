"""Surveys, their answers, opt-outs and product alerts in the back office: read-only (they change only
through the shopper's answer, the opt-out link and the periodic job). The language of each staff
member's alerts is set here."""

from __future__ import annotations

from django.contrib import admin

from retour.backoffice.access import StoreScoped
from retour.core.admin import ReadOnly
from retour.feedback.models import ProductAlert, StaffLanguage, Survey, SurveyAnswer, SurveyOptOut


class AnswerInline(ReadOnly, admin.StackedInline[SurveyAnswer, Survey]):
    model = SurveyAnswer
    fields = ("satisfaction", "would_buy_again", "comment", "channel", "answered_at")
    readonly_fields = fields


@admin.register(Survey)
class SurveyAdmin(ReadOnly, StoreScoped[Survey], admin.ModelAdmin[Survey]):
    list_display = ("ret", "store", "outcome", "email_status", "created_at")
    list_filter = ("store", "outcome", "email_status")
    search_fields = ("ret__number", "email")
    readonly_fields = (
        "ret",
        "store",
        "email",
        "language",
        "outcome",
        "reasons",
        "email_status",
        "emailed_at",
    )
    exclude = ("token",)
    inlines = [AnswerInline]


@admin.register(SurveyOptOut)
class SurveyOptOutAdmin(ReadOnly, StoreScoped[SurveyOptOut], admin.ModelAdmin[SurveyOptOut]):
    list_display = ("email", "store", "at")
    search_fields = ("email",)


@admin.register(ProductAlert)
class ProductAlertAdmin(ReadOnly, StoreScoped[ProductAlert], admin.ModelAdmin[ProductAlert]):
    list_display = (
        "product",
        "store",
        "recent_rate",
        "baseline_rate",
        "opened_at",
        "emailed_at",
        "closed_at",
    )
    list_filter = ("store",)


@admin.register(StaffLanguage)
class StaffLanguageAdmin(admin.ModelAdmin[StaffLanguage]):
    list_display = ("user", "language")
    list_filter = ("language",)
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user",)
