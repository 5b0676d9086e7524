"""Refunds in the admin: read-only (money moves only through the services); manual refunds confirmed and
manual charges marked collected here; store-credit and gift-card balances shown; the store's delivery
prices set here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.core.admin import ReadOnly
from retour.core.errors import DomainError
from retour.core.money import Money
from retour.refunds.models import (
    Charge,
    DeliveryPrices,
    GiftCard,
    GiftCardMovement,
    LedgerEntry,
    LedgerTransaction,
    Refund,
    RefundRequest,
    StoreCreditAccount,
    StoreCreditMovement,
)
from retour.refunds.services import gift_cards, store_credit
from retour.refunds.services.charging import confirm_collected
from retour.refunds.services.paying import confirm_manual


class RefundInline(ReadOnly, admin.TabularInline[Refund, RefundRequest]):
    model = Refund
    extra = 0
    fields = [
        "gateway",
        "payment",
        "amount",
        "bonus",
        "currency",
        "status",
        "provider_reference",
        "attempts",
        "last_error",
    ]
    readonly_fields = fields  # type: ignore[assignment]


@admin.register(RefundRequest)
class RefundRequestAdmin(ReadOnly, admin.ModelAdmin[RefundRequest]):
    list_display = [
        "ret",
        "method",
        "amount",
        "currency",
        "fees",
        "created_at",
        "paid_on",
        "legal_due_on",
        "days_late",
        "late_surcharge",
        "requested_by",
    ]
    list_filter = ["method", "late_surcharge_rule"]
    search_fields = ["ret__number", "idempotency_key"]
    inlines = [RefundInline]


def _run(
    admin_: admin.ModelAdmin[Any], request: HttpRequest, rows: QuerySet[Any], act: Any, done: str
) -> None:
    count = 0
    for row in rows.filter(status="pending"):
        try:
            act(row, actor=request.user)
            count += 1
        except DomainError as error:
            admin_.message_user(request, f"{row.pk}: {error.message}", messages.ERROR)
    admin_.message_user(request, done % {"count": count})


@admin.register(Refund)
class RefundAdmin(ReadOnly, admin.ModelAdmin[Refund]):
    list_display = ["id", "order", "gateway", "amount", "currency", "status", "created_at", "completed_at"]
    list_filter = ["status", "gateway"]
    search_fields = ["order__number", "provider_reference", "request__ret__number"]
    actions = ["confirm_selected"]

    @admin.action(
        description=gettext_lazy("Confirm the money was sent (manual refunds)"), permissions=["refund"]
    )
    def confirm_selected(self, request: HttpRequest, queryset: QuerySet[Refund]) -> None:
        _run(self, request, queryset, confirm_manual, _("Manual refunds confirmed: %(count)d."))

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("returns.refund_return")


@admin.register(Charge)
class ChargeAdmin(ReadOnly, admin.ModelAdmin[Charge]):
    list_display = [
        "id",
        "order",
        "reason",
        "gateway",
        "amount",
        "currency",
        "status",
        "created_at",
        "completed_at",
    ]
    list_filter = ["status", "gateway", "reason"]
    search_fields = ["order__number", "exchange__ret__number", "provider_reference"]
    actions = ["collected_selected"]

    @admin.action(
        description=gettext_lazy("Mark as collected (manual charges the shopper paid)"),
        permissions=["refund"],
    )
    def collected_selected(self, request: HttpRequest, queryset: QuerySet[Charge]) -> None:
        _run(self, request, queryset, confirm_collected, _("Manual charges collected: %(count)d."))

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("returns.refund_return")


class MovementInline(ReadOnly, admin.TabularInline[StoreCreditMovement, StoreCreditAccount]):
    model = StoreCreditMovement
    extra = 0
    fields = ["created_at", "amount", "reason", "refund", "reference", "expires_on"]
    readonly_fields = fields  # type: ignore[assignment]


@admin.register(StoreCreditAccount)
class StoreCreditAccountAdmin(ReadOnly, admin.ModelAdmin[StoreCreditAccount]):
    list_display = ["customer", "currency", "balance"]
    readonly_fields = ["customer", "currency", "balance"]
    search_fields = ["customer__email"]
    inlines = [MovementInline]

    @admin.display(description=gettext_lazy("balance"))
    def balance(self, account: StoreCreditAccount) -> str:
        return store_credit.balance(account.customer, account.currency).format()


class GiftCardMovementInline(ReadOnly, admin.TabularInline[GiftCardMovement, GiftCard]):
    model = GiftCardMovement
    extra = 0
    fields = ["created_at", "amount", "reason", "refund", "reference"]
    readonly_fields = fields  # type: ignore[assignment]


@admin.register(GiftCard)
class GiftCardAdmin(ReadOnly, admin.ModelAdmin[GiftCard]):
    list_display = ["code", "store", "currency", "balance"]
    readonly_fields = ["code", "store", "currency", "balance"]
    search_fields = ["code"]
    inlines = [GiftCardMovementInline]

    @admin.display(description=gettext_lazy("balance"))
    def balance(self, card: GiftCard) -> str:
        return gift_cards.balance(card).format()


@admin.register(DeliveryPrices)
class DeliveryPricesAdmin(admin.ModelAdmin[DeliveryPrices]):
    list_display = ["store", "currency", "standard_delivery_price", "return_label_cost"]
    list_filter = ["store"]

    @admin.display(description=gettext_lazy("standard delivery price"))
    def standard_delivery_price(self, prices: DeliveryPrices) -> str:
        return Money(prices.standard_delivery, prices.currency).format()

    @admin.display(description=gettext_lazy("return label cost"))
    def return_label_cost(self, prices: DeliveryPrices) -> str:
        return Money(prices.return_label, prices.currency).format()


class EntryInline(ReadOnly, admin.TabularInline[LedgerEntry, LedgerTransaction]):
    model = LedgerEntry
    extra = 0
    fields = ["account", "debit", "credit"]
    readonly_fields = fields  # type: ignore[assignment]


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnly, admin.ModelAdmin[LedgerTransaction]):
    list_display = ["id", "memo", "currency", "request", "refund", "charge", "reference", "created_at"]
    list_filter = ["memo", "currency"]
    inlines = [EntryInline]
