"""Refunds in the admin: read-only (money moves only through the services); manual refunds confirmed and
manual charges marked collected here; store-credit and gift-card balances shown; the store's delivery
prices set here."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.backoffice.access import StoreScoped
from retour.core.admin import ReadOnly
from retour.core.display import amount, amount_column, label_column, labelled_filter, time_column
from retour.core.errors import DomainError
from retour.refunds import admin_returns
from retour.refunds.admin_returns import GATEWAY_LABELS
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

METHOD_LABELS = {
    "original": gettext_lazy("original payment"),
    "store_credit": gettext_lazy("store credit"),
}
MOVEMENT_LABELS = {
    "refund": gettext_lazy("refund"),
    "bonus": gettext_lazy("bonus"),
    "used": gettext_lazy("used"),
    "expired": gettext_lazy("expired"),
}


def _order_zone(row: Any) -> Any:
    return row.order.store.zone


class RefundInline(ReadOnly, admin.TabularInline[Refund, RefundRequest]):
    model = Refund
    extra = 0
    fields = [
        "gateway_label",
        "payment",
        "paid",
        "bonus_paid",
        "status",
        "provider_reference",
        "attempts",
        "last_error",
    ]
    readonly_fields = fields  # type: ignore[assignment]

    paid = amount_column("amount", gettext_lazy("amount"))
    bonus_paid = amount_column("bonus", gettext_lazy("store-credit bonus"))
    gateway_label = label_column("gateway", gettext_lazy("gateway"), GATEWAY_LABELS)


@admin.register(RefundRequest)
class RefundRequestAdmin(StoreScoped[RefundRequest], ReadOnly, admin.ModelAdmin[RefundRequest]):
    list_display = [
        "ret",
        "method_label",
        "requested_amount",
        "fees_kept",
        "requested",
        "paid_on",
        "legal_due_on",
        "days_late",
        "surcharge",
        "requested_by",
    ]
    list_filter = [labelled_filter("method", gettext_lazy("method"), METHOD_LABELS), "late_surcharge_rule"]
    list_select_related = ["ret", "store", "requested_by"]
    search_fields = ["ret__number", "idempotency_key"]
    inlines = [RefundInline]
    exclude = ["amount", "fees", "late_surcharge", "method", "created_at"]
    readonly_fields = ["method_label", "requested_amount", "fees_kept", "surcharge", "requested"]

    method_label = label_column("method", gettext_lazy("method"), METHOD_LABELS)
    requested_amount = amount_column("amount", gettext_lazy("amount"))
    fees_kept = amount_column("fees", gettext_lazy("fees kept"))
    surcharge = amount_column("late_surcharge", gettext_lazy("late-refund surcharge owed"))
    requested = time_column("created_at", gettext_lazy("created at"), lambda row: row.store.zone)


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
class RefundAdmin(StoreScoped[Refund], ReadOnly, admin.ModelAdmin[Refund]):
    store_path = "order__store"
    list_display = ["id", "order", "gateway_label", "paid", "status", "created", "completed"]
    list_filter = ["status", labelled_filter("gateway", gettext_lazy("gateway"), GATEWAY_LABELS)]
    list_select_related = ["order__store"]
    exclude = ["amount", "bonus", "gateway"]  # shown as a label (read-only) below
    readonly_fields = ["gateway_label", "paid", "bonus_paid", "created", "completed"]

    paid = amount_column("amount", gettext_lazy("amount"))
    bonus_paid = amount_column("bonus", gettext_lazy("store-credit bonus"))
    gateway_label = label_column("gateway", gettext_lazy("gateway"), GATEWAY_LABELS)
    created = time_column("created_at", gettext_lazy("created at"), _order_zone)
    completed = time_column("completed_at", gettext_lazy("completed at"), _order_zone)
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
class ChargeAdmin(StoreScoped[Charge], ReadOnly, admin.ModelAdmin[Charge]):
    store_path = "order__store"
    list_display = [
        "id",
        "order",
        "reason",
        "gateway_label",
        "charged",
        "status",
        "created",
        "completed",
    ]
    list_filter = ["status", labelled_filter("gateway", gettext_lazy("gateway"), GATEWAY_LABELS), "reason"]
    list_select_related = ["order__store"]
    exclude = ["amount", "gateway"]  # shown as a label (read-only) below
    readonly_fields = ["gateway_label", "charged", "created", "completed"]

    charged = amount_column("amount", gettext_lazy("amount"))
    gateway_label = label_column("gateway", gettext_lazy("gateway"), GATEWAY_LABELS)
    created = time_column("created_at", gettext_lazy("created at"), _order_zone)
    completed = time_column("completed_at", gettext_lazy("completed at"), _order_zone)
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
    fields = ["created", "moved", "reason_label", "refund", "reference", "expires_on"]
    readonly_fields = fields  # type: ignore[assignment]

    moved = amount_column("amount", gettext_lazy("amount"), lambda row: row.account.currency)
    reason_label = label_column("reason", gettext_lazy("reason"), MOVEMENT_LABELS)
    created = time_column(
        "created_at", gettext_lazy("created at"), lambda row: row.account.customer.store.zone
    )


@admin.register(StoreCreditAccount)
class StoreCreditAccountAdmin(
    StoreScoped[StoreCreditAccount], ReadOnly, admin.ModelAdmin[StoreCreditAccount]
):
    store_path = "customer__store"
    list_display = ["customer", "currency", "balance"]
    readonly_fields = ["customer", "currency", "balance"]
    search_fields = ["customer__email"]
    inlines = [MovementInline]

    @admin.display(description=gettext_lazy("balance"))
    def balance(self, account: StoreCreditAccount) -> str:
        return amount(store_credit.balance(account.customer, account.currency).amount, account.currency)


class GiftCardMovementInline(ReadOnly, admin.TabularInline[GiftCardMovement, GiftCard]):
    model = GiftCardMovement
    extra = 0
    fields = ["created", "moved", "reason_label", "refund", "reference"]
    readonly_fields = fields  # type: ignore[assignment]

    moved = amount_column("amount", gettext_lazy("amount"), lambda row: row.card.currency)
    reason_label = label_column("reason", gettext_lazy("reason"), MOVEMENT_LABELS)
    created = time_column("created_at", gettext_lazy("created at"), lambda row: row.card.store.zone)


@admin.register(GiftCard)
class GiftCardAdmin(StoreScoped[GiftCard], ReadOnly, admin.ModelAdmin[GiftCard]):
    list_display = ["code", "store", "currency", "balance"]
    readonly_fields = ["code", "store", "currency", "balance"]
    search_fields = ["code"]
    inlines = [GiftCardMovementInline]

    @admin.display(description=gettext_lazy("balance"))
    def balance(self, card: GiftCard) -> str:
        return amount(gift_cards.balance(card).amount, card.currency)


@admin.register(DeliveryPrices)
class DeliveryPricesAdmin(StoreScoped[DeliveryPrices], admin.ModelAdmin[DeliveryPrices]):
    list_display = ["store", "currency", "standard_delivery_price", "return_label_cost"]
    list_filter = ["store"]

    @admin.display(description=gettext_lazy("standard delivery price"))
    def standard_delivery_price(self, prices: DeliveryPrices) -> str:
        return amount(prices.standard_delivery, prices.currency)

    @admin.display(description=gettext_lazy("return label cost"))
    def return_label_cost(self, prices: DeliveryPrices) -> str:
        return amount(prices.return_label, prices.currency)


class EntryInline(ReadOnly, admin.TabularInline[LedgerEntry, LedgerTransaction]):
    model = LedgerEntry
    extra = 0
    fields = ["account", "debit_amount", "credit_amount"]
    readonly_fields = fields  # type: ignore[assignment]

    debit_amount = amount_column("debit", gettext_lazy("debit"), lambda row: row.transaction.currency)
    credit_amount = amount_column("credit", gettext_lazy("credit"), lambda row: row.transaction.currency)


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(StoreScoped[LedgerTransaction], ReadOnly, admin.ModelAdmin[LedgerTransaction]):
    list_display = ["id", "memo", "total", "request", "refund", "charge", "reference", "created", "store"]
    list_filter = ["memo", "currency"]
    list_select_related = ["store", "request__ret", "refund", "charge"]
    inlines = [EntryInline]
    readonly_fields = ["total", "created"]

    created = time_column("created_at", gettext_lazy("created at"), lambda row: row.store.zone)

    @admin.display(description=gettext_lazy("amount"))
    def total(self, row: LedgerTransaction) -> str:
        """What the posting moved: the sum of its debits (equal to its credits)."""
        return amount(sum((entry.debit for entry in row.entries.all()), Decimal(0)), row.currency)

    def get_queryset(self, request: HttpRequest) -> QuerySet[LedgerTransaction]:
        return super().get_queryset(request).prefetch_related("entries")


admin_returns.register(admin.site)
