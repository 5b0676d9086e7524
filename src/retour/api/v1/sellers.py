"""``/api/v1/sellers``: invite someone to act for a marketplace seller (a seller staff account).

The invitation email carries a one-time link to set a password; the link itself is never returned.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from retour.api.scope import store_scope
from retour.api.v1.returns import require
from retour.sellers.services import accounts

router = Router(tags=["sellers"])


class InvitationIn(Schema):
    email: str = Field(min_length=3, max_length=254)
    language: Literal["en", "fr"] = "en"


class InvitationOut(Schema):
    seller: str
    store: str
    email: str
    language: str
    invited_at: datetime
    expires_at: datetime


@router.post(
    "/{code}/invitations", response={201: InvitationOut}, summary="Invite someone to act for a seller"
)
def invite(
    request: HttpRequest, code: str, body: InvitationIn, store: str | None = None
) -> Status[InvitationOut]:
    """Emails ``email`` a one-time link to set a password; the account then reaches this seller's
    orders, returns, claims and money only (pages under /seller/ and this API with its own tokens).
    Refused (422, ``invitation_refused``) for the store's own seller or an email that has an account."""
    require(request, "sellers.add_invitation", _("You may not invite seller staff."))
    seller = accounts.find_seller(code, store_scope(request, store))
    invited = accounts.invite(
        seller, body.email, language=body.language, actor=request.user, site=request.build_absolute_uri("/")
    )
    invitation = invited.invitation
    return Status(
        201,
        InvitationOut(
            seller=seller.code,
            store=seller.store.code,
            email=invitation.email,
            language=invitation.language,
            invited_at=invitation.created_at,
            expires_at=invitation.expires_at,
        ),
    )
