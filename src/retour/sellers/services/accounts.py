"""Seller staff accounts: invited by the marketplace, scoped to one seller, a password set once through a
one-time link. A seller account is never staff: it reaches the seller pages and the API, scoped."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from retour.catalog.models import Seller, Store
from retour.core.site import site_url
from retour.sellers import config
from retour.sellers.errors import InvitationInvalid, InvitationRefused, SellerNotFound
from retour.sellers.models import Invitation, SellerMember

SELLER_STAFF = "Seller staff"
# What a seller account may do, on its own seller's objects only (the pages and the API narrow it).
SELLER_PERMISSIONS = {
    "claims": ["view_claim", "respond_claim", "appeal_claim"],
    "returns": ["view_return", "approve_return"],
    "orders": ["view_order"],
    # seller-repairers: the repairs routed to the seller (the API narrows to them, as the pages do)
    "repairs": ["view_repair", "change_repair"],
}
LANGUAGES = ("en", "fr")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def seller_group() -> Group:
    """The group every seller account is in, with its permissions (idempotent)."""
    group, _created = Group.objects.get_or_create(name=SELLER_STAFF)
    wanted = Q(pk__in=[])
    for app_label, codenames in SELLER_PERMISSIONS.items():
        wanted |= Q(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.add(*Permission.objects.filter(wanted))
    return group


def seller_of(user: Any) -> Seller | None:
    """The seller a signed-in user acts for, or None (staff, shoppers, anonymous)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    user_id: int = user.pk
    member = SellerMember.objects.select_related("seller", "seller__store").filter(user_id=user_id).first()
    return member.seller if member is not None else None


def find_seller(code: str, store: Store | None = None) -> Seller:
    """A marketplace seller by code (in ``store`` when given); the store's own seller has no accounts."""
    query = Seller.objects.select_related("store").filter(code=code, kind=Seller.Kind.MARKETPLACE)
    if store is not None:
        query = query.filter(store=store)
    found = list(query[:2])
    if len(found) != 1:
        raise SellerNotFound(_("There is no marketplace seller %(code)s.") % {"code": code})
    return found[0]


@dataclass(frozen=True)
class Invited:
    invitation: Invitation
    link: str  # the one-time link, shown once (emailed; the command prints it)


def check_invitation(seller: Seller, email: str, language: str) -> str:
    """The email as it will be kept; InvitationRefused saying why it cannot be invited."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvitationRefused(_("“%(email)s” is not an email address.") % {"email": email}) from None
    if seller.kind != Seller.Kind.MARKETPLACE:
        raise InvitationRefused(
            _("The store's own seller has no seller accounts: its staff use the back office.")
        )
    if language not in LANGUAGES:
        raise InvitationRefused(_("The language is en or fr."))
    if get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
        raise InvitationRefused(
            _("%(email)s already has an account: one person acts for one seller.") % {"email": email}
        )
    return email


def invite(seller: Seller, email: str, *, language: str = "en", actor: Any = None, site: str = "") -> Invited:
    """Invite ``email`` to act for ``seller``: an invitation email with a one-time link to set a password.

    Refused for the store's own seller and for an email that already has an account (staff or another
    seller's): one person acts for one seller. Sent after commit."""
    email = check_invitation(seller, email, language)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            seller=seller,
            email=email,
            language=language,
            token_digest=_digest(token),
            invited_by=actor if getattr(actor, "is_authenticated", False) else None,
            expires_at=timezone.now() + config.invitation_lifetime(),
        )
        link = (site or site_url()).rstrip("/") + reverse("sellers:accept", args=[token])
        transaction.on_commit(lambda: _send_invitation(invitation, link))
    return Invited(invitation, link)


def _send_invitation(invitation: Invitation, link: str) -> None:
    with translation.override(invitation.language), timezone.override(invitation.seller.store.zone):
        context = {
            "seller": invitation.seller,
            "store": invitation.seller.store,
            "link": link,
            "expires_at": invitation.expires_at,
        }
        subject = _("%(store)s invites you to answer for %(seller)s") % {
            "store": invitation.seller.store.name,
            "seller": invitation.seller.name,
        }
        text = render_to_string("sellers/emails/invitation.txt", context)
        html = render_to_string("sellers/emails/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)


def open_invitation(token: str) -> Invitation:
    """The invitation of this link, still usable; InvitationInvalid otherwise (one message for all)."""
    found = (
        Invitation.objects.select_related("seller", "seller__store")
        .filter(token_digest=_digest(token or ""))
        .first()
    )
    if found is None or found.accepted_at is not None or found.expires_at <= timezone.now():
        raise InvitationInvalid(
            _("This invitation link is used, expired or wrong: ask the marketplace for a new one.")
        )
    return found


def accept(token: str, password: str) -> Any:
    """Set the password of the invitation's new account; the link then works no more."""
    with transaction.atomic():
        invitation = open_invitation(token)
        invitation = Invitation.objects.select_for_update().select_related("seller").get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise InvitationInvalid(
                _("This invitation link is used, expired or wrong: ask the marketplace for a new one.")
            )
        model = get_user_model()
        user = model(username=invitation.email, email=invitation.email, is_staff=False)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise InvitationInvalid(" ".join(error.messages)) from None
        if model.objects.filter(username__iexact=invitation.email).exists():
            raise InvitationInvalid(
                _("%(email)s already has an account: one person acts for one seller.")
                % {"email": invitation.email}
            )
        user.set_password(password)
        user.save()
        user.groups.add(seller_group())
        now = timezone.now()
        SellerMember.objects.create(
            user=user, seller=invitation.seller, language=invitation.language, joined_at=now
        )
        invitation.accepted_at, invitation.user = now, user
        invitation.save(update_fields=["accepted_at", "user"])
    return user


def add_member(seller: Seller, username: str, email: str, password: str, language: str = "en") -> Any:
    """An account for ``seller`` made at once, without an invitation (the demo, tests' setup)."""
    with transaction.atomic():
        user = get_user_model().objects.create_user(username, email, password)
        user.groups.add(seller_group())
        SellerMember.objects.create(user=user, seller=seller, language=language, joined_at=timezone.now())
    return user
