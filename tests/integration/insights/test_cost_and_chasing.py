"""The cost of returns and chasing pages (`retour report cost|chasing`, their API, back-office pages and CSV
files, all read from the analytics rollup) on a small store made here, every figure worked out.

The store (marketplace-standard policy, EUR, Europe/Paris) charges 3.20 for a return label. Its cost
settings: handling 1.00 a received unit, tracking 0.50 and insurance 0.20 + 1 % of the value per label,
payment fees 2 % of the money refunded + 0.30 a refund, 50 % recovered from a refurbished item.

Each order (the conftest's): Pull en laine x 2 at 60.00 and Écharpe x 1 at 25.00, delivered 5 days ago.

- R1 (#K1): one pullover back by label (defective), received, refurbished, refunded 60.00 (no fee for a
  defect) by hand. Labels 3.20; handling 1.00; tracking 0.50; insurance 0.20 + 0.60 = 0.80; payment fees
  1.20 + 0.30 = 1.50; lost 30.00 of the 60.00 refurbished; fees 0: net 37.00 on 60.00 of value.
- R2 (#K2): the scarf, approved, not sent: its approval is 4 days old when the worker chases, so it gets
  the reminder of day 3, then it is sent (in transit): 4.0 days from approval to sending.
- R3 (#K3): one pullover approved 20 days ago and never sent: the worker expires it (60.00 not sent).
- R4 (#K4): a cancelled return: void, it costs nothing.

Cost (orders of the last 30 days): R3 (expired) and R4 (cancelled) are void and count nowhere: 2 returns,
2 units, 85.00 of value, net 37.00: 18.50 a return, 18.50 a unit, 0.4353 of the value. The contract's
cost (labels 3.20 + handling 1.00 - fees 0) stays 4.20, 2.10 a return.

Chasing (returns asked for in the last 30 days, from the chasing rollup): 4 asked; R1, R2, R3 approved
with a parcel to send (R4 was cancelled); R1 and R2 sent (2 of 3); the reminder of day 3 went to R2
only (R3, 20 days old when first chased, expired at once), and R2 was sent after it; R3 expired with
60.00 of goods; R1 refunded the day it was asked for (0 days: within the legal 14), on time, no
surcharge.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone, translation

from retour.api.models import ApiToken
from retour.backoffice.models import StaffStore
from retour.backoffice.roles import FINANCE
from retour.catalog.models import Store
from retour.insights.analytics import render
from retour.insights.analytics.base import parse_filters
from retour.insights.analytics.cost import net_cost_per_return
from retour.insights.analytics.pages import PAGES
from retour.insights.domain.rollup import MEASURES
from retour.insights.models import ChasingCell, RollupCell
from retour.insights.services import rollup
from retour.insights.services.cost_settings import CostSettingsInvalid, update_cost_settings
from retour.orders.models import Order
from retour.refunds.models import DeliveryPrices, RefundRequest
from retour.refunds.services.paying import confirm_manual, request_refund
from retour.returns.models import Return, ReturnEvent
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return
from retour.returns.tasks import chase

pytestmark = pytest.mark.django_db

SETTINGS = {
    "handling_cost_per_unit": "1.00",
    "tracking_cost_per_label": "0.50",
    "insurance_cost_per_label": "0.20",
    "insurance_share_of_value": "0.01",
    "payment_fee_share": "0.02",
    "payment_fee_per_refund": "0.30",
    "recovery_refurbish": "0.5",
}


def report(name: str, store: Store, *extra: str) -> dict[str, Any]:
    """``retour report NAME --json`` over the last 30 days (and today)."""
    today = timezone.localdate(timezone=store.zone)
    out = io.StringIO()
    call_command(
        "report",
        name,
        "--from",
        (today - timedelta(days=30)).isoformat(),
        "--to",
        (today + timedelta(days=1)).isoformat(),
        "--json",
        *extra,
        stdout=out,
    )
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def _approved_days_ago(ret: Return, days: int) -> Return:
    """The return as if approved ``days`` ago: its approval and every event before now moved back."""
    back = timedelta(days=days)
    assert ret.approved_at is not None
    Return.objects.filter(pk=ret.pk).update(
        approved_at=ret.approved_at - back, created_at=ret.created_at - back
    )
    for event in ReturnEvent.objects.filter(ret=ret):
        ReturnEvent.objects.filter(pk=event.pk).update(at=event.at - back)
    ret.refresh_from_db()
    return ret


@pytest.fixture
def store_with_returns(make_order: Callable[..., Order], policy_store: Store) -> Store:
    DeliveryPrices.objects.create(store=policy_store, currency="EUR", return_label=Decimal("3.20"))
    update_cost_settings(policy_store, SETTINGS)

    sweater = make_order("#K1").lines.order_by("position")[0]
    r1 = create_return(
        sweater.order, [LineRequest(sweater.pk, 1, "defective", "unopened")], return_method="label"
    )
    r1 = handling.receive(r1, actor=None)
    line = r1.lines.get()
    r1 = handling.inspect(r1, [handling.Grading(line.pk, "unopened", disposition="refurbish")], actor=None)
    request, _created = request_refund(r1, idempotency_key="k1")
    for refund in request.refunds.all():
        confirm_manual(refund, actor=None)

    scarf = make_order("#K2").lines.order_by("position")[1]
    r2 = create_return(
        scarf.order, [LineRequest(scarf.pk, 1, "changed_mind", "unopened")], return_method="drop_off"
    )
    r2 = _approved_days_ago(r2, 4)
    chase()
    handling.mark_in_transit(r2, actor=None)

    other = make_order("#K3").lines.order_by("position")[0]
    r3 = create_return(
        other.order, [LineRequest(other.pk, 1, "size_fit", "unopened")], return_method="drop_off"
    )
    _approved_days_ago(r3, 20)
    chase()

    fourth = make_order("#K4").lines.order_by("position")[0]
    handling.cancel(
        create_return(fourth.order, [LineRequest(fourth.pk, 1, "size_fit", "unopened")]), actor=None
    )
    rollup.follow(policy_store)  # never rolled up: rebuilt, as the worker's job does
    return policy_store


def test_the_facts_are_what_the_figures_below_are_worked_out_from(store_with_returns: Store):
    rows = {ret.order.number: ret for ret in Return.objects.select_related("order")}
    assert {number: ret.state for number, ret in rows.items()} == {
        "#K1": "resolved",
        "#K2": "in_transit",
        "#K3": "expired",
        "#K4": "cancelled",
    }
    request = RefundRequest.objects.get()
    assert (request.amount, request.fees) == (Decimal("60.0000"), Decimal("0.0000"))
    assert rows["#K1"].tracking_number


def values(data: dict[str, Any]) -> dict[str, Any]:
    return {key: figure["value"] for key, figure in data["figures"].items()}


def by(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in rows}


def test_every_cost_of_the_store_worked_out_by_hand(store_with_returns: Store):
    data = report("cost", store_with_returns)
    figures = values(data)

    assert (figures["returns"], figures["units"], figures["returned_value"]) == (2, 2, "85.00")
    components = {row["component"]: row["amount"] for row in data["tables"]["components"]}
    assert components == {
        "labels": "3.20",
        "handling": "1.00",
        "tracking": "0.50",
        "insurance": "0.80",
        "payment_fees": "1.50",
        "disposition_loss": "30.00",
        "fees_charged": "0.00",
    }
    assert (figures["net"], figures["net_per_return"], figures["net_per_unit"]) == ("37.00", "18.50", "18.50")
    assert figures["share_of_value"] == "0.4353"  # 37 / 85
    assert figures["gross"] == "37.00"
    reasons = by(data["tables"]["by_reason"], "reason")
    assert (reasons["defective"]["net"], reasons["defective"]["returns"]) == ("37.00", 1)
    assert reasons["changed_mind"]["net"] == "0.00"
    # Both returns are of the store's own lines; the pullover and the scarf share the "" category here.
    assert [row["seller"] for row in data["tables"]["by_seller"]] == [""]
    assert data["tables"]["by_seller"][0]["net"] == "37.00"
    assert by(data["tables"]["by_disposition"], "disposition")["refurbish"] == {
        "disposition": "refurbish",
        "name": "refurbished",
        "units": 1,
        "returned_value": "60.00",
        "recovery": "0.5000",
        "loss": "30.00",
    }
    today = timezone.localdate(timezone=store_with_returns.zone)
    filters = parse_filters(store_with_returns, today - timedelta(days=30), today + timedelta(days=1))
    assert net_cost_per_return(filters) == Decimal("18.50")


def test_the_metrics_contract_keeps_its_own_cost_beside_the_full_one(store_with_returns: Store):
    contract = report("metrics", store_with_returns)["cost"]
    assert contract == {
        "labels": "3.20",
        "handling": "1.00",
        "fees_charged": "0.00",
        "net": "4.20",
        "net_per_return": "2.10",
    }


def test_chasing_worked_out_by_hand(store_with_returns: Store):
    data = report("chasing", store_with_returns)
    figures = values(data)

    assert (figures["requested"], figures["to_ship"], figures["shipped"], figures["shipped_share"]) == (
        4,
        3,
        2,
        "0.6667",
    )
    assert data["tables"]["reminders"] == [
        {"reminder": "3", "reminded": 1, "shipped_after": 1, "share": "1.0000"}
    ]
    # R1 sent at once (0 days), R2 four days after its approval: 2.0 on average.
    assert (figures["days_to_ship_mean"], figures["days_to_ship_p90"]) == ("2.0", "4.0")
    assert [row["returns"] for row in data["tables"]["days_to_ship"]][:5] == [1, 0, 0, 0, 1]
    assert (figures["expired"], figures["expired_value"]) == (1, "60.00")
    assert (figures["refunds_paid"], figures["within_14_days"], figures["after_14_days"]) == (1, 1, 0)
    assert (figures["paid_late"], figures["surcharges_owed"]) == (0, "0.00")
    assert data["tables"]["refund_days"][0] == {"days": "0", "returns": 1}


def test_a_seller_or_category_keeps_the_returns_with_a_line_of_it(store_with_returns: Store):
    nobody = report("chasing", store_with_returns, "--category", "garden")
    assert values(nobody)["requested"] == 0
    own = report("chasing", store_with_returns, "--seller", store_with_returns.code)
    assert values(own)["requested"] == 4
    assert values(report("cost", store_with_returns, "--category", "garden"))["returns"] == 0


def test_a_bad_setting_is_refused_with_its_name_and_changes_nothing(store_with_returns: Store):
    with pytest.raises(CostSettingsInvalid) as refused:
        update_cost_settings(
            store_with_returns, {"tracking_cost_per_label": "-1", "recovery_scrap": "1.5", "colour": "red"}
        )
    errors = {error["field"]: error["message"] for error in refused.value.details["errors"]}
    assert errors == {
        "colour": "“colour” is not a cost setting.",
        "recovery_scrap": "Enter a share between 0 and 1.",
        "tracking_cost_per_label": "Enter an amount of zero or more.",
    }
    components = report("cost", store_with_returns)["tables"]["components"]
    assert by(components, "component")["tracking"]["amount"] == "0.50"


def test_the_text_report_speaks_french(store_with_returns: Store):
    today = timezone.localdate(timezone=store_with_returns.zone)
    out = io.StringIO()
    call_command(
        "report",
        "cost",
        "--from",
        (today - timedelta(days=30)).isoformat(),
        "--to",
        (today + timedelta(days=1)).isoformat(),
        "--language",
        "fr",
        stdout=out,
    )
    assert "Coût net\u00a0: 37,00\u00a0€" in out.getvalue()
    out = io.StringIO()
    call_command("report", "chasing", "--language", "fr", stdout=out)
    assert "Retours demandés du " in out.getvalue()
    assert "Acceptations expirées\u00a0: 1" in out.getvalue()


def test_a_period_that_ends_before_it_starts_is_refused(store_with_returns: Store):
    with pytest.raises(CommandError, match=r"The end of the period must be a day after its start\."):
        call_command("report", "chasing", "--from", "2026-03-02", "--to", "2026-03-01")


def _finance_client(store: Store) -> Client:
    user = User.objects.create_user("finance", "finance@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name=FINANCE))
    _record, token = ApiToken.issue(user, "analytics")
    return Client(headers={"Authorization": f"Bearer {token}"})


def _period(store: Store) -> dict[str, str]:
    today = timezone.localdate(timezone=store.zone)
    return {"from": (today - timedelta(days=30)).isoformat(), "to": (today + timedelta(days=1)).isoformat()}


def test_the_cost_settings_change_through_the_api_all_or_nothing(store_with_returns: Store):
    client = _finance_client(store_with_returns)
    refused = client.put(
        "/api/v1/analytics/cost-settings",
        {"tracking_cost_per_label": "0.75", "recovery_scrap": "2"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert [error["field"] for error in refused.json()["errors"]] == ["recovery_scrap"]
    assert client.get("/api/v1/analytics/cost-settings").json()["tracking_cost_per_label"] == "0.5000"
    changed = client.put(
        "/api/v1/analytics/cost-settings",
        {"tracking_cost_per_label": "0.75"},
        content_type="application/json",
    )
    assert changed.status_code == 200
    # The rates apply when the page is read: no rollup to write again.
    components = client.get("/api/v1/analytics/cost", _period(store_with_returns)).json()["tables"][
        "components"
    ]
    assert by(components, "component")["tracking"]["amount"] == "0.75"


def test_a_backwards_period_and_a_stranger_are_refused(store_with_returns: Store, api_client: Client):
    client = _finance_client(store_with_returns)
    backwards = client.get("/api/v1/analytics/cost", {"from": "2026-03-02", "to": "2026-03-01"})
    assert backwards.status_code == 422
    assert api_client.get("/api/v1/analytics/chasing", _period(store_with_returns)).status_code == 403


def _finance_browser(store: Store) -> Client:
    user = User.objects.create_user("finance-page", "finance-page@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name=FINANCE))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", ["cost", "chasing"])
def test_page_csv_api_and_command_give_the_same_numbers(store_with_returns: Store, name: str):
    period = _period(store_with_returns)
    from_command = report(name, store_with_returns)
    answer = _finance_client(store_with_returns).get(f"/api/v1/analytics/{name}", period)
    assert answer.status_code == 200, answer.content
    assert answer.json() == from_command
    browser = _finance_browser(store_with_returns)
    page = browser.get(f"/backoffice/analytics/{name}/", period, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html
    built = PAGES[name].build(parse_filters(store_with_returns, period["from"], period["to"]))
    assert built.as_json() == from_command
    with translation.override("en"):
        for figure in built.figures:
            assert render.shown(figure.value, figure.kind, "EUR") in html
        for table in built.tables:
            for shown in render.display_rows(table, "EUR"):
                for cell in shown:
                    assert f">{cell}<" in html
            download = browser.get(
                f"/backoffice/analytics/{name}/", {**period, "format": "csv", "table": table.key}
            )
            written = list(csv.reader(io.StringIO(download.content.decode())))
            assert written[1:] == [
                [str(row[column.key]) for column in table.columns]
                for row in from_command["tables"][table.key]
            ]


def test_the_pages_speak_french(store_with_returns: Store):
    browser = _finance_browser(store_with_returns)
    period = _period(store_with_returns)
    cost = browser.get("/backoffice/analytics/cost/", period, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Coût des retours" in cost
    assert "37,00\u00a0€" in cost
    assert "43,53\u00a0%" in cost
    chasing = browser.get(
        "/backoffice/analytics/chasing/", period, HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Acceptations expirées" in chasing
    assert "Retours demandés à partir du" in chasing


def test_a_page_refuses_a_backwards_period_with_its_reason(store_with_returns: Store):
    browser = _finance_browser(store_with_returns)
    page = browser.get(
        "/backoffice/analytics/cost/", {"from": "2026-03-02", "to": "2026-03-01"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200
    assert "The end of the period must be a day after its start." in page.content.decode()


def test_a_staff_member_limited_to_another_store_cannot_see_this_ones_costs(
    store_with_returns: Store, other_store: Store
):
    browser = _finance_browser(store_with_returns)
    StaffStore.objects.create(user=User.objects.get(username="finance-page"), store=other_store)
    period = _period(store_with_returns)
    for name in ("cost", "chasing"):
        page = browser.get(f"/backoffice/analytics/{name}/", {**period, "store": store_with_returns.code})
        assert page.status_code == 404


def _rollups(store: Store) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    cells = set(RollupCell.objects.filter(store=store).values_list(*CELL_FIELDS))
    chasing = set(ChasingCell.objects.filter(store=store).values_list(*CHASING_FIELDS))
    return cells, chasing


CELL_FIELDS = ("day", "dimension", "key", "level", "category", "seller", *MEASURES)
CHASING_FIELDS = ("day", "dimension", "key", "level", "category", "seller", "count", "value", "seconds")


def test_following_the_changes_gives_what_a_rebuild_gives(store_with_returns: Store):
    """The scarf (R2) arrives and is refunded, a new return is asked and reminded: the worker's follow
    writes the cost cells and the chasing cells a rebuild writes."""
    r2 = Return.objects.get(order__number="#K2")
    r2 = handling.receive(r2, actor=None)
    line = r2.lines.get()
    r2 = handling.inspect(r2, [handling.Grading(line.pk, "unopened", disposition="liquidate")], actor=None)
    request, _created = request_refund(r2, idempotency_key="k2")
    for refund in request.refunds.all():
        confirm_manual(refund, actor=None)
    rollup.follow(store_with_returns)
    followed = _rollups(store_with_returns)
    assert any(row[1] == "refunded" for row in followed[1])
    assert values(report("chasing", store_with_returns))["refunds_paid"] == 2
    assert values(report("cost", store_with_returns))["returns"] == 2
    rollup.rebuild(store_with_returns)
    assert followed == _rollups(store_with_returns)
