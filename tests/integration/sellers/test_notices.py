"""Emails to a seller's staff: a claim filed against the seller, then 24 hours before respond_by; each
once, however often and on however many workers the job runs; a failed send is tried again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from integration.sellers.conftest import Marketplace, seller_user
from retour.claims.models import Claim
from retour.sellers.models import SellerNotice
from retour.sellers.services.notices import notify_sellers
from retour.sellers.tasks import notify_sellers as notify_task

pytestmark = pytest.mark.django_db


def test_a_filed_claim_is_emailed_once_to_each_staff_member_in_their_language(
    marketplace: Marketplace,
) -> None:
    seller_user(marketplace.nord.seller, "nord-fr", language="fr")
    seller_user(marketplace.nord.seller, "nord-en")
    claim = marketplace.nord.claim
    assert claim is not None
    sent = notify_sellers()
    assert sent == 2  # Maison Sud has no account and no email: nobody to tell
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"nord-fr@example.com", "nord-en@example.com"}
    french = by_address["nord-fr@example.com"]
    assert (
        french.subject
        == f"Nouvelle réclamation de garantie {claim.number} sur la commande {claim.order.number}"
    )
    assert "85,00\u00a0€" in str(french.body)
    assert f"/seller/claims/{claim.number}/" in str(french.body)
    english = by_address["nord-en@example.com"]
    assert english.subject == f"New guarantee claim {claim.number} on order {claim.order.number}"
    assert "without an answer, the claim is granted at your cost" in str(english.body)
    assert notify_sellers() == 0  # run again: nothing more
    assert len(mail.outbox) == 2


def test_the_reminder_leaves_24_hours_before_respond_by_once(marketplace: Marketplace) -> None:
    seller_user(marketplace.nord.seller, "nord-en")
    claim = marketplace.nord.claim
    assert claim is not None
    notify_sellers()
    mail.outbox.clear()
    assert notify_sellers(now=claim.respond_by - timedelta(hours=25)) == 0
    assert notify_sellers(now=claim.respond_by - timedelta(hours=23)) == 1
    [message] = mail.outbox
    assert message.subject == f"24 hours left to answer claim {claim.number}"
    assert notify_sellers(now=claim.respond_by - timedelta(hours=1)) == 0
    notice = SellerNotice.objects.get(claim=claim, kind="reminder")
    assert (notice.status, notice.attempts, notice.to) == ("sent", 1, "nord-en@example.com")


def test_an_answered_or_overdue_claim_gets_no_reminder(marketplace: Marketplace) -> None:
    seller_user(marketplace.nord.seller, "nord-en")
    claim = marketplace.nord.claim
    assert claim is not None
    Claim.objects.filter(pk=claim.pk).update(state="seller_responded")
    assert notify_sellers(now=claim.respond_by - timedelta(hours=2)) == 0
    Claim.objects.filter(pk=claim.pk).update(state="awaiting_seller")
    assert notify_sellers(now=claim.respond_by + timedelta(minutes=1)) == 0
    assert mail.outbox == []


def test_a_failed_send_is_tried_again_on_the_next_run(marketplace: Marketplace, settings) -> None:
    seller_user(marketplace.nord.seller, "nord-en")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    assert notify_sellers() == 0
    notice = SellerNotice.objects.get(kind="filed")
    assert (notice.status, notice.attempts) == ("failed", 1)
    assert notice.error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notify_sellers() == 1
    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.error) == ("sent", 2, "")
    assert notify_sellers() == 0


def test_the_worker_job_is_scheduled_and_runs_the_same_service(marketplace: Marketplace) -> None:
    from retour.config.schedule import JOBS

    assert any(job.task == "retour.sellers.tasks.notify_sellers" for job in JOBS)
    seller_user(marketplace.nord.seller, "nord-en")
    assert notify_task.call() == 1
    assert timezone.now() < marketplace.nord.claim.respond_by  # type: ignore[union-attr]
