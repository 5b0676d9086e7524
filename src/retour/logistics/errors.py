"""What logistics refuses, each with a stable code for the API."""

from __future__ import annotations

from retour.core.errors import DomainError


class NoLabel(DomainError):
    """The return has no label to print: not approved yet, sent back another way, or closed before."""

    code = "no_label"
    status = 409


class CarrierFailed(DomainError):
    """The carrier refused or could not be reached: no label is bought, the return stays as it was."""

    code = "carrier_failed"
    status = 502


class AddressInvalid(DomainError):
    code = "return_address_invalid"
    status = 422


class AddressNotFound(DomainError):
    code = "return_address_not_found"
    status = 404
