"""The buyer's email at each step of a claim (filed, the seller answered, decided, paid, appeal received and
decided), in the order's language, sent once by the worker through a real SMTP server."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from retour.claims.models import Claim
from retour.claims.services.deciding import Answer, appeal, decide, respond
from retour.claims.services.filing import ClaimedLine, Filing, file_claim
from retour.claims.services.money import settle_payouts
from retour.notifications.models import ClaimNotification
from retour.refunds.services.paying import confirm_manual

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def smtp(settings: Any) -> Any:
    """A real SMTP server; Django's SMTP backend pointed at it."""
    from smtp import SmtpServer

    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "Maison <retours@example.com>"
    yield server
    server.stop()


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def subjects(smtp: Any) -> list[str]:
    return [str(message["Subject"]).strip() for message in smtp.messages]


def body(message: Any) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def filed(order: Any) -> Claim:
    line = order.lines.get()
    claim, _ = file_claim(order, Filing("not_received", [ClaimedLine(line.pk, 1)], message="Jamais reçu."))
    return claim


def test_each_step_of_a_claim_emails_the_buyer_once_in_french(marketplace_order, claims_agent, smtp):
    order = marketplace_order()  # a French order
    claim = filed(order)
    run_worker()
    assert subjects(smtp) == [f"Nous avons bien reçu votre réclamation {claim.number}"]
    text, html = body(smtp.messages[0])
    for part in (text, html):
        assert "Le vendeur a jusqu’au" in part
        assert claim.number in part
        assert order.number in part
    assert smtp.messages[0]["To"] == "5001@example.com"

    respond(claim, Answer("evidence", tracking_number="1Z9", message="Expédié à temps."))
    run_worker()
    assert subjects(smtp)[-1] == f"Le vendeur a répondu à votre réclamation {claim.number}"
    assert "Expédié à temps." in body(smtp.messages[-1])[0]

    claim, _ = decide(claim, "granted", note="Le suivi s’arrête au dépôt.", key="d", actor=claims_agent)
    run_worker()
    assert subjects(smtp)[-1] == f"Votre réclamation {claim.number} est acceptée"
    text, _html = body(smtp.messages[-1])
    assert "85,00\u00a0€" in text
    assert "Le suivi s’arrête au dépôt." in text

    for refund in claim.payout_request.refunds.all():
        confirm_manual(refund, actor=claims_agent)
    settle_payouts()
    run_worker()
    assert subjects(smtp)[-1] == f"Votre versement pour la réclamation {claim.number} est parti"

    appeal(claim, "seller", reason="Livré.")
    run_worker()
    assert subjects(smtp)[-1] == f"Nous avons reçu l’appel sur la réclamation {claim.number}"
    decide(claim, "granted", note="La décision est maintenue.", key="a", actor=claims_agent)
    run_worker()
    assert subjects(smtp)[-1] == f"L’appel sur la réclamation {claim.number} est tranché"
    assert "La décision est maintenue." in body(smtp.messages[-1])[0]

    run_worker()  # nothing is sent twice
    assert len(smtp.messages) == 6
    assert set(ClaimNotification.objects.values_list("status", flat=True)) == {"sent"}
    assert ClaimNotification.objects.filter(claim=claim).count() == 6


def test_a_declined_claim_says_why_and_how_to_appeal_in_english(marketplace_order, claims_agent, smtp):
    order = marketplace_order(language="en")
    claim = filed(order)
    decide(claim, "denied", note="The carrier has a signature.", key="d", actor=claims_agent)
    run_worker()
    assert subjects(smtp) == [
        f"We received your guarantee claim {claim.number}",
        f"About your claim {claim.number}",
    ]
    text, html = body(smtp.messages[-1])
    for part in (text, html):
        assert "The marketplace declined your claim." in part
        assert "The carrier has a signature." in part
        assert "You may appeal this decision within 30 days" in part
