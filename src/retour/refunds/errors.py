"""Errors shared by the refunds services, each with a stable code for the API."""

from __future__ import annotations

from retour.core.errors import DomainError


class ReferenceReused(DomainError):
    """A balance was already spent with this reference, for another amount."""

    code = "reference_reused"
    status = 422


class IdempotencyKeyRequired(DomainError):
    code = "idempotency_key_required"
    status = 400


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422
