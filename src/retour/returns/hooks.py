"""What the apps downstream of returns do at a return's moments, without returns importing them.

Notifications (an email per event), logistics (a label once approved) and refunds (a return the shopper
keeps is refunded; what was refunded already, the store's standard delivery price and an exchange's
charge, which a return's quote and its resolutions need) build on returns. Each registers its callback
once, at start-up (its AppConfig.ready), and returns call whatever is registered: the dependency goes one
way, as the import contracts check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ImproperlyConfigured

from retour.core.money import Money

if TYPE_CHECKING:
    from retour.orders.models import Customer, Order
    from retour.returns.models import Exchange, Return, ReturnEvent


class LabelIssuer(Protocol):
    def __call__(self, ret: Return, *, actor: Any = None) -> Return: ...


@dataclass(frozen=True)
class Refunded:
    """A refund of a return whose tender is pending or paid, as the refunds app stores it: the return it
    belongs to and its breakdown (``Computed.as_json``: units, fees and exchanges it covers)."""

    ret_id: int
    breakdown: Mapping[str, Any]


class ExchangePayments(Protocol):
    """How an exchange's difference is charged and a return's own costs booked (the refunds app)."""

    def check_method(self, customer: Customer | None, method: str, amount: Money) -> None:
        """Raise a DomainError when ``amount`` cannot be charged ``method``."""

    def open_charge(
        self, exchange: Exchange, *, reason: str, key: str, method: str = "original", actor: Any = None
    ) -> object | None:
        """Open the charge of ``exchange`` (in the caller's transaction), or None when nothing is due."""

    def attempt(self, charge: Any) -> object:
        """Ask the provider for an opened charge, after commit."""

    def owed(self, exchange: Exchange) -> Money:
        """What is still to be paid for ``exchange``."""

    def refund_pending(self, ret: Return) -> bool:
        """Whether a refund of ``ret`` waits for its provider."""

    def book_label_cost(self, ret: Return) -> None:
        """Book the cost of the return's label, once, when it resolves without a refund."""


_event_written: list[Callable[[ReturnEvent], object]] = []
_label_needed: list[LabelIssuer] = []
_kept: list[Callable[[int], object]] = []
_refunded: list[Callable[[int], Sequence[Refunded]]] = []
_standard_delivery: list[Callable[[Order], Money | None]] = []
_exchange_payments: list[ExchangePayments] = []


def on_event_written(callback: Callable[[ReturnEvent], object]) -> None:
    """``callback(event)`` after each event is written, in its transaction."""
    if callback not in _event_written:
        _event_written.append(callback)


def on_label_needed(callback: LabelIssuer) -> None:
    """``callback(ret, actor=...)`` when a return sent back by label is approved; returns the return."""
    if callback not in _label_needed:
        _label_needed.append(callback)


_review_checks: list[Callable[[Return], str | None]] = []


def on_review_check(callback: Callable[[Return], str | None]) -> None:
    """``callback(ret)`` once a return's lines are saved, before the policy may approve it on its own: a
    text (why, for staff) keeps it for a person to review; None lets the policy decide."""
    if callback not in _review_checks:
        _review_checks.append(callback)


def held_for_review(ret: Return) -> str | None:
    """Why a return the policy would approve on its own waits for a person instead, or None."""
    reasons = [reason for reason in (callback(ret) for callback in _review_checks) if reason]
    return " ".join(reasons) or None


def on_kept(callback: Callable[[int], object]) -> None:
    """``callback(return_id)`` once a return the shopper keeps entirely is approved and committed."""
    if callback not in _kept:
        _kept.append(callback)


def on_refunded(callback: Callable[[int], Sequence[Refunded]]) -> None:
    """``callback(order_id)``: the order's refunds pending or paid, which a new quote starts after."""
    if callback not in _refunded:
        _refunded.append(callback)


def on_standard_delivery(callback: Callable[[Order], Money | None]) -> None:
    """``callback(order)``: what the order's store charges for a standard delivery, if it said."""
    if callback not in _standard_delivery:
        _standard_delivery.append(callback)


def on_exchange_payments(payments: ExchangePayments) -> None:
    """The one way exchanges are charged; registering again replaces it."""
    _exchange_payments[:] = [payments]


def event_written(event: ReturnEvent) -> None:
    for callback in _event_written:
        callback(event)


def label_needed(ret: Return, *, actor: Any = None) -> Return:
    for callback in _label_needed:
        ret = callback(ret, actor=actor)
    return ret


def kept(return_id: int) -> None:
    for callback in _kept:
        callback(return_id)


def refunded(order_id: int) -> list[Refunded]:
    return [row for callback in _refunded for row in callback(order_id)]


def standard_delivery(order: Order) -> Money | None:
    return next(
        (price for price in (callback(order) for callback in _standard_delivery) if price is not None), None
    )


def exchange_payments() -> ExchangePayments:
    if not _exchange_payments:
        raise ImproperlyConfigured("No app charges exchanges: add retour.refunds to INSTALLED_APPS.")
    return _exchange_payments[0]
