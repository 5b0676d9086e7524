"""Orders of the demo store a newcomer can try the portal with: what `make run` prints."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from retour.catalog.models import Store
from retour.orders.models import Order, OrderLine
from retour.policies.order_facts import delivered_on
from retour.returns.services.creating import LineRequest, decide_lines, returnable_units
from retour.returns.services.withdrawing import withdrawable


def sample_orders(store: Store, *, limit: int = 200) -> dict[str, Order]:
    """A recent French order the right of withdrawal still covers ("withdrawal"), and a recent English
    one with something to return ("english"), when the demo has them: each has a line the portal's items
    screen lets the shopper pick and the policy takes back."""
    recent = (
        Order.objects.filter(store=store, ordered_at__gte=timezone.now() - timedelta(days=25))
        .exclude(email="")
        .select_related("store", "customer")
        .order_by("-ordered_at")[:limit]
    )
    found: dict[str, Order] = {}
    for order in recent:
        french = order.language == "fr" and order.shipping_country == "FR"
        if "withdrawal" not in found and french and _withdrawable(order):
            found["withdrawal"] = order
        elif "english" not in found and order.language == "en" and _returnable(order):
            found["english"] = order
        if len(found) == 2:
            break
    return found


def returnable_orders(store: Store, *, days: int = 25, limit: int = 10_000) -> list[Order]:
    """Recent orders with something the items screen lets a shopper pick and the policy takes back: what
    the load test (bench/load_locust.py) sends its shoppers and API clients to."""
    recent = (
        Order.objects.filter(store=store, ordered_at__gte=timezone.now() - timedelta(days=days))
        .exclude(email="")
        .select_related("store", "customer")
        .order_by("-ordered_at")[:limit]
    )
    return [order for order in recent if _returnable(order)]


def _withdrawable(order: Order) -> bool:
    return _returnable(order) and any(
        item.decision.legal_basis == "eu_withdrawal" for item in withdrawable(order)
    )


def _returnable(order: Order) -> bool:
    """Whether the items screen lets the shopper pick a line (delivered, units left) that the policy takes
    back for a reason any shopper may give."""
    return returnable_line(order) is not None


def returnable_line(order: Order) -> OrderLine | None:
    """The first line of the order a shopper can pick on the items screen and the policy takes back for
    a reason any shopper may give (changed mind, unopened); None when there is none."""
    for line in order.lines.select_related("shipment").order_by("position"):
        line.order = order
        units = returnable_units(line)
        if not units or delivered_on(line) is None:
            continue
        request = LineRequest(line.pk, units, "changed_mind", "unopened")
        if decide_lines(order, [request], now=timezone.now())[0].decision.eligible:
            return line
    return None
