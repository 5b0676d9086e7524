"""The repairs' errors: one enum of codes, exceptions carrying them (mapped to problem+json by the API)."""

from __future__ import annotations

from enum import StrEnum

from retour.core.errors import DomainError


class Code(StrEnum):
    NOT_FOUND = "repair_not_found"
    REFUSED = "repair_transition_refused"
    INVALID = "repair_invalid"
    NOT_YOURS = "repair_not_yours"
    OUT_OF_STOCK = "repair_out_of_stock"


class RepairError(DomainError):
    code = Code.INVALID
    status = 400


class RepairInvalid(RepairError):
    code = Code.INVALID


class RepairRefused(RepairError):
    code = Code.REFUSED
    status = 409


class RepairNotFound(RepairError):
    code = Code.NOT_FOUND
    status = 404


class RepairOutOfStock(RepairError):
    code = Code.OUT_OF_STOCK
    status = 409
