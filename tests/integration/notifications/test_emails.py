"""Emails at each step, in the shopper's language, through a real SMTP server and the real worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from retour.notifications.models import Notification
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return
from retour.returns.tasks import chase
from smtp import free_port

# The real worker closes its database connection when done: each test commits for real (transaction=True).
pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def ask(order, django_capture_on_commit_callbacks) -> Return:
    line = order.lines.order_by("position").first()
    with django_capture_on_commit_callbacks(execute=True):
        return create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened")])


def test_a_french_shopper_gets_french_emails_in_text_and_html(
    order, smtp, django_capture_on_commit_callbacks
):
    ret = ask(order, django_capture_on_commit_callbacks)
    run_worker()
    subjects = [str(message["Subject"]).strip() for message in smtp.messages]
    # Approved by the policy at once: the approval says it all, the request's email is not sent.
    assert subjects == [f"Votre retour {ret.number} est accepté"]
    approved = smtp.messages[0]
    assert approved["To"] == "1001@example.com"
    text = approved.get_body(("plain",)).get_content()
    html = approved.get_body(("html",)).get_content()
    assert ret.number in text
    assert '<html lang="fr">' in html
    assert "Pull en laine" in html
    assert Notification.objects.filter(status="sent").count() == 1
    assert Notification.objects.get(status="skipped").kind == "requested"


def test_an_english_shopper_gets_english_emails(make_order, smtp, django_capture_on_commit_callbacks):
    order = make_order("#1002", language="en")
    ret = ask(order, django_capture_on_commit_callbacks)
    run_worker()
    assert str(smtp.messages[0]["Subject"]).strip() == f"Your return {ret.number} is approved"


def test_running_the_worker_twice_sends_once(order, smtp, django_capture_on_commit_callbacks):
    ask(order, django_capture_on_commit_callbacks)
    run_worker()
    run_worker()
    assert len(smtp.messages) == 1
    from retour.notifications.tasks import send_notification

    for row in Notification.objects.all():  # the sent one and the one the approval replaced
        send_notification.call(row.pk)
    assert len(smtp.messages) == 1


def test_smtp_down_fails_then_a_retry_sends(order, smtp, settings, django_capture_on_commit_callbacks):
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nobody listens there
    ask(order, django_capture_on_commit_callbacks)
    run_worker()
    assert set(Notification.objects.values_list("status", flat=True)) == {"failed", "skipped"}
    settings.EMAIL_PORT = port
    from retour.notifications.tasks import retry_failed_notifications

    assert retry_failed_notifications.call() == 1
    run_worker()
    assert len(smtp.messages) == 1
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent", "skipped"}


def test_refund_and_rejection_emails_carry_the_amount_and_the_reason(
    order, smtp, django_capture_on_commit_callbacks
):
    from retour.refunds.services.paying import confirm_manual, request_refund

    ret = ask(order, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        handling.receive(ret, actor=None)
        line = ret.lines.get()
        handling.inspect(ret, [handling.Grading(line.pk, "unopened")], actor=None)
        request, _ = request_refund(ret, idempotency_key="k", actor=None)
        confirm_manual(request.refunds.get(), actor=None)
    run_worker()
    refunded = [m for m in smtp.messages if "remboursement" in str(m["Subject"]).strip().lower()]
    assert len(refunded) == 1
    body = refunded[0].get_body(("plain",)).get_content()
    assert "55,05\u00a0€" in body or "55,05 €" in body  # 60.00 - 4.95 return shipping, French format
    assert "au plus tard" in body  # the expected date, in French


def test_reminders_on_day_3_and_7_then_expiry_on_day_14_each_once(
    order, smtp, django_capture_on_commit_callbacks
):
    ret = ask(order, django_capture_on_commit_callbacks)
    approved = Return.objects.get(pk=ret.pk).approved_at
    with django_capture_on_commit_callbacks(execute=True):
        for day in (1, 3, 3, 4, 7, 8, 13):
            chase(approved + timedelta(days=day, hours=1))
    kinds = list(Return.objects.get(pk=ret.pk).events.values_list("kind", "data"))
    reminders = [data["day"] for kind, data in kinds if kind == "reminder"]
    assert reminders == [3, 7]
    with django_capture_on_commit_callbacks(execute=True):
        assert chase(approved + timedelta(days=14, hours=1)).expired == 1
        assert chase(approved + timedelta(days=15)).expired == 0
    assert Return.objects.get(pk=ret.pk).state == "expired"
    run_worker()
    subjects = [str(m["Subject"]).strip() for m in smtp.messages]
    assert sum("Rappel" in s for s in subjects) == 2
    assert sum("expiré" in s for s in subjects) == 1


def test_the_chase_command(order, capsys):
    call_command("chase_returns")
    assert timezone.now()


def test_an_exchange_email_names_the_new_order(order, policy_store, smtp, django_capture_on_commit_callbacks):
    from decimal import Decimal

    from retour.catalog.models import Product, Variant
    from retour.returns.services.resolutions import exchange

    line = order.lines.order_by("position").first()
    with django_capture_on_commit_callbacks(execute=True):
        ret = create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened", "exchange")])
        product = Product.objects.filter(store=policy_store).first()
        size_l = Variant.objects.create(store=policy_store, product=product, sku="L", price=Decimal("60.00"))
        exchange(ret, ret.lines.get(), size_l, actor=None, instant=True)
    run_worker()
    exchanged = [m for m in smtp.messages if "échange" in str(m["Subject"]).lower()]
    assert len(exchanged) == 1
    assert "#1001-X1" in exchanged[0].get_body(("plain",)).get_content()
