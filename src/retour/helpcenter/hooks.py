"""What the help center shows of the shopper's own orders, without importing the portal (which builds on
the help center): the portal registers, at start-up (its AppConfig.ready), a function that reads the
returns this browser's session was granted, and the help center asks it when a search is about the
shopper's own order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.http import HttpRequest


@dataclass(frozen=True)
class OrderStatus:
    order: str  # the order's number
    ret: str  # the return's number
    state: str  # as the portal words it for a shopper
    earliest: date | None  # when the money should reach the shopper: None when no refund is coming
    latest: date | None
    awaiting: bool  # the parcel is still to be sent: the dates hold if it is sent today
    refunded: bool  # the refund was sent
    url: str  # the return's page in the portal


_providers: list[Callable[[HttpRequest], list[OrderStatus]]] = []


def on_order_status(provider: Callable[[HttpRequest], list[OrderStatus]]) -> None:
    """``provider(request)``: the returns of the orders this session may see, latest first."""
    if provider not in _providers:
        _providers.append(provider)


def order_statuses(request: HttpRequest) -> list[OrderStatus]:
    return [status for provider in _providers for status in provider(request)]
