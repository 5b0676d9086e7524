"""The rollup's product cells (pure): a catalogue product's kept per seller and category alone (its
category's figures are the sums of its sellers' cells), an SKU's in their own dimension and per
category too, a line with neither in none."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from retour.insights.domain import metrics, rollup
from retour.insights.domain.metrics import Line, Order, ReturnedLine, ReturnRecord

pytestmark = pytest.mark.unit

D = Decimal
PARIS = ZoneInfo("Europe/Paris")
DAY = date(2026, 3, 2)
ORDER = Order(
    1,
    datetime(2026, 3, 2, 12, tzinfo=PARIS),
    (
        Line(11, 2, D("100.00"), "apparel", "acme"),
        Line(12, 1, D("30.00"), "apparel", "zest"),
        Line(13, 1, D("20.00"), "shoes", "acme"),
        Line(14, 1, D("10.00"), "shoes", "zest"),
        Line(15, 1, D("5.00"), "shoes", ""),
    ),
    False,
    (True,),
)
RETURN = ReturnRecord(
    1,
    metrics.REFUNDED,
    (
        ReturnedLine(11, 1, "size_fit", "refund", D("50.00")),
        ReturnedLine(12, 1, "defective", "refund", D("30.00")),
        ReturnedLine(14, 1, "defective", "refund", D("10.00")),
    ),
    received=True,
    refunded=D("90.00"),
)
# Catalogue product 7 sold by two sellers (a marketplace offer of the store's product), an SKU sold by
# two sellers, and a line with neither.
PRODUCTS = {11: "7", 12: "7", 13: "sku:RUN", 14: "sku:RUN", 15: ""}


def _cells() -> rollup.Cells:
    return rollup.build([ORDER], [RETURN], PARIS, {}, PRODUCTS)


def _named(dimension: str) -> dict[tuple[str, int, str, str], rollup.Cell]:
    return {
        (key.key, key.level, key.category, key.seller): cell
        for key, cell in _cells().items()
        if key.dimension == dimension
    }


def test_a_catalogue_products_cells_are_kept_per_seller_and_category_only():
    products = _named(rollup.PRODUCT)
    assert set(products) == {("7", rollup.LINE, "apparel", "acme"), ("7", rollup.LINE, "apparel", "zest")}
    acme = products["7", rollup.LINE, "apparel", "acme"]
    assert (acme.units, acme.value) == (2, D("100.00"))
    assert (acme.returned_units, acme.returned_value) == (1, D("50.00"))


def test_a_catalogue_products_sellers_cells_sum_to_its_categorys_units_and_values():
    cells = _cells()
    apparel = cells[rollup.CellKey(DAY, rollup.TOTAL, "", rollup.CATEGORY, "apparel", "")]
    product = rollup.total(_named(rollup.PRODUCT).values())
    sold = (product.units, product.value, product.returned_units, product.returned_value)
    assert sold == (apparel.units, apparel.value, apparel.returned_units, apparel.returned_value)
    assert sold == (3, D("130.00"), 2, D("80.00"))


def test_an_skus_cells_are_kept_per_seller_and_per_category_in_their_own_dimension():
    skus = _named(rollup.SKU)
    assert set(skus) == {
        ("sku:RUN", rollup.LINE, "shoes", "acme"),
        ("sku:RUN", rollup.LINE, "shoes", "zest"),
        ("sku:RUN", rollup.CATEGORY, "shoes", ""),
    }
    shoes = skus["sku:RUN", rollup.CATEGORY, "shoes", ""]
    assert (shoes.orders, shoes.units, shoes.value) == (1, 2, D("30.00"))
    assert (shoes.returned_orders, shoes.returned_units, shoes.returned_value) == (1, 1, D("10.00"))


def test_a_line_without_product_or_sku_has_no_product_cells():
    keys = {key for dimension in (rollup.PRODUCT, rollup.SKU) for key, *_scope in _named(dimension)}
    assert keys == {"7", "sku:RUN"}
    assert rollup.product_scopes("shoes", "", "") == ()
