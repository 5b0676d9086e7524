from __future__ import annotations

from django.contrib import admin

from retour.orders.models import Customer, Order, OrderLine, Payment, Shipment


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
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
class OrderAdmin(admin.ModelAdmin[Order]):
    list_display = [
        "number",
        "ordered_at",
        "email",
        "currency",
        "total",
        "financial_status",
        "fulfillment_status",
        "shipping_country",
        "store",
    ]
    list_filter = ["store", "financial_status", "fulfillment_status", "currency", "is_gift", "source"]
    search_fields = ["number", "email", "external_id"]
    date_hierarchy = "ordered_at"
    raw_id_fields = ["customer"]
    readonly_fields = ["content_hash", "imported_at", "updated_at"]
    inlines = [OrderLineInline, PaymentInline, ShipmentInline]
    show_full_result_count = False


@admin.register(OrderLine)
class OrderLineAdmin(admin.ModelAdmin[OrderLine]):
    list_display = ["order", "position", "title", "sku", "seller", "quantity", "unit_price"]
    search_fields = ["order__number", "sku", "title"]
    list_select_related = ["order", "seller"]
    raw_id_fields = ["order", "product", "variant", "seller", "shipment"]
    show_full_result_count = False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin[Payment]):
    list_display = ["order", "method", "gateway", "amount", "captured_at"]
    search_fields = ["order__number", "reference"]
    list_select_related = ["order"]
    raw_id_fields = ["order"]
    show_full_result_count = False


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin[Shipment]):
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
