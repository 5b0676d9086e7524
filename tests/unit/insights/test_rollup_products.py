"""The rollup's product cells (pure): kept in the LINE scope alone, a category's figures of a product
being the sums of its sellers' cells."""

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
    ),
    received=True,
    refunded=D("80.00"),
)
# The same product (an SKU) sold by two sellers, and another product.
PRODUCTS = {11: "sku:TEE", 12: "sku:TEE", 13: "7"}


def _cells() -> rollup.Cells:
    return rollup.build([ORDER], [RETURN], PARIS, {}, PRODUCTS)


def test_a_products_cells_are_kept_per_seller_and_category_only():
    products = {key: cell for key, cell in _cells().items() if key.dimension == rollup.PRODUCT}
    assert {(key.key, key.level, key.category, key.seller) for key in products} == {
        ("sku:TEE", rollup.LINE, "apparel", "acme"),
        ("sku:TEE", rollup.LINE, "apparel", "zest"),
        ("7", rollup.LINE, "shoes", "acme"),
    }
    acme = products[rollup.CellKey(DAY, rollup.PRODUCT, "sku:TEE", rollup.LINE, "apparel", "acme")]
    assert (acme.units, acme.value) == (2, D("100.00"))
    assert (acme.returned_units, acme.returned_value) == (1, D("50.00"))


def test_a_products_sellers_cells_sum_to_its_categorys_units_and_values():
    cells = _cells()
    apparel = cells[rollup.CellKey(DAY, rollup.TOTAL, "", rollup.CATEGORY, "apparel", "")]
    tee = rollup.total(
        cell for key, cell in cells.items() if key.dimension == rollup.PRODUCT and key.key == "sku:TEE"
    )
    sold = (tee.units, tee.value, tee.returned_units, tee.returned_value)
    assert sold == (apparel.units, apparel.value, apparel.returned_units, apparel.returned_value)
    assert sold == (3, D("130.00"), 2, D("80.00"))
