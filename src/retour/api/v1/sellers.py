"""``/api/v1/sellers``: invite someone to act for a marketplace seller (a seller staff account), and
withhold what a seller owes from a payout to it (``POST /{code}/recoveries``).

The invitation email carries a one-time link to set a password; the link itself is never returned.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from retour.api.scope import seller_scope, store_scope
from retour.api.v1.returns import require
from retour.claims.services import money
from retour.core.money import Money
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


class RecoveryIn(Schema):
    amount: Decimal = Field(gt=0, max_digits=19, decimal_places=2, description="The amount withheld.")
    currency: str = Field("", max_length=3, description="Its currency; the store's by default.")
    reference: str = Field(min_length=1, max_length=200, description="The payout's reference: recorded once.")


class RecoveryOut(Schema):
    seller: str
    amount: Decimal
    currency: str
    reference: str
    owed: Decimal = Field(description="What the seller still owes in this currency.")


@router.post(
    "/{code}/recoveries",
    response={201: RecoveryOut},
    summary="Withhold what a seller owes from a payout to it",
)
def recover(
    request: HttpRequest, code: str, body: RecoveryIn, store: str | None = None
) -> Status[RecoveryOut]:
    """Records that ``amount`` of what the seller owes (granted claims it funds) was withheld from the
    payout ``reference``; the same reference again returns the first record. Refused (422,
    ``recovery_refused``) beyond what the seller owes."""
    require(request, "claims.decide_claim", _("You may not recover money from sellers."))
    if seller_scope(request) is not None:
        raise PermissionDenied(_("You may not recover money from sellers."))
    seller = accounts.find_seller(code, store_scope(request, store))
    currency = (body.currency or seller.store.currency).upper()
    amount = Money.of(body.amount, currency)
    money.recover(seller, amount, reference=body.reference, actor=request.user)
    owed = money.seller_balance(seller, currency).rounded()
    return Status(
        201,
        RecoveryOut(
            seller=seller.code,
            amount=amount.amount,
            currency=currency,
            reference=body.reference.strip(),
            owed=owed.amount,
        ),
    )
