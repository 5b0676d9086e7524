"""What the seller-account services refuse, each with a stable code for the API."""

from __future__ import annotations

from retour.core.errors import DomainError


class InvitationRefused(DomainError):
    """The invitation cannot be made (the store itself, an email already in use)."""

    code = "invitation_refused"
    status = 422


class InvitationInvalid(DomainError):
    """The link is unknown, used or expired; or the password is refused."""

    code = "invitation_invalid"
    status = 422


class SellerNotFound(DomainError):
    code = "seller_not_found"
    status = 404
