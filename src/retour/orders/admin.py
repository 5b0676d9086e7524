from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy

from retour.backoffice.access import StoreScoped
from retour.core.display import amount_column, time_column
from retour.orders.addresses import country_name, postal_lines
from retour.orders.models import Customer, Order, OrderLine, Payment, Shipment


@admin.register(Customer)
class CustomerAdmin(StoreScoped[Customer], admin.ModelAdmin[Customer]):
    list_display = [
        "email",
        "first_name",
        "last_name",
        "country",
        "language",
        "is_member",
        "segment",
        "store",
    ]
    list_filter = ["store", "is_member", "segment", "language", "country"]
    search_fields = ["email", "first_name", "last_name", "external_id"]
    show_full_result_count = False


class OrderLineInline(admin.TabularInline[OrderLine, Order]):
    model = OrderLine
    extra = 0
    fields = [
        "position",
        "title",
        "sku",
        "seller",
        "quantity",
        "unit_price",
        "line_discount",
        "order_discount_share",
        "tax",
        "fulfilled_quantity",
        "final_sale",
        "personalised",
    ]
    raw_id_fields = ["product", "variant", "seller", "shipment"]


class PaymentInline(admin.TabularInline[Payment, Order]):
    model = Payment
    extra = 0
    fields = ["position", "method", "gateway", "reference", "amount", "captured_at"]


class ShipmentInline(admin.TabularInline[Shipment, Order]):
    model = Shipment
    extra = 0
    fields = [
        "position",
        "carrier",
        "tracking_number",
        "method",
        "shipped_at",
        "delivered_at",
        "estimated_delivery_latest",
    ]


@admin.register(Order)
class OrderAdmin(StoreScoped[Order], admin.ModelAdmin[Order]):
    list_display = [
        "number",
        "ordered",
        "email",
        "order_total",
        "financial_status",
        "fulfillment_status",
        "shipping_country",
        "store",
    ]
    list_filter = ["store", "financial_status", "fulfillment_status", "currency", "is_gift", "source"]
    search_fields = ["number", "email", "external_id"]
    date_hierarchy = "ordered_at"
    raw_id_fields = ["customer"]
    readonly_fields = ["address_on_label", "content_hash", "imported_at", "updated_at"]
    inlines = [OrderLineInline, PaymentInline, ShipmentInline]
    show_full_result_count = False

    @admin.display(description=gettext_lazy("shipping address, as printed on return labels"))
    def address_on_label(self, order: Order) -> SafeString:
        address = order.shipping_address()
        lines = [*postal_lines(address, country_name(address.country, get_language() or "en"))]
        lines += [order.shipping_phone] if order.shipping_phone else []
        return format_html_join(SafeString("<br>"), "{}", ((line,) for line in lines))

    ordered = time_column("ordered_at", gettext_lazy("ordered at"), lambda order: order.store.zone)
    order_total = amount_column("total", gettext_lazy("total"))


@admin.register(OrderLine)
class OrderLineAdmin(StoreScoped[OrderLine], admin.ModelAdmin[OrderLine]):
    store_path = "order__store"
    list_display = ["order", "position", "title", "sku", "seller", "quantity", "price"]
    price = amount_column("unit_price", gettext_lazy("unit price"), lambda line: line.order.currency)
    search_fields = ["order__number", "sku", "title"]
    list_select_related = ["order", "seller"]
    raw_id_fields = ["order", "product", "variant", "seller", "shipment"]
    show_full_result_count = False


@admin.register(Payment)
class PaymentAdmin(StoreScoped[Payment], admin.ModelAdmin[Payment]):
    store_path = "order__store"
    list_display = ["order", "method", "gateway", "paid", "captured_at"]
    paid = amount_column("amount", gettext_lazy("amount"), lambda payment: payment.order.currency)
    search_fields = ["order__number", "reference"]
    list_select_related = ["order"]
    raw_id_fields = ["order"]
    show_full_result_count = False


@admin.register(Shipment)
class ShipmentAdmin(StoreScoped[Shipment], admin.ModelAdmin[Shipment]):
    store_path = "order__store"
    list_display = [
        "order",
        "carrier",
        "tracking_number",
        "shipped_at",
        "delivered_at",
        "estimated_delivery_latest",
    ]
    search_fields = ["order__number", "tracking_number"]
    list_select_related = ["order"]
    raw_id_fields = ["order"]
    show_full_result_count = False
