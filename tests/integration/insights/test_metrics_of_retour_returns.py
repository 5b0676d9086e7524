"""Returns made in Retour count in the metrics from Retour's own records: state, lines, refunds, ledger."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from integration.refunds.helpers import inspect_all
from retour.catalog.models import Store
from retour.insights.queries import status_of
from retour.orders.models import Order
from retour.refunds.models import DeliveryPrices, Refund
from retour.refunds.services.paying import confirm_manual, request_refund
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return

pytestmark = pytest.mark.django_db


def metrics(store: Store) -> dict[str, Any]:
    today = timezone.localdate(timezone=store.zone)
    out = io.StringIO()
    call_command(
        "report",
        "metrics",
        "--from",
        (today - timedelta(days=30)).isoformat(),
        "--to",
        (today + timedelta(days=1)).isoformat(),
        "--json",
        "--handling-cost-per-unit",
        "1.25",
        stdout=out,
    )
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_a_refunded_return_and_a_cancelled_one_count_from_refunds_and_ledger(
    make_order: Callable[..., Order], policy_store: Store
):
    DeliveryPrices.objects.create(store=policy_store, currency="EUR", return_label=Decimal("3.20"))
    order = make_order("#M1")  # Pull en laine x 2 at 60.00, Echarpe x 1 at 25.00: 145.00
    sweater, scarf = order.lines.order_by("position")
    ret = create_return(order, [LineRequest(sweater.pk, 1, "defective", "unopened")], return_method="label")
    ret = inspect_all(ret)
    request, _created = request_refund(ret, idempotency_key="m1")
    for refund in request.refunds.all():
        confirm_manual(refund, actor=None)
    paid = sum((r.amount for r in Refund.objects.filter(request=request, status="succeeded")), Decimal(0))
    ret.refresh_from_db()
    assert status_of(ret.state, ret.outcome) == "refunded"
    cancelled = create_return(order, [LineRequest(scarf.pk, 1, "changed_mind", "unopened")])
    handling.cancel(cancelled, actor=None)

    figures = metrics(policy_store)

    assert (figures["orders"], figures["units"], figures["value"]) == (1, 3, "145.00")
    assert (figures["returned_orders"], figures["returned_units"], figures["returned_value"]) == (
        1,
        1,
        "60.00",
    )
    assert figures["by_reason"] == {
        "defective": {"returned_units": 1, "returned_value": "60.00", "share": "1.0000"}
    }
    assert figures["outcomes"]["refund"] == "60.00"
    assert figures["refunds_paid"] == f"{paid:.2f}"
    assert Decimal(figures["refunds_paid"]) > 0
    assert figures["cost"]["labels"] == "3.20"
    assert figures["cost"]["handling"] == "1.25"  # the one unit received
    assert figures["cost"]["fees_charged"] == f"{request.fees:.2f}"
    assert figures["void_returns"] == 1


def test_an_open_return_counts_as_returned_but_not_as_an_outcome(
    make_order: Callable[..., Order], policy_store: Store
):
    order = make_order("#M2")
    sweater = order.lines.order_by("position").first()
    assert sweater is not None
    create_return(order, [LineRequest(sweater.pk, 2, "size_fit", "unopened", "exchange")])

    figures = metrics(policy_store)

    assert (figures["returned_orders"], figures["returned_units"], figures["returned_value"]) == (
        1,
        2,
        "120.00",
    )
    assert set(figures["outcomes"].values()) == {"0.00"}
    assert figures["cost"]["handling"] == "0.00"  # nothing received yet
