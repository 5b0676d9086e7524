"""Storing imported orders: exact totals, idempotent re-imports, updates in place, all or nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from factories import ShopifyExport, json_line, json_order
from retour.catalog.models import Category, Product, Seller, Store, Variant
from retour.core.aggregates import AmountSum
from retour.orders.importers import json_orders, shopify_csv
from retour.orders.models import Customer, Order, OrderLine, Payment, Shipment
from retour.orders.services.importing import ImportReport, import_orders

pytestmark = pytest.mark.django_db

FOREZIA_TOTAL = Decimal("14089.04")


def import_export(store: Store, export: ShopifyExport, **options: Any) -> ImportReport:
    return import_orders(store, shopify_csv.read(export.stream()), **options)


def import_json(store: Store, *orders: dict[str, Any]) -> ImportReport:
    return import_orders(store, [json_orders.parse_one(order, row) for row, order in enumerate(orders, 1)])


def counts() -> dict[str, int]:
    models = (Order, OrderLine, Customer, Payment, Shipment, Product, Variant)
    return {model.__name__: model.objects.count() for model in models}


def ids(store: Store) -> dict[str, list[int]]:
    return {
        "orders": list(Order.objects.filter(store=store).order_by("pk").values_list("pk", flat=True)),
        "lines": list(
            OrderLine.objects.filter(order__store=store).order_by("pk").values_list("pk", flat=True)
        ),
        "payments": list(
            Payment.objects.filter(order__store=store).order_by("pk").values_list("pk", flat=True)
        ),
        "shipments": list(
            Shipment.objects.filter(order__store=store).order_by("pk").values_list("pk", flat=True)
        ),
    }


@pytest.fixture
def export(forezia_csv: Path) -> ShopifyExport:
    return ShopifyExport.read(forezia_csv)


@pytest.fixture
def imported(store: Store, export: ShopifyExport) -> ImportReport:
    report = import_export(store, export)
    assert report.ok, report.errors
    return report


# A real export


def test_importing_the_forezia_export_creates_its_orders_and_lines(imported: ImportReport):
    assert (imported.created, imported.updated, imported.unchanged, imported.lines) == (19, 0, 0, 40)
    assert Order.objects.count() == 19
    assert OrderLine.objects.count() == 40
    assert Shipment.objects.count() == 16  # every order with a fulfilled line
    assert Payment.objects.count() == 18  # all but the pending #1013


def test_orders_with_an_email_get_a_customer_and_the_others_none(store: Store, imported: ImportReport):
    assert set(Customer.objects.values_list("email", flat=True)) == {
        "ayumu.hirano@example.com",
        "karine.ruby@example.com",
        "russel.winfield@example.com",
    }
    assert not Order.objects.filter(email="", customer__isnull=False).exists()
    assert Order.objects.filter(customer__isnull=True).count() == 10
    russell = Customer.objects.get(email="russel.winfield@example.com")
    assert sorted(russell.orders.values_list("number", flat=True)) == ["#1008", "#1009", "#1016"]
    assert (russell.store, russell.first_name, russell.last_name) == (store, "Russell", "Winfield")


def test_the_stored_totals_are_the_totals_of_the_file(imported: ImportReport, export: ShopifyExport):
    assert Order.objects.aggregate(total=AmountSum("total"))["total"] == FOREZIA_TOTAL
    stored = dict(Order.objects.values_list("number", "total"))
    for number, total in stored.items():
        assert total == Decimal(export.get(export.rows_of(number)[0], "Total")), number


def test_each_order_total_is_the_sum_of_its_lines(imported: ImportReport):
    for order in Order.objects.prefetch_related("lines"):
        assert sum(line.net + line.tax for line in order.lines.all()) + order.shipping == order.total


def test_an_outstanding_balance_is_left_out_of_the_captured_payment(imported: ImportReport):
    order = Order.objects.get(number="#1008")
    assert [(p.method, p.amount) for p in order.payments.all()] == [("manual", Decimal("189.79"))]
    assert not Order.objects.get(number="#1013").payments.exists()


def test_fulfilled_lines_point_to_the_order_shipment(imported: ImportReport):
    order = Order.objects.get(number="#1011")
    [shipment] = order.shipments.all()
    lines = list(order.lines.order_by("position"))
    assert [line.shipment_id for line in lines] == [None, shipment.pk, shipment.pk, shipment.pk]
    assert [line.fulfilled_quantity for line in lines] == [0, 1, 1, 1]


def test_lines_with_the_same_sku_share_one_product(imported: ImportReport):
    variant = Variant.objects.get(sku="sku-untracked-1")
    lines = OrderLine.objects.filter(sku="sku-untracked-1")
    assert sorted(lines.values_list("order__number", flat=True)) == ["#1006", "#1012"]
    assert {(line.product_id, line.variant_id) for line in lines} == {(variant.product_id, variant.pk)}


def test_lines_of_the_store_are_sold_by_the_store_itself(store: Store, imported: ImportReport):
    [seller] = Seller.objects.filter(store=store)
    assert (seller.code, seller.kind) == (store.code, Seller.Kind.STORE)
    assert set(OrderLine.objects.values_list("seller_id", flat=True)) == {seller.pk}


# Importing again


def test_reimporting_the_same_export_changes_nothing(
    store: Store, export: ShopifyExport, imported: ImportReport
):
    before_counts, before_ids = counts(), ids(store)
    hashes = dict(Order.objects.values_list("number", "content_hash"))
    report = import_export(store, export)
    assert (report.created, report.updated, report.unchanged, report.lines) == (0, 0, 19, 0)
    assert (counts(), ids(store)) == (before_counts, before_ids)
    assert dict(Order.objects.values_list("number", "content_hash")) == hashes


def test_orders_that_moved_in_a_new_export_are_unchanged(
    store: Store, export: ShopifyExport, imported: ImportReport
):
    numbers = dict.fromkeys(row[export.column("Name")] for row in export.rows)
    groups = [[export.row(n) for n in export.rows_of(number)] for number in numbers]
    export.rows = [row for group in reversed(groups) for row in group]  # newest order first
    report = import_export(store, export)
    assert (report.updated, report.unchanged) == (0, 19)


def test_an_order_fulfilled_since_the_last_export_is_updated_in_place(
    store: Store, export: ShopifyExport, imported: ImportReport
):
    order = Order.objects.get(number="#1019")
    imported_at = order.updated_at
    line_ids = list(order.lines.order_by("position").values_list("pk", flat=True))
    rows = export.rows_of("#1019")
    export.set(rows[0], "Fulfillment Status", "fulfilled")
    export.set(rows[0], "Fulfilled at", "2025-05-18 10:00:00 -0400")
    for row in rows:
        export.set(row, "Lineitem fulfillment status", "fulfilled")

    report = import_export(store, export)

    assert (report.created, report.updated, report.unchanged, report.lines) == (0, 1, 18, 4)
    order.refresh_from_db()
    assert order.fulfillment_status == "fulfilled"
    assert order.updated_at > imported_at
    [shipment] = order.shipments.all()
    assert shipment.shipped_at is not None
    assert shipment.shipped_at.isoformat() == "2025-05-18T14:00:00+00:00"
    lines = list(order.lines.order_by("position"))
    assert [line.pk for line in lines] == line_ids
    assert {(line.fulfilled_quantity, line.shipment_id) for line in lines} == {(1, shipment.pk)}
    assert Order.objects.count() == 19


def test_a_repriced_order_is_updated_with_its_payment(
    store: Store, export: ShopifyExport, imported: ImportReport
):
    order = Order.objects.get(number="#1014")
    payment_id = order.payments.get().pk
    [row] = export.rows_of("#1014")
    for column in ("Subtotal", "Total", "Lineitem price"):
        export.set(row, column, "90.00")

    report = import_export(store, export)

    assert (report.updated, report.unchanged) == (1, 18)
    order.refresh_from_db()
    assert (order.subtotal, order.total) == (Decimal("90.00"), Decimal("90.00"))
    assert order.lines.get().unit_price == Decimal("90.00")
    assert [(p.pk, p.amount) for p in order.payments.all()] == [(payment_id, Decimal("90.00"))]
    assert Order.objects.aggregate(total=AmountSum("total"))["total"] == FOREZIA_TOTAL - 10


def test_lines_payments_and_shipments_that_are_gone_are_removed(store: Store):
    shipped = json_order(
        lines=[json_line(shipment=0, fulfilled_quantity=1), json_line(title="Wax")],
        payments=[{"method": "card", "amount": "20.00"}],
        shipments=[{"carrier": "Colissimo", "tracking_number": "6A123"}],
    )
    assert import_json(store, shipped).created == 1
    report = import_json(store, json_order())
    assert report.updated == 1
    order = Order.objects.get()
    assert [line.title for line in order.lines.all()] == ["Snowboard"]
    assert not order.payments.exists()
    assert not order.shipments.exists()


# What an update may not change


def test_an_export_of_another_store_is_refused_rather_than_written_over_its_orders(
    store: Store, imported: ImportReport, creyox_csv: Path
):
    """creyox's #1001 and #1002 are INR orders of another shop; the store's own are EUR."""
    before_counts, before_ids = counts(), ids(store)
    hashes = dict(Order.objects.values_list("number", "content_hash"))

    report = import_export(store, ShopifyExport.read(creyox_csv))

    assert [(error.row, error.column) for error in report.errors] == [(2, "Currency"), (3, "Currency")]
    assert str(report.errors[1]) == (
        "row 3, column Currency: order #1001 is already stored in EUR; an import cannot change its "
        "currency to INR (is this another store's file?)"
    )
    assert (report.created, report.updated, report.unchanged, report.lines) == (0, 0, 0, 0)
    assert (counts(), ids(store)) == (before_counts, before_ids)
    assert dict(Order.objects.values_list("number", "content_hash")) == hashes
    assert set(Order.objects.values_list("currency", flat=True)) == {"EUR"}


def test_an_order_given_to_another_customer_is_refused(store: Store):
    assert import_json(store, json_order()).created == 1
    other = json_order(customer={"email": "Someone.Else@example.com"}, shipping="5.00")
    report = import_json(store, other)
    assert [(error.row, error.column) for error in report.errors] == [(1, "customer.email")]
    assert "ayumu@example.com" in report.errors[0].message
    assert "someone.else@example.com" in report.errors[0].message
    order = Order.objects.get()
    assert (order.email, order.shipping) == ("ayumu@example.com", 0)
    assert set(Customer.objects.values_list("email", flat=True)) == {"ayumu@example.com"}


def test_an_update_may_add_an_email_change_its_case_or_leave_it_out(store: Store):
    assert import_json(store, json_order(customer=None)).created == 1
    assert import_json(store, json_order(shipping="1.00")).updated == 1
    assert Order.objects.get().email == "ayumu@example.com"
    same_in_capitals = json_order(customer={"email": "AYUMU@example.com"}, shipping="2.00")
    assert import_json(store, same_in_capitals).updated == 1
    assert import_json(store, json_order(customer=None, shipping="3.00")).updated == 1  # erased by the shop
    assert Order.objects.get().shipping == Decimal("3.00")


def test_the_same_order_twice_in_a_file_with_two_currencies_is_refused(store: Store):
    report = import_json(store, json_order(), json_order(number="R-2"), json_order(currency="USD"))
    assert [(error.row, error.column) for error in report.errors] == [(3, "currency")]
    assert not Order.objects.exists()


def test_every_order_of_another_store_is_reported_even_after_a_bad_row(
    store: Store, export: ShopifyExport, imported: ImportReport
):
    export.set(3, "Lineitem price", "1025,00")  # in #1001, the first batch
    export.set(38, "Currency", "USD")  # #1019, in the last batch, read when nothing is written any more
    report = import_export(store, export, batch_size=5)
    assert [(error.row, error.column) for error in report.errors] == [(3, "Lineitem price"), (38, "Currency")]
    assert Order.objects.get(number="#1019").currency == "EUR"


# All or nothing


def test_a_file_with_a_bad_row_at_the_end_imports_nothing(store: Store, export: ShopifyExport):
    export.set(41, "Lineitem price", "1025,00")
    report = import_export(store, export, batch_size=5)  # earlier batches are written, then rolled back
    assert [(error.row, error.column) for error in report.errors] == [(41, "Lineitem price")]
    assert (report.created, report.updated, report.unchanged, report.lines) == (0, 0, 0, 0)
    assert counts() == dict.fromkeys(counts(), 0)


def test_a_bad_reimport_leaves_the_earlier_import_as_it_was(
    store: Store, export: ShopifyExport, imported: ImportReport
):
    before_counts, before_ids = counts(), ids(store)
    export.set(rows := export.rows_of("#1019")[0], "Fulfillment Status", "fulfilled")
    export.set(rows, "Currency", "XXY")
    report = import_export(store, export)
    assert [(error.row, error.column) for error in report.errors] == [(38, "Currency")]
    assert (counts(), ids(store)) == (before_counts, before_ids)
    assert Order.objects.get(number="#1019").fulfillment_status == "unfulfilled"


def test_every_bad_record_is_reported(store: Store):
    report = import_json(store, json_order(number="A"), json_order(currency="EUX"), json_order(total="1.00"))
    assert [(error.row, error.column) for error in report.errors] == [(2, "currency"), (3, "total")]
    assert not Order.objects.exists()


# Stores, sellers, categories, amounts


def test_the_same_order_number_in_two_stores_is_two_orders(
    store: Store, other_store: Store, export: ShopifyExport, creyox_csv: Path
):
    assert import_export(store, export).created == 19
    assert import_export(other_store, ShopifyExport.read(creyox_csv)).created == 2
    assert Order.objects.filter(number="#1001").count() == 2
    assert Order.objects.get(store=other_store, number="#1001").total == Decimal("109.00")
    assert Order.objects.get(store=store, number="#1001").total == Decimal("1659.95")
    assert Customer.objects.filter(store=other_store).count() == 2


def test_discounts_and_tax_are_stored_per_line(store: Store):
    lines = [
        json_line(unit_price="30.00", discount="5.00"),
        json_line(title="Wax", unit_price="10.00", quantity=2),
        json_line(title="Gift card", unit_price="25.00", taxable=False),
    ]
    report = import_json(store, json_order(lines=lines, order_discount="7.00", tax="4.05", shipping="4.90"))
    assert report.created == 1
    order = Order.objects.get()
    assert (order.subtotal, order.discount, order.tax, order.total) == (
        Decimal("63.00"),
        Decimal("12.00"),
        Decimal("4.05"),
        Decimal("71.95"),
    )
    stored = list(order.lines.values_list("line_discount", "order_discount_share", "tax"))
    assert stored == [
        (Decimal("5.00"), Decimal("2.50"), Decimal("2.25")),
        (Decimal("0.00"), Decimal("2.00"), Decimal("1.80")),
        (Decimal("0.00"), Decimal("2.50"), Decimal("0.00")),
    ]


def test_a_marketplace_order_creates_its_seller_category_shipment_and_payment(store: Store):
    order = json_order(
        lines=[
            json_line(
                sku="NB-154",
                seller="nordic-boards",
                seller_name="Nordic Boards",
                category="snow-boards",
                shipment=0,
                fulfilled_quantity=1,
            ),
        ],
        payments=[{"method": "card", "gateway": "stripe", "amount": "10.00", "reference": "ch_1"}],
        shipments=[
            {
                "carrier": "DHL",
                "tracking_number": "JD0146",
                "shipped_at": "2025-05-12T08:00:00+02:00",
                "delivered_at": "2025-05-14T16:30:00+02:00",
                "estimated_delivery_latest": "2025-05-15",
            }
        ],
        fulfillment_status="fulfilled",
    )
    assert import_json(store, order).created == 1

    seller = Seller.objects.get(store=store, code="nordic-boards")
    assert (seller.name, seller.kind) == ("Nordic Boards", Seller.Kind.MARKETPLACE)
    category = Category.objects.get(store=store, slug="snow-boards")
    assert category.name_en == "Snow Boards"
    line = OrderLine.objects.get()
    assert (line.seller, line.product.seller, line.product.category) == (seller, seller, category)
    assert line.variant is not None
    assert line.variant.sku == "NB-154"
    shipment = Shipment.objects.get()
    assert line.shipment == shipment
    assert (shipment.carrier, shipment.tracking_number, str(shipment.estimated_delivery_latest)) == (
        "DHL",
        "JD0146",
        "2025-05-15",
    )
    assert shipment.delivered_at is not None
    assert shipment.delivered_at.isoformat() == "2025-05-14T14:30:00+00:00"
    payment = Payment.objects.get()
    assert (payment.method, payment.gateway, payment.amount, payment.reference) == (
        "card",
        "stripe",
        Decimal("10.00"),
        "ch_1",
    )


def test_a_known_seller_is_reused(store: Store):
    line = json_line(seller="nordic-boards", seller_name="Nordic Boards")
    import_json(store, json_order(number="A", lines=[line]), json_order(number="B", lines=[line]))
    assert Seller.objects.filter(store=store, kind=Seller.Kind.MARKETPLACE).count() == 1
    assert OrderLine.objects.filter(seller__code="nordic-boards").count() == 2


def test_yen_orders_keep_whole_amounts(store: Store):
    report = import_json(store, json_order(currency="JPY", lines=[json_line(unit_price="1500", quantity=3)]))
    assert report.created == 1
    order = Order.objects.get()
    assert (order.currency, order.total) == ("JPY", Decimal(4500))
    assert str(order.money(order.total)) == "4500 JPY"
