"""`retour report cost` and `retour report chasing` on a small store made here, every figure worked out.

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

Chasing (returns asked for in the last 30 days): 4 asked; R1, R2, R3 approved with a parcel to send (R4 was
cancelled); R1 and R2 sent (2 of 3); the reminder of day 3 went to R2 only (R3, 20 days old when first
chased, expired at once), and R2 was sent after it; R3 expired with 60.00 of goods; R1 refunded the
day it was asked for (0 days: within the legal 14), on time, no surcharge.
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
from django.urls import reverse
from django.utils import timezone, translation

from retour.api.models import ApiToken
from retour.backoffice.models import StaffStore
from retour.backoffice.roles import FINANCE
from retour.catalog.models import Store
from retour.insights.cost_queries import net_cost_per_return
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


def test_every_cost_of_the_store_worked_out_by_hand(store_with_returns: Store):
    figures = report("cost", store_with_returns)

    assert (figures["returns"], figures["units"], figures["returned_value"]) == (2, 2, "85.00")
    assert {name: figures[name] for name in ("labels", "handling", "tracking", "insurance")} == {
        "labels": "3.20",
        "handling": "1.00",
        "tracking": "0.50",
        "insurance": "0.80",
    }
    assert (figures["payment_fees"], figures["disposition_loss"], figures["fees_charged"]) == (
        "1.50",
        "30.00",
        "0.00",
    )
    assert (figures["net"], figures["net_per_return"], figures["net_per_unit"]) == ("37.00", "18.50", "18.50")
    assert figures["share_of_value"] == "0.4353"  # 37 / 85
    assert figures["by_reason"]["defective"]["net"] == "37.00"
    assert figures["by_reason"]["changed_mind"]["net"] == "0.00"
    assert figures["by_disposition"] == {
        "refurbish": {"units": 1, "returned_value": "60.00", "loss": "30.00"}
    }
    today = timezone.localdate(timezone=store_with_returns.zone)
    per_return = net_cost_per_return(
        store_with_returns, today - timedelta(days=30), today + timedelta(days=1)
    )
    assert (per_return.amount, per_return.currency) == (Decimal("18.50"), "EUR")


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
    figures = report("chasing", store_with_returns)

    assert (figures["requested"], figures["to_ship"], figures["shipped"], figures["shipped_share"]) == (
        4,
        3,
        2,
        "0.6667",
    )
    assert figures["reminders"] == {"3": {"reminded": 1, "shipped_after": 1, "share": "1.0000"}}
    assert (figures["expired"], figures["expired_value"]) == (1, "60.00")
    refunds = figures["refunds"]
    assert (refunds["paid"], refunds["within_14_days"], refunds["after_14_days"]) == (1, 1, 0)
    assert (refunds["paid_late"], refunds["surcharges_owed"]) == (0, "0.00")


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
    assert report("cost", store_with_returns)["tracking"] == "0.50"


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


def test_a_period_that_ends_before_it_starts_is_refused(store_with_returns: Store):
    with pytest.raises(CommandError):
        call_command("report", "chasing", "--from", "2026-03-02", "--to", "2026-03-01")


def _finance_client(store: Store) -> Client:
    user = User.objects.create_user("finance", "finance@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name=FINANCE))
    _record, token = ApiToken.issue(user, "analytics")
    return Client(headers={"Authorization": f"Bearer {token}"})


def _period(store: Store) -> dict[str, str]:
    today = timezone.localdate(timezone=store.zone)
    return {"from": (today - timedelta(days=30)).isoformat(), "to": (today + timedelta(days=1)).isoformat()}


def test_the_api_gives_the_figures_of_the_command(store_with_returns: Store):
    client = _finance_client(store_with_returns)
    for name in ("cost", "chasing"):
        response = client.get(f"/api/v1/analytics/{name}", _period(store_with_returns))
        assert response.status_code == 200, response.content
        assert response.json() == {"currency": "EUR", **report(name, store_with_returns)}


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
    assert client.get("/api/v1/analytics/cost", _period(store_with_returns)).json()["tracking"] == "0.75"


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


def test_the_pages_and_their_csv_files_give_the_figures_of_the_command(store_with_returns: Store):
    browser = _finance_browser(store_with_returns)
    period = _period(store_with_returns)
    query = {"start": period["from"], "end": period["to"], "store": store_with_returns.pk}
    cost = report("cost", store_with_returns)
    page = browser.get(reverse("backoffice:analytics-cost"), query, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Net cost: €37.00 (43.53\u00a0% of the returned value), €18.50 per return." in text
    assert "<svg" in text
    assert "Value lost by disposition" in text
    rows = list(
        csv.reader(
            io.StringIO(
                browser.get(reverse("backoffice:analytics-cost"), {**query, "format": "csv"}).content.decode()
            )
        )
    )
    assert rows[1][:2] == ["total", ""]
    assert dict(zip(rows[0][2:], rows[1][2:], strict=True)) == {key: str(cost[key]) for key in rows[0][2:]}
    chasing = report("chasing", store_with_returns)
    rows = list(
        csv.reader(
            io.StringIO(
                browser.get(
                    reverse("backoffice:analytics-chasing"), {**query, "format": "csv"}
                ).content.decode()
            )
        )
    )
    assert ["shipped_share", "", chasing["shipped_share"]] in rows
    assert ["expired_value", "", chasing["expired_value"]] in rows


def test_the_pages_speak_french(store_with_returns: Store):
    browser = _finance_browser(store_with_returns)
    period = _period(store_with_returns)
    query = {"start": period["from"], "end": period["to"], "store": store_with_returns.pk}
    with translation.override("fr"):
        cost_url, chasing_url = reverse("backoffice:analytics-cost"), reverse("backoffice:analytics-chasing")
    cost = browser.get(cost_url, query, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert (
        "Coût net\u00a0: 37,00\u00a0€ (43,53\u00a0% de la valeur retournée), 18,50\u00a0€ par retour." in cost
    )
    chasing = browser.get(chasing_url, query, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Acceptations expirées" in chasing


def test_a_page_refuses_a_backwards_period_with_its_reason(store_with_returns: Store):
    browser = _finance_browser(store_with_returns)
    page = browser.get(
        reverse("backoffice:analytics-cost"),
        {"start": "2026-03-02", "end": "2026-03-01", "store": store_with_returns.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 200
    assert "The period must end after it starts." in page.content.decode()


def test_a_staff_member_limited_to_another_store_cannot_see_this_ones_costs(
    store_with_returns: Store, other_store: Store
):
    browser = _finance_browser(store_with_returns)
    StaffStore.objects.create(user=User.objects.get(username="finance-page"), store=other_store)
    period = _period(store_with_returns)
    page = browser.get(
        reverse("backoffice:analytics-cost"),
        {"start": period["from"], "end": period["to"], "store": store_with_returns.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    text = page.content.decode()
    assert "Select a valid choice" in text
    assert "37.00" not in text
