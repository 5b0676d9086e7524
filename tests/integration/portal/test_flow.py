"""A return from the portal: find the order, choose the items, see what you get, confirm; in English and
in French, idempotent, refusing what the policy or the order does not allow, with photos when asked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from factories import delivered_line
from integration.portal.steps import (
    alert,
    choose_items,
    confirm,
    french,
    lines,
    look_up,
    pick,
    png_bytes,
    resolution,
    text,
)
from retour.catalog.models import Variant
from retour.core.money import Money
from retour.orders.models import Order
from retour.policies import services as policies
from retour.portal.views.common import DRAFT_KEY
from retour.refunds.services import deadlines
from retour.returns.models import Return, ReturnEvent, ReturnPhoto
from retour.returns.services.creating import LineRequest, create_return

pytestmark = pytest.mark.django_db


def euros(amount: str, language: str) -> str:
    """An amount as the page reads (``text`` turns the no-break space of "55,05 €" into a space)."""
    return " ".join(Money(Decimal(amount), "EUR").format("fr_FR" if language == "fr" else "en_GB").split())


def day(value: Any, language: str) -> str:
    with translation.override(language):
        return str(formats.date_format(value, "DATE_FORMAT"))


def screens(*responses: Any) -> list[str]:
    """The pages a shopper saw: each response's final page (after its redirects)."""
    return [response.request["PATH_INFO"] for response in responses]


# What the pages say in each language, at the steps where it matters most.
LOOKUP = {"en": ("Return an item", "Find my order"), "fr": ("Retourner un article", "Trouver ma commande")}
EXPLANATION = {  # the policy's own words, with the amount
    "en": "You are within your 14-day right of withdrawal: the item is refunded in full, €55.05 after the "
    "return shipping.",
    "fr": "Vous êtes dans votre délai de rétractation de 14 jours : l’article est remboursé en totalité, "
    "soit 55,05 € après les frais de retour.",
}
CONFIRMED = {"en": "Your return is confirmed", "fr": "Votre retour est confirmé"}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_return_in_four_screens_in_english_and_in_french(order: Order, language: str):
    client = Client(headers={"Accept-Language": language})
    pull = lines(order)[0]
    home = client.get(reverse("portal:home"))
    assert all(words in text(home) for words in LOOKUP[language])
    found = look_up(client, order, proof="1001@example.com", follow=True)
    assert found.redirect_chain == [(reverse("portal:order", args=[order.pk]), 302)]
    if language == "en":
        assert "Step 1 of 4" in text(home)
        assert "What would you like to return?" in text(found)
        assert "Step 2 of 4" in text(found)
    chosen = choose_items(client, order, pick(pull, 1, "size_fit", "unopened", "Trop petit"), follow=True)
    assert chosen.redirect_chain == [(reverse("portal:options", args=[order.pk]), 302)]
    options = text(chosen)
    # What the shopper gets, before confirming: the amounts, the fee, the dates, the policy's explanation.
    assert EXPLANATION[language] in options
    assert euros("55.05", language) in options  # 60.00 less the 4.95 return shipping
    assert euros("4.95", language) in options
    assert euros("60.56", language) in options  # as store credit: 10 % more
    expected = deadlines.expected_for_new_return(order, store_credit=False, returnless=False)
    assert day(expected.earliest, language) in options
    assert day(expected.latest, language) in options
    if language == "en":
        assert "What you get back" in options
        assert "Step 3 of 4" in options
        assert "10 % more than a refund, to spend in the store" in options
        assert "Refund to your original payment" in options
        assert "Print a return label" in options
    done = confirm(client, order, {**resolution(pull, "refund"), "method": "label"}, follow=True)
    ret = Return.objects.get()
    assert done.redirect_chain == [(reverse("portal:return", args=[ret.number]) + "?new=1", 302)]
    assert done.status_code == 200
    page = text(done)
    assert CONFIRMED[language] in page
    assert ret.number in page
    if language == "en":
        assert "Step 4 of 4" in page
        assert "Download the label and packing slip (PDF)" in page
    # Four screens from finding the order to the confirmation.
    assert screens(home, found, chosen, done) == [
        reverse("portal:home"),
        reverse("portal:order", args=[order.pk]),
        reverse("portal:options", args=[order.pk]),
        reverse("portal:return", args=[ret.number]),
    ]
    # The return as asked.
    assert (ret.order, ret.channel, ret.language, ret.return_method) == (order, "portal", language, "label")
    assert ret.state == "label_issued"  # the policy approves it; the label follows
    line = ret.lines.get()
    assert (line.order_line, line.quantity, line.reason, line.reported_condition, line.resolution) == (
        pull,
        1,
        "size_fit",
        "unopened",
        "refund",
    )
    assert line.reason_text == "Trop petit"
    assert line.decision.code == "legal_withdrawal"
    requested = ReturnEvent.objects.get(ret=ret, kind="requested")
    assert requested.actor_label == "shopper"
    assert list(ret.events.values_list("kind", flat=True)) == ["requested", "approved", "label_issued"]


def test_the_language_cookie_chooses_french(order: Order, settings):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "Retourner un article" in text(client.get(reverse("portal:home")))
    look_up(client, order)
    choose_items(client, order, pick(lines(order)[1]))
    done = confirm(client, order, {**resolution(lines(order)[1]), "method": "drop_off"}, follow=True)
    assert "Votre retour est confirmé" in text(done)
    ret = Return.objects.get()
    assert (ret.language, ret.return_method) == ("fr", "drop_off")
    assert "<svg" in done.content.decode()  # the drop-off QR code, on screen


def test_the_store_credit_choice_shows_its_bonus_and_is_kept(shopper: Client, order: Order):
    scarf = lines(order)[1]
    options = choose_items(shopper, order, pick(scarf), follow=True)
    assert "Store credit" in text(options)
    assert "10 % more than a refund, to spend in the store" in text(options)
    assert euros("22.06", "en") in text(options)  # 25.00 less 4.95 is 20.05; as credit, 10 % more
    confirm(shopper, order, {**resolution(scarf, "store_credit"), "method": "label"})
    assert Return.objects.get().lines.get().resolution == "store_credit"


def test_confirming_twice_makes_one_return_and_lands_on_it(shopper: Client, order: Order):
    pull = lines(order)[0]
    choose_items(shopper, order, pick(pull, 2))
    answers = {**resolution(pull), "method": "label"}
    first = confirm(shopper, order, answers)
    second = confirm(shopper, order, answers)
    ret = Return.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == reverse("portal:return", args=[ret.number]) + "?new=1"
    assert second["Location"] == reverse("portal:return", args=[ret.number])
    assert ret.lines.get().quantity == 2


def test_two_clicks_sent_before_either_answer_make_one_return(shopper: Client, order: Order):
    """Both requests carry the same draft (the session as it was before the first answer)."""
    pull = lines(order)[0]
    choose_items(shopper, order, pick(pull))
    before = shopper.session[DRAFT_KEY]
    answers = {**resolution(pull), "method": "label"}
    first = confirm(shopper, order, answers)
    session = shopper.session
    session[DRAFT_KEY] = before
    session.save()
    second = confirm(shopper, order, answers)
    ret = Return.objects.get()
    assert first["Location"].startswith(reverse("portal:return", args=[ret.number]))
    assert second["Location"].startswith(reverse("portal:return", args=[ret.number]))
    assert ret.lines.count() == 1


def test_more_units_than_the_order_has_cannot_be_chosen(shopper: Client, order: Order):
    pull = lines(order)[0]  # two units
    response = choose_items(shopper, order, pick(pull, 3))
    assert response.status_code == 400
    assert alert(response) == "Some answers are missing: see the items marked below."
    assert f'id="id_l{pull.pk}-quantity-error"' in response.content.decode()  # said next to the field
    assert DRAFT_KEY not in shopper.session or not shopper.session[DRAFT_KEY]
    options = shopper.get(reverse("portal:options", args=[order.pk]))
    assert options["Location"] == reverse("portal:order", args=[order.pk])  # nothing to confirm
    assert not Return.objects.exists()


def test_units_already_in_a_return_are_not_offered_again(shopper: Client, order: Order):
    pull, scarf = lines(order)
    create_return(
        order,
        [LineRequest(pull.pk, 1, "size_fit", "unopened"), LineRequest(scarf.pk, 1, "size_fit", "unopened")],
    )
    page = shopper.get(reverse("portal:order", args=[order.pk]))
    assert "Already in a return." in text(page)
    assert f'name="l{scarf.pk}-selected"' not in page.content.decode()
    assert f'name="l{pull.pk}-quantity" value="1"' in page.content.decode()  # one of the two is left
    assert choose_items(shopper, order, pick(pull, 2)).status_code == 400
    assert choose_items(shopper, order, pick(scarf, 1)).status_code == 400
    assert Return.objects.count() == 1


def test_units_taken_by_another_return_meanwhile_stop_the_confirmation(shopper: Client, order: Order):
    pull = lines(order)[0]
    choose_items(shopper, order, pick(pull, 2))
    create_return(order, [LineRequest(pull.pk, 1, "size_fit", "unopened")])  # say, from another device
    response = confirm(shopper, order, {**resolution(pull), "method": "label"})
    assert response.status_code == 200
    page = text(response)
    assert "Your order changed" in page
    assert "Only 1 of “Pull en laine” can still be returned, not 2." in page
    assert Return.objects.count() == 1


def test_an_item_and_its_reason_and_condition_are_required(shopper: Client, order: Order):
    nothing = choose_items(shopper, order)
    assert nothing.status_code == 400
    assert alert(nothing) == "Choose at least one item to return."
    pull = lines(order)[0]
    missing = choose_items(shopper, order, pick(pull, 1, reason="", condition=""))
    assert missing.status_code == 400
    assert "Tell us why you are returning it." in text(missing)
    assert "Tell us what condition it is in." in text(missing)
    assert not Return.objects.exists()


def test_a_final_sale_item_says_why_and_what_else_is_possible_while_the_rest_goes_back(
    make_order: Callable[..., Order],
):
    delivered = datetime.now(UTC) - timedelta(days=20)  # past the 14 days of the right of withdrawal
    order = make_order(
        "#1003",
        delivered=delivered,
        lines=[
            delivered_line("Robe soldée", 1, "40.00", final_sale=True),
            delivered_line("Écharpe", 1, "25.00"),
        ],
        payments=[{"method": "card", "amount": "65.00", "captured_at": delivered.isoformat()}],
    )
    client = Client()
    look_up(client, order)
    dress, scarf = lines(order)
    options = choose_items(client, order, pick(dress, reason="changed_mind"), pick(scarf), follow=True)
    page = text(options)
    assert "This item was sold as final sale and cannot be returned." in page
    assert "This item cannot be returned." in page
    assert "Faulty or not as described? The legal guarantee covers it: choose that reason instead." in page
    assert "Items that cannot be returned" in page
    assert f'name="resolution-{dress.pk}"' not in options.content.decode()
    confirm(client, order, {**resolution(scarf), "method": "label"})
    ret = Return.objects.get()
    assert [line.order_line for line in ret.lines.all()] == [scarf]


def test_an_item_past_its_return_period_says_so_in_french(make_order: Callable[..., Order]):
    order = make_order("#1004", delivered=datetime.now(UTC) - timedelta(days=75))
    client = french()
    look_up(client, order)
    options = choose_items(client, order, pick(lines(order)[0], reason="changed_mind"), follow=True)
    page = text(options)
    assert "Le délai de retour de cet article a pris fin le" in page
    assert f'href="{reverse("helpcenter:article", args=["return-window"])}"' in options.content.decode()
    assert confirm(client, order, {"method": "label"}).status_code == 200  # nothing to confirm
    assert not Return.objects.exists()


def test_an_undelivered_item_points_to_the_guarantee(make_order: Callable[..., Order]):
    order = make_order(
        "#1005", shipments=[{"shipped_at": (datetime.now(UTC) - timedelta(days=3)).isoformat()}]
    )
    client = Client()
    look_up(client, order)
    items = client.get(reverse("portal:order", args=[order.pk]))
    page = text(items)
    assert "Not delivered yet: you can return it once it has arrived." in page
    assert "Not delivered yet? If it does not arrive, the marketplace guarantee protects you." in page
    assert f'href="{reverse("helpcenter:article", args=["marketplace-guarantee"])}"' in items.content.decode()
    assert "Nothing in this order can be returned right now." in page


def test_a_returnless_refund_offers_keeping_the_item(make_order: Callable[..., Order]):
    order = make_order(
        "#1006",
        lines=[delivered_line("Chaussettes", 1, "9.90")],
        payments=[{"method": "card", "amount": "9.90"}],
    )
    client = Client()
    look_up(client, order)
    socks = lines(order)[0]
    options = choose_items(client, order, pick(socks, reason="defective", condition="damaged"), follow=True)
    page = text(options)
    assert "Keep the item and get a refund" in page
    assert "No need to send anything back: keep the item." in page
    assert euros("9.90", "en") in page
    assert 'name="method"' not in options.content.decode()  # nothing goes back, so no way back to choose
    done = confirm(client, order, resolution(socks, "keep"), follow=True)
    ret = Return.objects.get()
    assert (ret.return_method, ret.state, ret.lines.get().resolution) == ("keep", "approved", "keep")
    assert "Keep the item: nothing to send back. Your refund is on its way." in text(done)


def test_an_exchange_needs_the_size_or_colour_wanted(shopper: Client, order: Order):
    pull = lines(order)[0]
    size_l = Variant.objects.create(
        store=order.store, product=pull.variant.product, sku="PULL-L", title="L", price=Decimal("60.00")
    )
    options = choose_items(shopper, order, pick(pull), follow=True)
    assert "Exchange for another size or colour" in text(options)
    assert f'<option value="{size_l.pk}">L</option>' in options.content.decode()
    without = confirm(shopper, order, {**resolution(pull, "exchange"), "method": "label"})
    assert without.status_code == 400
    assert "Choose the size or colour you would like instead." in text(without)
    assert not Return.objects.exists()
    foreign = confirm(
        shopper, order, {**resolution(pull, "exchange"), f"variant-{pull.pk}": "999999", "method": "label"}
    )
    assert foreign.status_code == 400
    assert not Return.objects.exists()
    confirm(
        shopper, order, {**resolution(pull, "exchange"), f"variant-{pull.pk}": size_l.pk, "method": "label"}
    )
    line = Return.objects.get().lines.get()
    assert (line.resolution, line.exchange_variant) == ("exchange", size_l)


def test_no_exchange_is_offered_without_another_variant(shopper: Client, order: Order):
    pull = lines(order)[0]
    options = choose_items(shopper, order, pick(pull), follow=True)
    assert "Exchange for another size or colour" not in text(options)
    refused = confirm(shopper, order, {**resolution(pull, "exchange"), "method": "label"})
    assert refused.status_code == 400
    assert not Return.objects.exists()


def test_a_resolution_and_a_way_back_must_be_chosen(shopper: Client, order: Order):
    pull = lines(order)[0]
    choose_items(shopper, order, pick(pull))
    response = confirm(shopper, order, {})
    assert response.status_code == 400
    assert "Choose what you would like for this item." in text(response)
    no_method = confirm(shopper, order, resolution(pull))
    assert "Choose how you will send the items back." in text(no_method)
    not_offered = confirm(shopper, order, {**resolution(pull), "method": "in_store"})
    assert not_offered.status_code == 400
    assert not Return.objects.exists()


@pytest.fixture
def photo_policy(policy_store):
    """marketplace-standard, asking for a photo of every item returned under the right of withdrawal."""
    text_ = policies.template_text("marketplace-standard")
    changed = text_.replace(
        "      code: legal_withdrawal\n", "      code: legal_withdrawal\n      photo_required: true\n"
    )
    assert changed != text_
    policies.load_policy(policy_store, changed)
    return policy_store


def test_a_policy_asking_for_photos_needs_one(photo_policy, shopper: Client, order: Order):
    pull = lines(order)[0]
    options = choose_items(shopper, order, pick(pull), follow=True)
    assert "Photos of the item (required)" in text(options)
    response = confirm(shopper, order, {**resolution(pull), "method": "label"})
    assert response.status_code == 400
    assert "The store needs a photo of this item: add at least one." in text(response)
    assert not Return.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_created(
    photo_policy, shopper: Client, order: Order
):
    pull = lines(order)[0]
    choose_items(shopper, order, pick(pull))
    fake = SimpleUploadedFile(
        "photo.png", b"<html><script>alert(1)</script></html>", content_type="image/png"
    )
    response = confirm(shopper, order, {**resolution(pull), "method": "label", f"photos-{pull.pk}": fake})
    assert response.status_code == 400
    assert alert(response) == "This file is not a photo: send a JPEG, PNG, GIF or WebP image."
    assert not Return.objects.exists()
    assert not ReturnPhoto.objects.exists()
    assert not ReturnEvent.objects.exists()


def test_a_refused_photo_leaves_nothing_behind_not_even_the_accepted_one_s_file(
    photo_policy, shopper: Client, order: Order, media: Path
):
    pull = lines(order)[0]
    choose_items(shopper, order, pick(pull))
    good = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    bad = SimpleUploadedFile("b.png", b"not an image", content_type="image/png")
    response = confirm(
        shopper, order, {**resolution(pull), "method": "label", f"photos-{pull.pk}": [good, bad]}
    )
    assert response.status_code == 400
    assert not Return.objects.exists()
    assert not ReturnPhoto.objects.exists()
    assert [path for path in media.rglob("*") if path.is_file()] == []


def test_a_real_photo_is_attached_to_the_return(photo_policy, shopper: Client, order: Order):
    pull = lines(order)[0]
    choose_items(shopper, order, pick(pull))
    photo = SimpleUploadedFile("IMG_0001.png", png_bytes(), content_type="image/png")
    done = confirm(
        shopper, order, {**resolution(pull), "method": "label", f"photos-{pull.pk}": photo}, follow=True
    )
    ret = Return.objects.get()
    stored = ReturnPhoto.objects.get()
    assert stored.line == ret.lines.get()
    assert stored.content_type == "image/png"
    assert ret.state == "requested"  # a photo to look at: the store reviews it
    assert "1 photo sent." in text(done)
    served = shopper.get(reverse("portal:photo", args=[ret.number, stored.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")


def test_a_request_body_over_the_limit_is_refused_before_anything_is_read(
    shopper: Client, order: Order, settings
):
    settings.MAX_REQUEST_BYTES = 1_048_576
    pull = lines(order)[0]
    choose_items(shopper, order, pick(pull))
    big = SimpleUploadedFile("big.png", b"\0" * 1_200_000, content_type="image/png")
    response = confirm(shopper, order, {**resolution(pull), "method": "label", f"photos-{pull.pk}": big})
    assert response.status_code == 413
    assert (
        response.content.decode() == "This request is too large (at most 1 MB): send fewer or smaller files."
    )
    assert not Return.objects.exists()
    assert confirm(shopper, order, {**resolution(pull), "method": "label"}).status_code == 302


def test_what_a_line_can_come_back_for_is_said_on_the_items_screen(make_shopper):
    """A gift card or a final-sale item comes back only if faulty: said before the shopper picks, not
    refused one screen later."""
    order, client = make_shopper(
        "#1088",
        delivered=datetime.now(UTC) - timedelta(days=20),  # past the 14-day withdrawal period
        lines=[
            delivered_line("Pull en laine", 1, "60.00"),
            delivered_line("Carte cadeau", 1, "50.00", category="gift_cards"),
            delivered_line("Veste soldée", 1, "80.00", final_sale=True),
        ],
    )
    page = client.get(reverse("portal:order", args=[order.pk]))
    html, words = page.content.decode(), text(page)
    for title in ("Carte cadeau", "Veste soldée"):
        assert f'name="l{order.lines.get(title=title).pk}-selected"' in html  # a fault brings it back
    assert "gift cards" in words  # the policy's own words: why not for a change of mind
    assert "final sale" in words
    assert words.count("It can still come back if it is faulty, damaged or not as ordered.") == 2
    in_french = text(client.get(reverse("portal:order", args=[order.pk]), headers={"Accept-Language": "fr"}))
    assert "Il peut toujours être retourné s’il est défectueux, abîmé ou non conforme." in in_french


def test_a_line_no_reason_can_bring_back_is_not_offered(make_shopper):
    """Outside the EU and the UK, 120 days after delivery: neither a change of mind nor a fault."""
    order, client = make_shopper(
        "#1089",
        delivered=datetime.now(UTC) - timedelta(days=120),
        shipping_country="US",
        customer={"email": "1089@example.com", "country": "US"},
    )
    page = client.get(reverse("portal:order", args=[order.pk]))
    assert "Nothing in this order can be returned right now." in text(page)
    assert (
        'name="l' not in page.content.decode().split("unavailable", 1)[0]
        or "-selected" not in page.content.decode()
    )
    assert "The return period for this item ended on" in text(page)
