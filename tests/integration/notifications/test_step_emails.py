"""The emails of the later steps: the re-decision at inspection, the resolved outcomes, an exchange charged,
a refund that failed; in the shopper's language, as text and HTML, through a real SMTP server."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from babel.dates import format_date
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from fakes.stripe_server import FakeStripe
from retour.catalog.models import Product, Variant
from retour.orders.models import Order
from retour.portal import access
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def ask(order: Order, resolution: str = "refund", reason: str = "size_fit") -> Return:
    line = order.lines.order_by("position").first()
    return create_return(order, [LineRequest(line.pk, 1, reason, "unopened", resolution)])


def received(ret: Return) -> Return:
    return handling.receive(ret, actor=None)


def bodies(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def sent(smtp, word: str) -> list:
    return [m for m in smtp.messages if word.lower() in str(m["Subject"]).lower()]


def test_the_inspected_email_explains_a_changed_decision_in_the_shoppers_language(order, smtp):
    ret = received(ask(order))
    handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "used")], actor=None)
    run_worker()
    (inspected,) = sent(smtp, "inspecté")
    text, html = bodies(inspected)
    for body in (text, html):
        assert "jugé usagé" in body  # French, as the shopper asked
        assert "vous l’aviez déclaré non ouvert" in body


def test_an_unchanged_decision_is_not_repeated_to_the_shopper(make_order, smtp):
    ret = received(ask(make_order("#1003", language="en")))
    handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "unopened")], actor=None)
    run_worker()
    (inspected,) = sent(smtp, "inspected")
    text, _html = bodies(inspected)
    assert "nothing changes" not in text
    assert "Pull en laine" in text


def test_a_line_rejected_at_inspection_is_named(make_order, smtp):
    ret = received(ask(make_order("#1004", language="en")))
    handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "unopened", "rejected")], actor=None)
    run_worker()
    (inspected,) = sent(smtp, "inspected")
    assert "This item was not accepted at inspection." in bodies(inspected)[0]


def test_the_approved_email_gives_the_expiry_setting(order, smtp, settings):
    settings.RETURN_EXPIRY_DAYS = 21
    ask(order)
    run_worker()
    (approved,) = sent(smtp, "accepté")
    text, html = bodies(approved)
    assert "21 jours" in text
    assert "21 jours" in html
    assert "14 jours" not in text


def test_a_repaired_return_gets_its_email_in_english_and_in_french(make_order, smtp):
    from retour.returns.services.resolutions import repair

    for number, language in (("#1005", "en"), ("#1006", "fr")):
        ret = received(ask(make_order(number, language=language), reason="defective"))
        ret = handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "unopened")], actor=None)
        repair(ret, ret.lines.get(), actor=None, note="")
    run_worker()
    english, french = sent(smtp, "has been repaired"), sent(smtp, "a été réparé")
    assert len(english) == len(french) == 1
    assert "sending it back" in bodies(english[0])[0]
    assert '<html lang="fr">' in bodies(french[0])[1]


def test_a_replacement_closed_gets_its_email(order, policy_store, smtp):
    from retour.returns.services.resolutions import close_exchanged, exchange

    ret = received(ask(order, resolution="exchange"))
    ret = handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "unopened")], actor=None)
    exchange(ret, ret.lines.get(), None, actor=None)
    close_exchanged(Return.objects.get(pk=ret.pk), actor=None)
    run_worker()
    (closed,) = sent(smtp, "terminé")
    assert ret.number in str(closed["Subject"])
    assert "remplacement" in bodies(closed)[0]


def test_an_instant_exchange_charged_tells_the_shopper_what_is_due(order, policy_store, smtp):
    from retour.returns.services.resolutions import charge_unreturned_instant_exchanges, exchange

    ret = ask(order, resolution="exchange")
    product = Product.objects.filter(store=policy_store).first()
    size_l = Variant.objects.create(store=policy_store, product=product, sku="L", price=Decimal("60.00"))
    made = exchange(ret, ret.lines.get(), size_l, actor=None, instant=True)
    Order.objects.filter(pk=made.order_id).update(fulfillment_status="fulfilled")
    approved = Return.objects.get(pk=ret.pk).approved_at
    assert charge_unreturned_instant_exchanges(approved + timedelta(days=30)) == 1
    run_worker()
    (charged,) = sent(smtp, "est maintenant facturée")
    text, html = bodies(charged)
    assert "#1001-X1" in str(charged["Subject"])
    assert "60,00" in text
    assert "60,00" in html


@pytest.fixture
def fake_stripe(fixtures_dir, settings):
    fixture = json.loads((fixtures_dir / "stripe" / "refund.stripe-mock-fixtures3.json").read_text())
    server = FakeStripe(fixture).start()
    settings.STRIPE_API_KEY = "sk_test_fake"
    settings.STRIPE_API_BASE = server.url
    yield server
    server.stop()


def test_a_failed_refund_is_told_to_the_shopper(make_order, fake_stripe, smtp):
    from retour.refunds.services.paying import request_refund

    order = make_order(
        "#9001",
        payments=[
            {"method": "card", "gateway": "stripe", "reference": "ch_1PgafuB7WZ01zgkW", "amount": "145.00"}
        ],
    )
    ret = received(ask(order, reason="defective"))
    ret = handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "unopened")], actor=None)
    fake_stripe.fail_next = True
    request, _created = request_refund(ret, idempotency_key="fails", actor=None)
    assert request.refunds.get().status == "failed"
    assert ret.events.filter(kind="refund_failed").count() == 1
    run_worker()
    (failed,) = sent(smtp, "problème avec votre remboursement")
    text, html = bodies(failed)
    assert "60,00" in text
    assert "60,00" in html


def test_the_label_email_and_the_status_page_give_the_day_to_send_by(order, smtp, settings):
    settings.RETURN_EXPIRY_DAYS = 21
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened")], return_method="label")
    assert ret.state == "label_issued"
    last_day = handling.ship_by(ret)
    expires = ret.approved_at + timedelta(days=21)
    assert last_day == timezone.localdate(expires - timedelta(seconds=1), ret.store.zone)
    assert handling.expire(ret, days=21, now=expires - timedelta(seconds=1)) is None  # still in time
    run_worker()
    (label,) = sent(smtp, "étiquette de retour")
    text, html = bodies(label)
    in_words = format_date(last_day, "long", locale="fr_FR")
    assert f"déposez-le au plus tard le {in_words}" in text
    assert in_words in html
    shopper = Client()
    session = shopper.session
    session[access.SESSION_KEY] = [order.pk]
    session.save()
    page = shopper.get(reverse("portal:return", args=[ret.number]), headers={"Accept-Language": "en"})
    assert (
        f"Send it by {formats.date_format(last_day, 'DATE_FORMAT')}: after that day the return expires."
        in (page.content.decode())
    )
    # nothing to send, nothing to say: a return already on its way
    assert handling.ship_by(handling.mark_in_transit(ret)) is None
