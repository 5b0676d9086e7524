"""The JSON example in docs/importing-orders.md is a valid order: documentation that cannot rot."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

from retour.orders.importers.json_orders import parse_one
from retour.orders.importers.records import ImportedOrder

DOC = Path(__file__).resolve().parents[3] / "docs" / "importing-orders.md"


def test_the_documented_json_order_imports_with_its_totals() -> None:

    block = re.search(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert block is not None
    record = parse_one(json.loads(block.group(1)), 1)
    assert isinstance(record, ImportedOrder), record
    assert record.total == Decimal("84.85")
    assert sum(line.order_discount_share for line in record.lines) == Decimal("10.00")
    assert [line.seller_code for line in record.lines] == ["", "atelier-durand"]
