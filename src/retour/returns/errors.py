"""What the returns services refuse, each with a stable code for the API."""

from __future__ import annotations

from retour.core.errors import DomainError


class ReturnInvalid(DomainError):
    code = "return_invalid"
    status = 422


class LineNotReturnable(DomainError):
    code = "line_not_returnable"
    status = 422


class QuantityUnavailable(DomainError):
    code = "quantity_unavailable"
    status = 409


class NotDelivered(DomainError):
    """The line has not arrived (no delivery known): the guarantee's not-received claim, not a return."""

    code = "not_delivered"
    status = 409


class TransitionRefused(DomainError):
    code = "transition_refused"
    status = 409


class ExchangeUnpaid(DomainError):
    """An exchange order still has something to pay: the return is not closed as exchanged."""

    code = "exchange_unpaid"
    status = 409


class NoPolicy(DomainError):
    code = "no_active_policy"
    status = 409


class ReturnNotFound(DomainError):
    code = "return_not_found"
    status = 404


class PhotoRefused(DomainError):
    code = "photo_refused"
    status = 422
