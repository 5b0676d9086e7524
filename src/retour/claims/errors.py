"""What the claims services refuse, each with a stable code for the API."""

from __future__ import annotations

from retour.core.errors import DomainError


class ClaimInvalid(DomainError):
    """The request itself is wrong (an unknown line, a quantity, a missing reason)."""

    code = "claim_invalid"
    status = 422


class ClaimNotEligible(DomainError):
    """The guarantee's rules refuse the claim; ``reason`` is the rule's code, ``file_from`` when known."""

    code = "claim_not_eligible"
    status = 422


class ClaimExists(DomainError):
    code = "claim_exists"
    status = 409


class ClaimNotFound(DomainError):
    code = "claim_not_found"
    status = 404


class TransitionRefused(DomainError):
    code = "transition_refused"
    status = 409


class ResponseTooLate(DomainError):
    code = "response_too_late"
    status = 409


class AppealRefused(DomainError):
    code = "appeal_refused"
    status = 409


class RecoveryRefused(DomainError):
    code = "recovery_refused"
    status = 422
