"""The analytics pages on the hand-made store of ``analytics_store`` (every figure worked out there by
hand): the rollup's figures, the spec's contract agreeing with them, and the page, its CSV files, the API
and ``retour report`` giving the same numbers for the same filters."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone, translation

from integration.insights.analytics_store import (
    FEBRUARY,
    RETURNS,
    import_orders,
    import_returns,
    line,
    order,
    report,
    run,
    write_lines,
)
from retour.api.models import ApiToken
from retour.backoffice.models import StaffStore
from retour.catalog.models import Store
from retour.insights.analytics import rates as rates_page
from retour.insights.analytics import render
from retour.insights.analytics.base import Filters, breakdown, grouped, parse_filters, total
from retour.insights.analytics.pages import PAGES
from retour.insights.cashflow import refund_outlook
from retour.insights.domain.rollup import (
    DISPOSITION,
    MEASURES,
    ORDER_DIMENSIONS,
    OUTCOME,
    PRODUCT,
    REASON,
    SKU,
    TOTAL,
    Cell,
)
from retour.insights.domain.rollup import total as rollup_total
from retour.insights.models import RollupCell, RollupState
from retour.insights.services import rollup
from retour.insights.tasks import follow_rollups
from retour.orders.models import Order, OrderLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def hand_store(store: Store, tmp_path: Path) -> Store:
    import_orders(store, tmp_path)
    import_returns(store, tmp_path)
    rollup.rebuild(store)
    return store


@pytest.fixture
def analyst(db: None) -> User:
    user = User.objects.create_user("analyst", "analyst@example.com", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_insightssettings"))
    return user


def rows(table: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in table}


def rates(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row["orders"],
        row["units"],
        row["value"],
        row["returned_orders"],
        row["returned_units"],
        row["returned_value"],
        row["order_return_rate"],
        row["unit_return_rate"],
        row["value_return_rate"],
    )


# -- every figure, by hand ---------------------------------------------------------------------------


def test_return_rates_of_the_hand_made_store(hand_store: Store):
    data = report("return-rates")
    assert {key: figure["value"] for key, figure in data["figures"].items()} == {
        "orders": 3,
        "order_return_rate": "0.6667",
        "unit_return_rate": "0.5714",
        "value_return_rate": "0.5625",
    }
    tables = data["tables"]
    assert [rates(row) for row in tables["by_month"]] == [
        (3, 7, "160.00", 2, 4, "90.00", "0.6667", "0.5714", "0.5625")
    ]
    weeks = rows(tables["by_week"], "week")
    assert rates(weeks["2026-02-02"]) == (2, 4, "100.00", 1, 2, "40.00", "0.5000", "0.5000", "0.4000")
    assert rates(weeks["2026-02-09"]) == (1, 3, "60.00", 1, 2, "50.00", "1.0000", "0.6667", "0.8333")
    categories = rows(tables["by_category"], "category")
    assert rates(categories["apparel"]) == (3, 4, "130.00", 2, 2, "70.00", "0.6667", "0.5000", "0.5385")
    assert rates(categories["home"]) == (2, 3, "30.00", 2, 2, "20.00", "1.0000", "0.6667", "0.6667")
    sellers = rows(tables["by_seller"], "seller")
    assert rates(sellers[""]) == (2, 3, "90.00", 1, 1, "30.00", "0.5000", "0.3333", "0.3333")
    assert rates(sellers["potter"]) == (2, 4, "70.00", 2, 3, "60.00", "1.0000", "0.7500", "0.8571")
    assert (sellers[""]["seller_fault_share"], sellers["potter"]["seller_fault_share"]) == (
        "0.0000",
        "0.6667",
    )
    assert tables["by_reason"] == [
        {
            "reason": reason,
            "returned_units": 1,
            "returned_value": value,
            "share": "0.2500",
            "seller_fault": fault,
        }
        for reason, value, fault in (
            ("changed_mind", "40.00", False),
            ("damaged_in_transit", "10.00", True),
            ("defective", "10.00", True),
            ("size_fit", "30.00", False),
        )
    ]
    segments = rows(tables["by_segment"], "segment")
    assert rates(segments["vip"]) == (1, 3, "70.00", 1, 2, "40.00", "1.0000", "0.6667", "0.5714")
    assert rates(segments["new"]) == (1, 1, "30.00", 0, 0, "0.00", "0.0000", "0.0000", "0.0000")
    assert rates(segments[""]) == (1, 3, "60.00", 1, 2, "50.00", "1.0000", "0.6667", "0.8333")
    countries = rows(tables["by_country"], "country")
    assert rates(countries["FR"]) == (2, 6, "130.00", 2, 4, "90.00", "1.0000", "0.6667", "0.6923")
    assert rates(countries["BE"]) == (1, 1, "30.00", 0, 0, "0.00", "0.0000", "0.0000", "0.0000")
    channels = rows(tables["by_channel"], "channel")
    assert rates(channels["web"]) == (2, 4, "100.00", 1, 2, "40.00", "0.5000", "0.5000", "0.4000")
    assert rates(channels["pos"]) == (1, 3, "60.00", 1, 2, "50.00", "1.0000", "0.6667", "0.8333")
    payments = rows(tables["by_payment"], "payment")
    assert rates(payments["card"]) == rates(channels["web"])
    assert rates(payments["paypal"]) == rates(channels["pos"])
    products = tables["top_products"]
    assert [(p["product"], p["category"], p["returned_units"], p["priority_score"]) for p in products] == [
        ("MUG", "home", 2, "2.00"),
        ("CAP", "apparel", 1, "2.00"),
        ("SH-M", "apparel", 1, "0.67"),
    ]
    assert (products[2]["unit_return_rate"], products[2]["category_unit_return_rate"]) == ("0.3333", "0.5000")


@pytest.mark.parametrize("skus", [("SH-M",), ("MUG", "CAP"), ("SH-M", "MUG", "CAP")])
def test_lines_without_a_catalogue_product_rank_the_same_by_their_sku(
    hand_store: Store, skus: tuple[str, ...]
):
    """Lines that name no catalogue product are kept under their SKU (the rollup's ``sku`` cells, per
    category as well as per seller); ranked beside catalogue products, the top products read the same,
    filtered or not."""
    filters = [
        (),
        ("--category", "apparel"),
        ("--seller", "potter"),
        ("--category", "home", "--seller", "potter"),
    ]
    before = [report("return-rates", *named)["tables"]["top_products"] for named in filters]
    assert before[0]
    OrderLine.objects.filter(order__store=hand_store, sku__in=skus).update(product=None, variant=None)
    rollup.rebuild(hand_store)
    cells = RollupCell.objects.filter(store=hand_store, dimension=SKU)
    assert set(cells.values_list("key", flat=True)) == {f"sku:{sku}" for sku in skus}
    assert [report("return-rates", *named)["tables"]["top_products"] for named in filters] == before


@pytest.mark.parametrize(("top", "candidates"), [(1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (2, 5)])
def test_the_top_products_are_ranked_exactly_from_the_few_the_database_hands_back(
    hand_store: Store, monkeypatch: pytest.MonkeyPatch, top: int, candidates: int
):
    """The database ranks the products by the float score and hands back the best ``CANDIDATES``; when
    the cut falls among ties (MUG and CAP both score 2.00) every product is read, so the exact ranking
    (score, then returned units) is the same however few are handed back."""
    ranked = [(p["product"], p["priority_score"]) for p in report("return-rates")["tables"]["top_products"]]
    assert ranked == [("MUG", "2.00"), ("CAP", "2.00"), ("SH-M", "0.67")]
    monkeypatch.setattr(rates_page, "TOP_PRODUCTS", top)
    monkeypatch.setattr(rates_page, "CANDIDATES", candidates)
    products = report("return-rates")["tables"]["top_products"]
    assert [(p["product"], p["priority_score"]) for p in products] == ranked[:top]


def test_filters_narrow_every_figure_to_the_lines_they_name(hand_store: Store):
    potter_apparel = report("return-rates", "--seller", "potter", "--category", "apparel")
    assert rates(potter_apparel["tables"]["by_month"][0]) == (
        1, 1, "40.00", 1, 1, "40.00", "1.0000", "1.0000", "1.0000"
    )  # fmt: skip
    home = report("return-rates", "--category", "home")
    assert [rates(row) for row in home["tables"]["by_seller"]] == [
        (2, 3, "30.00", 2, 2, "20.00", "1.0000", "0.6667", "0.6667")
    ]
    assert home["tables"]["by_seller"][0]["seller"] == "potter"
    # The store itself is named by its own seller code; its lines are seller "".
    own = report("return-rates", "--seller", hand_store.code)
    assert own["filters"]["seller"] == ""
    assert rates(own["tables"]["by_month"][0]) == (2, 3, "90.00", 1, 1, "30.00", "0.5000", "0.3333", "0.3333")
    assert [row["reason"] for row in own["tables"]["by_reason"]] == ["size_fit"]


def test_outcomes_and_retention_of_the_hand_made_store(hand_store: Store):
    data = report("outcomes")
    assert {key: figure["value"] for key, figure in data["figures"].items()} == {
        "resolved_value": "80.00",
        "retained_revenue_ratio": "0.6250",
        "refunds_paid": "25.05",
        "store_credit_issued": "40.00",
        "store_credit_spent": "0.00",
        "store_credit_spent_share": "0.0000",
    }
    outcomes = rows(data["tables"]["outcomes"], "outcome")
    assert {
        key: (row["returned_units"], row["returned_value"], row["share"]) for key, row in outcomes.items()
    } == {
        "refund": (1, "30.00", "0.3750"),
        "store_credit": (1, "40.00", "0.5000"),
        "exchange": (1, "10.00", "0.1250"),
        "keep": (0, "0.00", "0.0000"),
        "repair": (0, "0.00", "0.0000"),
        "replacement": (0, "0.00", "0.0000"),
    }
    assert data["tables"]["by_month"] == [
        {
            "month": "2026-02",
            "refund": "30.00",
            "store_credit": "40.00",
            "exchange": "10.00",
            "keep": "0.00",
            "repair": "0.00",
            "replacement": "0.00",
            "retained_revenue_ratio": "0.6250",
            "store_credit_issued": "40.00",
            "store_credit_spent": "0.00",
        }
    ]


def test_the_dashboard_sets_each_number_against_the_period_before(hand_store: Store):
    data = report("dashboard")
    figures = data["figures"]
    assert figures["return_rate"] == {"value": "0.6667", "previous": "0.0000"}
    assert figures["refunds_paid"] == {"value": "25.05", "previous": "0.00"}
    assert figures["retained_revenue"] == {"value": "0.6250", "previous": "0.0000"}
    # Labels 5.40 less fees 4.95 over the 4 returns that count: 0.1125, half-up 0.11.
    assert figures["net_cost_per_return"] == {"value": "0.11", "previous": "0.00"}
    # Past returns are history: nothing is owed on them; the forecast is the refund forecast's own.
    assert figures["owed"] == {"value": "0.00", "previous": "0.00"}
    outlook = refund_outlook(hand_store, date(2026, 2, 28))
    assert figures["forecast_4_weeks"]["value"] == str(outlook.next_4_weeks)
    march = json.loads(run("report", "dashboard", "--from", "2026-03-01", "--to", "2026-03-29", "--json"))
    # 28 days of March against the 28 before (4 February to 1 March).
    assert march["figures"]["refunds_paid"] == {"value": "30.00", "previous": "25.05"}
    assert march["figures"]["return_rate"] == {"value": "1.0000", "previous": "0.6667"}


def test_the_rollup_agrees_with_the_metrics_contract(hand_store: Store):
    contract = json.loads(run("report", "metrics", "--from", FEBRUARY[0], "--to", FEBRUARY[1], "--json"))
    rates_page = report("return-rates")
    month = rates_page["tables"]["by_month"][0]
    for key in ("orders", "units", "value", "returned_orders", "returned_units", "returned_value"):
        assert month[key] == contract[key]
    for table, name in (("by_category", "category"), ("by_seller", "seller")):
        assert {
            row[name]: {key: value for key, value in row.items() if key not in (name, "seller_fault_share")}
            for row in rates_page["tables"][table]
        } == contract[table]
    assert {
        row["reason"]: {key: row[key] for key in ("returned_units", "returned_value", "share")}
        for row in rates_page["tables"]["by_reason"]
    } == contract["by_reason"]
    outcomes = report("outcomes")
    assert {row["outcome"]: row["returned_value"] for row in outcomes["tables"]["outcomes"]} == contract[
        "outcomes"
    ]
    assert outcomes["figures"]["retained_revenue_ratio"]["value"] == contract["retained_revenue_ratio"]
    assert outcomes["figures"]["refunds_paid"]["value"] == contract["refunds_paid"]
    assert outcomes["figures"]["store_credit_issued"]["value"] == contract["store_credit_issued"]


# -- one figure, four ways -----------------------------------------------------------------------------

FILTER_SETS = [
    {},
    {"seller": "potter"},
    {"category": "apparel"},
    {"seller": "potter", "category": "apparel"},
    {"seller": "test-store", "category": "home"},
]


def _options(filters: dict[str, str]) -> list[str]:
    return [part for key, value in filters.items() for part in (f"--{key}", value)]


@pytest.mark.parametrize("filters", FILTER_SETS)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_csv_api_and_command_give_the_same_numbers(
    hand_store: Store, analyst: User, name: str, filters: dict[str, str]
):
    query = {"from": FEBRUARY[0], "to": FEBRUARY[1], **filters}
    from_command = report(name, *_options(filters))
    _record, token = ApiToken.issue(analyst, "tests")
    answer = Client(headers={"Authorization": f"Bearer {token}"}).get(f"/api/v1/analytics/{name}", query)
    assert answer.status_code == 200, answer.content
    assert answer.json() == from_command

    browser = Client()
    browser.force_login(analyst)
    page = browser.get(f"/backoffice/analytics/{name}/", query)
    assert page.status_code == 200
    html = page.content.decode()
    built = PAGES[name].build(
        parse_filters(hand_store, *FEBRUARY, filters.get("seller"), filters.get("category"))
    )
    assert built.as_json() == from_command
    with translation.override("en"):
        for table in built.tables:
            assert table.rows == from_command["tables"][table.key]
            for shown in render.display_rows(table, "EUR"):
                for cell in shown:
                    assert f">{cell}<" in html
            download = browser.get(
                f"/backoffice/analytics/{name}/", {**query, "format": "csv", "table": table.key}
            )
            assert download.status_code == 200
            written = list(csv.reader(io.StringIO(download.content.decode())))
            assert written[0] == [str(column.label) for column in table.columns]
            assert written[1:] == [
                [
                    str(int(bool(row[column.key]))) if column.kind == "bool" else str(row[column.key])
                    for column in table.columns
                ]
                for row in from_command["tables"][table.key]
            ]
        for figure in built.figures:
            assert render.shown(figure.value, figure.kind, "EUR") in html


# -- the rollup follows the facts -------------------------------------------------------------------------


def _cells(store: Store) -> set[tuple[Any, ...]]:
    return set(
        RollupCell.objects.filter(store=store).values_list(
            "day", "dimension", "key", "level", "category", "seller", *MEASURES
        )
    )


def test_following_the_changes_gives_what_a_rebuild_gives(store: Store, tmp_path: Path):
    import_orders(store, tmp_path)
    assert follow_rollups.call() == f"{len(_cells(store))} cells written"  # never followed: rebuilt
    assert RollupState.objects.get(store=store).rebuilt_at is not None
    # An hour later, nothing changed since: the orders were imported before the last look.
    hour_ago = timezone.now() - timedelta(hours=1)
    Order.objects.filter(store=store).update(updated_at=hour_ago - timedelta(minutes=30))
    RollupState.objects.filter(store=store).update(checked_until=hour_ago)
    assert rollup.follow(store) == 0

    # Past returns come in: the days of their orders are written again, and only those.
    import_returns(store, tmp_path)
    assert rollup.changed_days(store, hour_ago) == {
        date(2026, 2, 2),
        date(2026, 2, 4),
        date(2026, 2, 10),
        date(2026, 3, 2),
    }
    rollup.follow(store)
    followed = _cells(store)
    rollup.rebuild(store)
    assert followed == _cells(store)

    # A return is resolved, another order comes on 2 February: followed, the same as rebuilt.
    changed = [dict(item) for item in RETURNS]
    changed[4] = {**changed[4], "status": "refunded", "refunded": "10.00"}
    import_returns(store, tmp_path, changed)
    run(
        "import_orders",
        str(
            write_lines(
                tmp_path / "more.jsonl",
                [order("B-7", "2026-02-02T18:00:00+01:00", [line("MUG", 1, "10.00", "home", "potter")])],
            )
        ),
        "--format",
        "json",
    )
    rollup.follow(store)
    followed = _cells(store)
    assert report("outcomes")["figures"]["refunds_paid"]["value"] == "35.05"
    rollup.rebuild(store)
    assert followed == _cells(store)

    # New orders on days nothing else changed: added to the cells they count in, not their days written
    # again; added once, however often the worker looks; still what a rebuild gives.
    since = RollupState.objects.get(store=store).checked_until
    run(
        "import_orders",
        str(
            write_lines(
                tmp_path / "new.jsonl",
                [
                    order("B-8", "2026-03-02T11:00:00+01:00", [line("MUG", 2, "10.00", "home", "potter")]),
                    order("B-9", "2026-02-20T11:00:00+01:00", [line("TEE", 1, "25.00", "apparel", "")]),
                ],
            )
        ),
        "--format",
        "json",
    )
    assert rollup.changed_days(store, since) == set()
    assert _numbers(rollup.new_orders(store, since)) == ["B-8", "B-9"]
    assert rollup.follow(store) > 0
    assert rollup.new_orders(store, since) == []
    rollup.follow(store)
    followed = _cells(store)
    rollup.rebuild(store)
    assert followed == _cells(store)


def test_following_keeps_the_monthly_cells_what_a_rebuild_gives(store: Store, tmp_path: Path):
    """Each way of writing the monthly cells: summed in memory for a whole month (rebuild), summed again
    from the stored days when some days of a month are written again (a change), added to (new orders)."""
    import_orders(store, tmp_path)
    import_returns(store, tmp_path)
    rollup.rebuild(store)
    assert {cell[1] for cell in _cells(store)} >= {"total/m", "product/m", "reason/m", "total"}
    # A return is resolved (its order's day in February written again), new orders are added in
    # February (on days nothing else changed) and March.
    RollupState.objects.filter(store=store).update(checked_until=timezone.now() - timedelta(minutes=30))
    changed = [dict(item) for item in RETURNS]
    changed[4] = {**changed[4], "status": "refunded", "refunded": "10.00"}
    import_returns(store, tmp_path, changed)
    run(
        "import_orders",
        str(
            write_lines(
                tmp_path / "new.jsonl",
                [
                    order("B-8", "2026-03-02T11:00:00+01:00", [line("MUG", 2, "10.00", "home", "potter")]),
                    order("B-9", "2026-02-20T11:00:00+01:00", [line("TEE", 1, "25.00", "apparel", "")]),
                ],
            )
        ),
        "--format",
        "json",
    )
    rollup.follow(store)
    followed = _cells(store)
    rollup.rebuild(store)
    assert followed == _cells(store)
    # Every monthly cell is the sum of its month's daily cells, every yearly one of its year's.
    for suffix, first in (
        ("/m", lambda day: day.replace(day=1)),
        ("/y", lambda day: day.replace(month=1, day=1)),
    ):
        summed: dict[tuple[Any, ...], list[Any]] = {}
        for day, dimension, *rest in _cells(store):
            if not dimension.endswith(("/m", "/y")):
                sums = summed.setdefault((first(day), f"{dimension}{suffix}", *rest[:4]), [0] * len(MEASURES))
                for position, value in enumerate(rest[4:]):
                    sums[position] += value
        assert summed == {
            (day, dimension, *rest[:4]): list(rest[4:])
            for day, dimension, *rest in _cells(store)
            if dimension.endswith(suffix)
        }


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 1, 15), date(2026, 3, 3)),  # days, a whole month, days
        (date(2026, 2, 1), date(2026, 4, 1)),  # whole months only
        (date(2026, 2, 3), date(2026, 2, 11)),  # days of one month only
        (date(2026, 2, 5), date(2026, 3, 15)),  # across a month's end, no whole month
        (date(2026, 2, 1), date(2026, 3, 2)),  # a whole month and a day
        # Months less their days outside the period: February less the 1st and 2nd (an order of the 2nd
        # and its keys, the VIP segment alone, taken away again), March less the 31st.
        (date(2026, 2, 3), date(2026, 3, 31)),
        (date(2026, 2, 5), date(2026, 3, 3)),  # February less its first 4 days (B-1, B-2), 2 March
        # Years: 2026 less its December, less its months and days outside the period.
        (date(2025, 12, 1), date(2026, 12, 1)),
        (date(2025, 12, 20), date(2026, 11, 20)),
        (date(2026, 2, 3), date(2026, 12, 31)),  # 2026 less January, February's 1st and 2nd, 31 December
        (date(2024, 1, 1), date(2027, 1, 1)),  # whole years
    ],
)
def test_a_periods_whole_months_read_from_the_monthly_cells_give_what_its_days_give(
    hand_store: Store, start: date, end: date
):
    for seller, category in ((None, None), ("potter", None), (None, "apparel"), ("potter", "home")):
        filters = Filters(hand_store, start, end, seller, category)
        for dimension in (*ORDER_DIMENSIONS, PRODUCT, REASON, OUTCOME, DISPOSITION):
            for by in (("key",), ("category", "key"), ("seller", "key")):
                by_days: dict[tuple[Any, ...], Cell] = {}
                for (_day, *group), cell in breakdown(filters, dimension, ("day", *by)).items():
                    by_days.setdefault(tuple(group), Cell()).add(cell)
                assert breakdown(filters, dimension, by) == by_days, (dimension, by, seller, category)
            per_day = grouped(filters, dimension, "day")
            assert total(filters, dimension) == rollup_total(per_day.values())
    # The periods have figures to compare: the hand-made store's orders of February and 2 March.
    assert total(Filters(hand_store, date(2026, 1, 15), date(2026, 3, 3)), TOTAL).orders == 4


def _numbers(rows: list[tuple[int, Any, Any]]) -> list[str]:
    numbers = dict(Order.objects.filter(pk__in=[row[0] for row in rows]).values_list("pk", "number"))
    return [numbers[row[0]] for row in rows]


def test_rebuild_command_reports_the_cells_written(hand_store: Store):
    out = run("report", "rebuild", "--store", hand_store.code)
    assert out.startswith("test-store: ")
    assert " rollup cells written in " in out


# -- bad filters --------------------------------------------------------------------------------------------


def test_bad_filters_are_refused_with_a_translated_message(hand_store: Store, analyst: User):
    with pytest.raises(CommandError, match=re.escape("There is no seller with the code nobody.")):
        call_command("report", "return-rates", "--seller", "nobody", stdout=io.StringIO())
    with pytest.raises(CommandError, match=re.escape("The end of the period must be a day after its start.")):
        call_command("report", "outcomes", "--from", "2026-03-01", "--to", "2026-02-01", stdout=io.StringIO())
    _record, token = ApiToken.issue(analyst, "tests")
    api = Client(headers={"Authorization": f"Bearer {token}", "Accept-Language": "fr"})
    answer = api.get("/api/v1/analytics/return-rates", {"seller": "nobody"})
    assert answer.status_code == 422
    assert answer.json()["title"] == "Aucun vendeur ne porte le code nobody."
    assert api.get("/api/v1/analytics/nothing").status_code == 404
    far = api.get("/api/v1/analytics/dashboard", {"from": "0001-01-01", "to": "0001-01-02"})
    assert far.status_code == 422
    assert far.json()["title"] == "Périodes du 1900-01-01 au 9000-01-01 seulement."
    browser = Client()
    browser.force_login(analyst)
    page = browser.get("/backoffice/analytics/return-rates/", {"from": "2026-13-01"})
    assert page.status_code == 200
    assert "2026-13-01 is not a date (YYYY-MM-DD)." in page.content.decode()
    assert browser.get("/backoffice/analytics/nothing/").status_code == 404


def test_only_staff_allowed_to_see_the_analytics_see_them(hand_store: Store, analyst: User):
    someone = User.objects.create_user("clerk", "clerk@example.com", is_staff=True)
    browser = Client()
    browser.force_login(someone)
    assert browser.get("/backoffice/analytics/").status_code == 403
    _record, token = ApiToken.issue(someone, "tests")
    answer = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/analytics/dashboard")
    assert answer.status_code == 403
    anonymous = Client().get("/backoffice/analytics/")
    assert anonymous.status_code == 302


def test_a_member_limited_to_a_store_sees_its_analytics_only(
    hand_store: Store, other_store: Store, analyst: User
):
    StaffStore.objects.create(user=analyst, store=other_store)
    browser = Client()
    browser.force_login(analyst)
    assert browser.get("/backoffice/analytics/", {"store": hand_store.code}).status_code == 404
    page = browser.get("/backoffice/analytics/return-rates/", {"from": FEBRUARY[0], "to": FEBRUARY[1]})
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<option value="{other_store.code}" selected>' in html
    assert f'value="{hand_store.code}"' not in html
    assert page.context["report"].figures[0].value == 0  # the other store's orders: none
