"""`retour import-returns` and `retour report metrics --json` on a small store (specs/returns-metrics.md).

Orders (Europe/Paris, EUR), imported with `retour import-orders --format json`:

- A-1 (3 Feb): SH-M x 2 at 30.00 (apparel, the store) and MUG x 1 at 10.00 (home, seller potter), an
  order discount of 10.00 prorated 8.57 / 1.43: paid 51.43 and 8.57.
- A-2 (10 Feb, prices without tax, 6.00 of tax left out): SH-M x 1 at 30.00 on two lines.
- A-3 (cancelled), A-4 (its parcel not delivered), A-5 (1 March, 00:30 in Paris: outside February).

Past returns: OLD-1 refunded (A-1, SH-M x 1 = 25.72, half of 51.43 rounded half-up), OLD-2 store
credit (A-2, SH-M twice: one unit from each line), OLD-3 rejected (A-1, MUG), OLD-4 on A-5.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from factories import json_line, json_order
from retour.catalog.models import Store
from retour.insights.models import InsightsSettings, PastReturn, PastReturnLine

pytestmark = pytest.mark.django_db

DELIVERED = [{"shipped_at": "2026-02-11T09:00:00+01:00", "delivered_at": "2026-02-12T15:00:00+01:00"}]


def shirt(quantity: int = 1, **extra: Any) -> dict[str, Any]:
    values = {"title": "Shirt M", "sku": "SH-M", "unit_price": "30.00", "category": "apparel"}
    return json_line(quantity=quantity, fulfilled_quantity=quantity, **{**values, **extra})


ORDERS = [
    json_order(
        number="A-1",
        ordered_at="2026-02-03T10:00:00+01:00",
        order_discount="10.00",
        lines=[
            shirt(2),
            json_line(
                title="Mug",
                sku="MUG",
                unit_price="10.00",
                category="home",
                seller="potter",
                fulfilled_quantity=1,
            ),
        ],
        shipments=DELIVERED,
    ),
    json_order(
        number="A-2",
        ordered_at="2026-02-10T10:00:00+01:00",
        tax="6.00",
        lines=[shirt(1), shirt(1)],
        shipments=DELIVERED,
    ),
    json_order(
        number="A-3",
        ordered_at="2026-02-11T10:00:00+01:00",
        cancelled_at="2026-02-11T12:00:00+01:00",
        lines=[shirt(1)],
        shipments=DELIVERED,
    ),
    json_order(
        number="A-4",
        ordered_at="2026-02-12T10:00:00+01:00",
        lines=[shirt(1)],
        shipments=[{"shipped_at": "2026-02-13T09:00:00+01:00"}],
    ),
    json_order(number="A-5", ordered_at="2026-03-01T00:30:00+01:00", lines=[shirt(1)], shipments=DELIVERED),
]


def past(number: str, order: str, status: str, lines: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "number": number,
        "order": order,
        "requested_at": "2026-02-14T10:15:00+01:00",
        "status": status,
        "lines": lines,
        **extra,
    }


def back(
    sku: str, quantity: int, amount: str, reason: str = "size_fit", resolution: str = "refund"
) -> dict[str, Any]:
    return {
        "sku": sku,
        "quantity": quantity,
        "reason": reason,
        "condition": "unopened",
        "resolution": resolution,
        "amount": amount,
    }


GOOD = [
    past(
        "OLD-1",
        "A-1",
        "refunded",
        [back("SH-M", 1, "25.72")],
        received_at="2026-02-17T09:00:00+01:00",
        resolved_at="2026-02-19T16:00:00+01:00",
        refunded="20.77",
        fees_charged="4.95",
        label_cost="5.40",
    ),
    past(
        "OLD-2",
        "A-2",
        "store_credit",
        [
            back("SH-M", 1, "30.00", resolution="store_credit"),
            back("SH-M", 1, "30.00", reason="defective", resolution="exchange"),
        ],
        received_at="2026-02-18T09:00:00+01:00",
        resolved_at="2026-02-20T09:00:00+01:00",
        store_credit="30.00",
    ),
    past("OLD-3", "A-1", "rejected", [back("MUG", 1, "8.57", reason="changed_mind")], label_cost="2.00"),
    past("OLD-4", "A-5", "refunded", [back("SH-M", 1, "30.00")], refunded="30.00", label_cost="9.00"),
]


def write_lines(path: Path, items: list[Any]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def run_failing(*args: str) -> tuple[str, list[str]]:
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(*args, stdout=io.StringIO(), stderr=err)
    return str(failure.value), err.getvalue().splitlines()


@pytest.fixture
def orders(store: Store, tmp_path: Path) -> Store:
    out = run("import_orders", str(write_lines(tmp_path / "orders.jsonl", ORDERS)), "--format", "json")
    assert out.strip() == "Imported 5 orders (7 lines written): 5 new, 0 updated, 0 unchanged."
    return store


@pytest.fixture
def imported(orders: Store, tmp_path: Path) -> Path:
    path = write_lines(tmp_path / "returns.jsonl", GOOD)
    out = run("import_returns", "--format", "json", str(path), "--store", orders.code)
    assert out.strip() == "Imported 4 returns (5 lines written): 4 new, 0 updated, 0 unchanged."
    return path


def metrics(*extra: str) -> dict[str, Any]:
    out = run("report", "metrics", "--from", "2026-02-01", "--to", "2026-03-01", "--json", *extra)
    result: dict[str, Any] = json.loads(out)
    return result


# import-returns


def test_imported_returns_keep_their_lines_figures_and_order_lines(imported: Path):
    old2 = PastReturn.objects.get(number="OLD-2")
    assert (old2.order.number, old2.status, old2.store_credit) == ("A-2", "store_credit", Decimal("30.00"))
    # The same SKU twice: the first unit from the order's first SH-M line, the next from the second.
    positions = [line.order_line.position for line in old2.lines.order_by("position")]
    assert positions == [0, 1]
    assert [line.resolution for line in old2.lines.order_by("position")] == ["store_credit", "exchange"]
    old1 = PastReturn.objects.get(number="OLD-1")
    assert (old1.refunded, old1.fees_charged, old1.label_cost) == (
        Decimal("20.77"),
        Decimal("4.95"),
        Decimal("5.40"),
    )
    assert old1.received_at is not None
    assert old1.resolved_at is not None


def test_an_array_file_imports_like_json_lines(orders: Store, tmp_path: Path):
    path = tmp_path / "returns.json"
    path.write_text(json.dumps(GOOD, indent=2), encoding="utf-8")
    out = run("import_returns", "--format", "json", str(path))
    assert out.strip() == "Imported 4 returns (5 lines written): 4 new, 0 updated, 0 unchanged."


def test_importing_the_same_file_again_changes_nothing(imported: Path):
    before = list(PastReturn.objects.order_by("number").values_list("number", "updated_at", "content_hash"))
    line_ids = sorted(PastReturnLine.objects.values_list("pk", flat=True))
    out = run("import_returns", "--format", "json", str(imported))
    assert out.strip() == "Imported 4 returns (0 lines written): 0 new, 0 updated, 4 unchanged."
    assert (
        list(PastReturn.objects.order_by("number").values_list("number", "updated_at", "content_hash"))
        == before
    )
    assert sorted(PastReturnLine.objects.values_list("pk", flat=True)) == line_ids


def test_a_changed_record_is_updated_in_place(imported: Path, tmp_path: Path):
    changed = past(
        "OLD-1",
        "A-1",
        "store_credit",
        [back("SH-M", 2, "51.43", resolution="store_credit")],
        received_at="2026-02-17T09:00:00+01:00",
        store_credit="51.43",
    )
    out = run("import_returns", "--format", "json", str(write_lines(tmp_path / "again.jsonl", [changed])))
    assert out.strip() == "Imported 1 return (1 line written): 0 new, 1 updated, 0 unchanged."
    old1 = PastReturn.objects.get(number="OLD-1")
    assert (old1.status, old1.refunded, old1.store_credit, old1.label_cost) == (
        "store_credit",
        Decimal(0),
        Decimal("51.43"),
        Decimal(0),
    )
    assert [(line.quantity, line.amount) for line in old1.lines.all()] == [(2, Decimal("51.43"))]
    assert PastReturn.objects.count() == 4
    assert metrics()["outcomes"]["store_credit"] == "81.43"


def test_a_bad_file_lists_every_bad_row_and_imports_nothing(orders: Store, tmp_path: Path):
    rows = [
        past("B-1", "NOPE", "refunded", [back("SH-M", 1, "30.00")]),
        past("B-2", "A-3", "refunded", [back("SH-M", 1, "30.00")]),
        past("B-3", "A-4", "refunded", [back("SH-M", 1, "30.00")]),
        past("B-4", "A-1", "refunded", [back("SH-M", 1, "25.71")]),
        past("B-5", "A-1", "refunded", [back("MUG", 1, "8.57"), back("HAT", 1, "1.00")]),
        past("B-6", "A-1", "lost", [back("SH-M", 1, "25.72")]),
        past("B-7", "A-2", "refunded", [back("SH-M", 2, "60.00")]),
        past("B-8", "A-1", "refunded", [back("SH-M", 1, "25.72")], refunded="1.234"),
        GOOD[0],
    ]
    path = write_lines(tmp_path / "bad.jsonl", rows)
    with path.open("a", encoding="utf-8") as file:
        file.write('{"number": "B-10", "order": \n')

    message, errors = run_failing("import_returns", "--format", "json", str(path))

    assert message == "9 errors; nothing was imported."
    assert errors == [
        "row 1, column order: there is no order NOPE in this store",
        "row 2, column order: order A-3 was cancelled: it has no returns",
        "row 3, column lines[0].quantity: the units of SH-M were not delivered",
        "row 4, column lines[0].amount: 25.71 is not the paid value of 1 × SH-M: 25.72",
        "row 5, column lines[1].sku: order A-1 has no line with the SKU HAT",
        "row 6, column status: Input should be 'refunded', 'store_credit', 'exchanged', 'kept', 'rejected', "
        "'cancelled', 'expired' or 'open'",
        "row 7, column lines[0].quantity: only 1 unit(s) of SH-M can still be returned on one line "
        "(delivered units less those other returns took)",
        "row 8, column refunded: 1.234 has more decimals than EUR allows",
        "row 10: not valid JSON at line 10, column 29: a value was expected",
    ]
    assert not PastReturn.objects.exists()
    assert not PastReturnLine.objects.exists()


def test_units_other_returns_took_cannot_be_returned_again_but_a_void_return_may_name_them(
    imported: Path, tmp_path: Path
):
    again = past("OLD-5", "A-2", "refunded", [back("SH-M", 1, "30.00")])
    message, errors = run_failing(
        "import_returns", "--format", "json", str(write_lines(tmp_path / "more.jsonl", [again]))
    )
    assert message == "1 error; nothing was imported."
    assert errors == [
        "row 1, column lines[0].quantity: only 0 unit(s) of SH-M can still be returned on one line "
        "(delivered units less those other returns took)"
    ]
    void = past("OLD-6", "A-2", "cancelled", [back("SH-M", 1, "30.00")])
    too_many = past("OLD-7", "A-2", "expired", [back("SH-M", 2, "60.00")])
    message, errors = run_failing(
        "import_returns", "--format", "json", str(write_lines(tmp_path / "void.jsonl", [void, too_many]))
    )
    assert errors == ["row 2, column lines[0].quantity: more units than a line of SH-M has (1)"]
    out = run("import_returns", "--format", "json", str(write_lines(tmp_path / "void.jsonl", [void])))
    assert out.strip() == "Imported 1 return (1 line written): 1 new, 0 updated, 0 unchanged."


def test_a_return_given_twice_in_one_file_is_refused(orders: Store, tmp_path: Path):
    _message, errors = run_failing(
        "import_returns", "--format", "json", str(write_lines(tmp_path / "twice.jsonl", [GOOD[0], GOOD[0]]))
    )
    assert errors == ["row 2, column number: return OLD-1 is already in this file (row 1)"]


# report metrics


def test_the_metrics_follow_the_contract_field_by_field(imported: Path):
    figures = metrics("--handling-cost-per-unit", "0.50")
    assert figures["orders"] == 2  # A-3 cancelled, A-4 not delivered, A-5 in March (Paris)
    assert figures["units"] == 5
    assert figures["value"] == "120.00"  # 51.43 + 8.57 + 30.00 + 30.00; A-2's tax is not in its prices
    assert figures["returned_orders"] == 2
    assert figures["returned_units"] == 3  # OLD-1 1, OLD-2 2; OLD-3 is void, OLD-4 outside the cohort
    assert figures["returned_value"] == "85.72"
    assert figures["order_return_rate"] == "1.0000"
    assert figures["unit_return_rate"] == "0.6000"
    assert figures["value_return_rate"] == "0.7143"  # 85.72 / 120 = 0.71433…
    apparel = {
        "orders": 2,
        "returned_orders": 2,
        "units": 4,
        "returned_units": 3,
        "value": "111.43",
        "returned_value": "85.72",
        "order_return_rate": "1.0000",
        "unit_return_rate": "0.7500",
        "value_return_rate": "0.7693",  # 85.72 / 111.43 = 0.76927…
    }
    home = {
        "orders": 1,
        "returned_orders": 0,
        "units": 1,
        "returned_units": 0,
        "value": "8.57",
        "returned_value": "0.00",
        "order_return_rate": "0.0000",
        "unit_return_rate": "0.0000",
        "value_return_rate": "0.0000",
    }
    assert figures["by_category"] == {"apparel": apparel, "home": home}
    assert figures["by_seller"] == {"": apparel, "potter": home}
    assert figures["by_reason"] == {
        "defective": {"returned_units": 1, "returned_value": "30.00", "share": "0.3333"},
        "size_fit": {"returned_units": 2, "returned_value": "55.72", "share": "0.6667"},
    }
    assert figures["outcomes"] == {
        "refund": "25.72",
        "store_credit": "30.00",
        "exchange": "30.00",
        "keep": "0.00",
        "repair": "0.00",
        "replacement": "0.00",
    }
    assert figures["retained_revenue_ratio"] == "0.7000"  # 60 / 85.72 = 0.69995…
    assert figures["refunds_paid"] == "20.77"
    assert figures["store_credit_issued"] == "30.00"
    assert figures["cost"] == {
        "labels": "5.40",
        "handling": "1.50",  # 3 received units x 0.50
        "fees_charged": "4.95",
        "net": "1.95",
        "net_per_return": "0.98",  # 1.95 / 2 = 0.975
    }
    assert figures["void_returns"] == 1


def test_the_handling_cost_is_the_stores_setting_unless_the_option_overrides_it(imported: Path, store: Store):
    assert metrics()["cost"]["handling"] == "0.00"
    InsightsSettings.objects.create(store=store, handling_cost_per_unit=Decimal("2.00"))
    assert metrics()["cost"]["handling"] == "6.00"
    assert metrics("--handling-cost-per-unit", "1")["cost"]["handling"] == "3.00"


def test_the_text_report_is_in_the_active_language(imported: Path):
    english = run("report", "metrics", "--from", "2026-02-01", "--to", "2026-03-01")
    assert (
        "All orders: orders: 2, returned 2 (100.00\u00a0%); units: 5, returned 3 (60.00\u00a0%); "
        "value: €120.00, returned €85.72 (71.43\u00a0%)"
    ) in english
    assert "  (the store): orders: 2, returned 2" in english
    assert "  size_fit: units: 2, value: €55.72 (66.67\u00a0% of returned units)" in english
    with translation.override("fr"):
        french = run("report", "metrics", "--from", "2026-02-01", "--to", "2026-03-01")
    assert (
        run("report", "metrics", "--from", "2026-02-01", "--to", "2026-03-01", "--language", "fr") == french
    )
    assert (
        "Toutes les commandes : commandes : 2, retournées : 2 (100,00\u00a0%) ; unités : 5, retournées : 3 "
        "(60,00\u00a0%) ; valeur : 120,00\u00a0€, retournée : 85,72\u00a0€ (71,43\u00a0%)"
    ) in french
    assert "  (la boutique) : commandes : 2, retournées : 2" in french


def test_a_period_that_ends_before_it_starts_is_refused(orders: Store):
    message, _errors = run_failing(
        "report", "metrics", "--from", "2026-03-01", "--to", "2026-02-01", "--json"
    )
    assert message == "--to must be a day after --from."


def test_a_refusal_is_listed_in_french_when_french_is_active(orders: Store, tmp_path: Path):
    path = write_lines(tmp_path / "bad.jsonl", [past("B-1", "A-1", "refunded", [back("SH-M", 1, "25.71")])])
    with translation.override("fr"):
        message, errors = run_failing("import_returns", "--format", "json", str(path))
    assert message == "1 erreur : rien n’a été importé."
    assert errors == [
        "ligne 1, colonne lines[0].amount : 25.71 n’est pas la valeur payée de 1 × SH-M : 25.72"
    ]


def test_the_other_tools_reasons_and_conditions_are_kept_as_given(orders: Store, tmp_path: Path):
    line = {**back("SH-M", 1, "25.72", reason="Too small"), "condition": "like new"}
    path = write_lines(tmp_path / "words.jsonl", [past("W-1", "A-1", "refunded", [line])])
    run("import_returns", "--format", "json", str(path))
    stored = PastReturnLine.objects.get()
    assert (stored.reason, stored.condition) == ("Too small", "like new")
    assert list(metrics()["by_reason"]) == ["Too small"]


def test_past_returns_are_shown_read_only_in_the_back_office(imported: Path, admin_client: Client):
    listing = admin_client.get("/admin/insights/pastreturn/", {"q": "A-2"})
    assert listing.status_code == 200
    assert [row.number for row in listing.context["cl"].result_list] == ["OLD-2"]
    old2 = PastReturn.objects.get(number="OLD-2")
    page = admin_client.get(f"/admin/insights/pastreturn/{old2.pk}/change/")
    assert page.status_code == 200
    assert "SH-M" in page.content.decode()
    assert admin_client.post(f"/admin/insights/pastreturn/{old2.pk}/delete/").status_code == 403
    assert PastReturn.objects.filter(number="OLD-2").exists()


def test_each_line_counts_in_the_category_its_order_gave_it(orders: Store, tmp_path: Path):
    # The product SH-M was first imported as apparel; this order sells it on sale.
    sale = json_order(
        number="A-6",
        ordered_at="2026-02-20T10:00:00+01:00",
        lines=[shirt(1, category="sale")],
        shipments=DELIVERED,
    )
    run("import_orders", str(write_lines(tmp_path / "sale.jsonl", [sale])), "--format", "json")
    by_category = metrics()["by_category"]
    assert (by_category["sale"]["orders"], by_category["sale"]["units"], by_category["sale"]["value"]) == (
        1,
        1,
        "30.00",
    )
    assert by_category["apparel"]["units"] == 4


def test_control_characters_and_amounts_beyond_any_column_are_refused(orders: Store, tmp_path: Path):
    nul = past("OLD-\u0000", "A-1", "refunded", [back("SH-M", 1, "25.72")])
    huge = past("OLD-9", "A-1", "refunded", [back("SH-M", 1, "25.72")], refunded="1e100")
    _message, errors = run_failing(
        "import_returns", "--format", "json", str(write_lines(tmp_path / "odd.jsonl", [nul, huge]))
    )
    assert errors[0] == "row 1, column number: contains a control character"
    assert errors[1].startswith("row 2, column refunded: ")
    assert len(errors) == 2
    assert not PastReturn.objects.exists()
