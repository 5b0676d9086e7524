"""Emails to a seller's staff about its claims: when one is filed, and 24 hours before ``respond_by``.

Each (claim, kind, address) is one ``SellerNotice`` row, made before sending under a unique constraint:
two workers running the job at once send each email once. An email that failed (SMTP down) is tried
again on the next runs, up to ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from retour.claims.domain import states
from retour.claims.models import Claim
from retour.core.site import site_url
from retour.sellers.models import SellerMember, SellerNotice

REMIND_BEFORE = timedelta(hours=24)
MAX_ATTEMPTS = 5


def _recipients(claim: Claim) -> list[tuple[str, str]]:
    """(address, language) of each active staff member of the claim's seller; else the seller's email."""
    members = SellerMember.objects.filter(seller_id=claim.seller_id, user__is_active=True).select_related(
        "user"
    )
    found = [(member.user.email, member.language) for member in members if member.user.email]
    if not found and claim.seller.email:
        found = [(claim.seller.email, claim.store.default_language)]
    return found


def _due(kind: str, now: datetime) -> QuerySet[Claim]:
    waiting = Claim.objects.filter(state=states.AWAITING_SELLER, respond_by__gt=now).select_related(
        "seller", "store", "order"
    )
    if kind == SellerNotice.Kind.REMINDER:
        waiting = waiting.filter(respond_by__lte=now + REMIND_BEFORE)
    return waiting.order_by("respond_by", "id")


def _claimed(claim: Claim, kind: str, to: str, language: str) -> SellerNotice | None:
    """The notice row, made now; None when another run made it first."""
    try:
        with transaction.atomic():
            return SellerNotice.objects.create(claim=claim, kind=kind, to=to, language=language)
    except IntegrityError:
        return None


def render(notice: SellerNotice) -> EmailMultiAlternatives:
    claim = notice.claim
    language = notice.language if notice.language in ("en", "fr") else "en"
    with translation.override(language), timezone.override(claim.store.zone):
        link = site_url() + reverse("sellers:claim", args=[claim.number])
        context = {
            "claim": claim,
            "kind": notice.kind,
            "link": link,
            "respond_by": claim.respond_by,
            "claimable": claim.money(claim.claimable).format("fr_FR" if language == "fr" else "en_GB"),
            "type": Claim.Type(claim.claim_type).label,
        }
        if notice.kind == SellerNotice.Kind.FILED:
            subject = _("New guarantee claim %(number)s on order %(order)s")
        else:
            subject = _("24 hours left to answer claim %(number)s")
        subject = subject % {"number": claim.number, "order": claim.order.number}
        text = render_to_string("sellers/emails/claim_notice.txt", context)
        html = render_to_string("sellers/emails/claim_notice.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [notice.to])
    message.attach_alternative(html, "text/html")
    return message


def _send(notice: SellerNotice) -> bool:
    notice.attempts += 1
    try:
        render(notice).send(fail_silently=False)
    except OSError as error:  # SMTP refused or unreachable: kept, tried again next run
        notice.status, notice.error = SellerNotice.Status.FAILED, str(error)[:2000]
        notice.save(update_fields=["status", "error", "attempts"])
        return False
    notice.status, notice.sent_at, notice.error = SellerNotice.Status.SENT, timezone.now(), ""
    notice.save(update_fields=["status", "sent_at", "error", "attempts"])
    return True


def notify_sellers(now: datetime | None = None, limit: int = 500) -> int:
    """Send what is due: the "claim filed" email of every claim waiting for its seller, the reminder of
    those within 24 hours of ``respond_by``, and failed ones again. The number of emails sent."""
    now = now or timezone.now()
    sent = 0
    made: list[int] = []  # failed now: tried again on the next run, not at once
    for kind in (SellerNotice.Kind.FILED, SellerNotice.Kind.REMINDER):
        for claim in _due(kind, now)[:limit]:
            for to, language in _recipients(claim):
                notice = _claimed(claim, kind, to, language)
                if notice is not None:
                    made.append(notice.pk)
                    sent += _send(notice)
    retry = SellerNotice.objects.filter(status=SellerNotice.Status.FAILED, attempts__lt=MAX_ATTEMPTS).exclude(
        pk__in=made
    )
    for notice in retry.select_related("claim", "claim__store", "claim__order")[:limit]:
        # Taken back to queued by one run only: another worker finds it no longer failed.
        taken = SellerNotice.objects.filter(
            pk=notice.pk, status=SellerNotice.Status.FAILED, attempts=notice.attempts
        ).update(status=SellerNotice.Status.QUEUED)
        if taken:
            sent += _send(notice)
    return sent
