"""The buyer's side of the guarantee in the portal: whether and when they can claim, filing on one screen
(type, items, message, photos), following the claim (the seller's deadline, the decision and why, the
payout and when it arrives), appealing within 30 days; the same access control as a return's page."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from integration.portal.steps import alert, french, look_up, png_bytes, text
from retour.claims.models import Claim, ClaimEvent, ClaimPhoto
from retour.claims.services.deciding import decide
from retour.claims.services.outlook import for_order
from retour.helpcenter.services.articles import import_folder
from retour.orders.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"]}}
    settings.STORAGES["default"]["OPTIONS"] = {"location": tmp_path}
    return tmp_path


def buyer(order: Order, client: Client | None = None) -> Client:
    client = client or Client()
    assert look_up(client, order).status_code == 302
    return client


def claim_form(client: Client, order: Order, **query: str) -> Any:
    return client.get(reverse("portal:claim_new", args=[order.pk]), query)


def key_of(page: Any) -> str:
    found = re.search(r'name="key" value="([0-9a-f]{32})"', page.content.decode())
    assert found is not None
    return found.group(1)


def file_it(client: Client, order: Order, key: str, **fields: Any) -> Any:
    line = order.lines.get()
    data = {"claim_type": "not_received", "lines": [line.pk], "message": "It never came.", "key": key}
    data.update(fields)
    return client.post(reverse("portal:claim_new", args=[order.pk]), data)


def test_the_order_page_says_whether_and_when_the_buyer_can_claim(marketplace_order):
    order = marketplace_order()
    page = text(buyer(order).get(reverse("portal:order", args=[order.pk]), headers={"Accept-Language": "en"}))
    assert "Marketplace Guarantee" in page
    assert "My item never arrived : You can file this claim now." in page
    assert (
        "It arrived damaged, faulty, wrong or not as described : "
        "Contact the seller first: ask for a return here."
    ) in page
    assert "Marketplace Guarantee: You can file this claim now." in page  # on the item not delivered
    assert "File a Marketplace Guarantee claim" in page


def test_a_parcel_still_expected_says_from_when_the_buyer_can_claim(marketplace_order):
    soon = timezone.now() + timedelta(days=2)
    order = marketplace_order(
        ordered_at=(timezone.now() - timedelta(days=2)).isoformat(),
        shipments=[{"estimated_delivery_latest": str(soon.date())}],
    )
    client = buyer(order, french())
    page = text(client.get(reverse("portal:order", args=[order.pk])))
    file_from = for_order(order)[0].of("not_received").file_from
    with timezone.override(order.store.zone):
        day = formats.date_format(timezone.localtime(file_from), "DATETIME_FORMAT", use_l10n=True)
    assert "Article jamais arrivé" not in page  # the buyer's words, not the staff's
    assert f"Mon article n’est jamais arrivé : Vous pourrez la déposer à partir du {day}." in page
    assert "Déposer une réclamation Garantie Marketplace" not in page  # nothing can be filed yet


def test_a_buyer_files_a_claim_on_one_screen_and_a_double_submit_makes_one(marketplace_order):
    order = marketplace_order()
    client = buyer(order)
    form = claim_form(client, order)
    assert form.status_code == 200
    key = key_of(form)
    photo = SimpleUploadedFile("box.png", png_bytes(), content_type="image/png")
    first = file_it(client, order, key, photos=[photo])
    assert first.status_code == 302
    claim = Claim.objects.get()
    assert first["Location"] == reverse("portal:claim", args=[claim.number]) + "?new=1"
    again = file_it(client, order, key)
    assert again.status_code == 302
    assert again["Location"].startswith(reverse("portal:claim", args=[claim.number]))
    assert Claim.objects.count() == 1
    assert ClaimEvent.objects.filter(kind="filed").count() == 1
    assert (claim.channel, claim.state, claim.message) == ("portal", "awaiting_seller", "It never came.")
    assert ClaimPhoto.objects.filter(claim=claim, party="buyer").count() == 1
    page = client.get(first["Location"], headers={"Accept-Language": "en"})
    assert page.status_code == 200
    with timezone.override(order.store.zone):
        deadline = formats.date_format(timezone.localtime(claim.respond_by), "DATETIME_FORMAT")
    body = text(page)
    assert f"The seller has until {deadline} to answer." in body
    assert "The seller is asked for the parcel's tracking number and a proof of delivery" in body
    assert "you get back up to €85.00" in body
    photo_url = reverse("portal:claim_photo", args=[claim.number, claim.photos.get().pk])
    assert photo_url in page.content.decode()
    assert client.get(photo_url).status_code == 200


def test_bad_input_gets_a_translated_error_and_changes_nothing(marketplace_order, media):
    order = marketplace_order()
    client = buyer(order, french())
    key = key_of(claim_form(client, order))
    missing = file_it(client, order, key, message="")
    assert missing.status_code == 400
    assert "Indiquez en quelques mots ce qui s’est passé." in text(missing)
    wrong_type = file_it(client, order, key, claim_type="refund_please")
    assert wrong_type.status_code == 400
    assert "Choisissez ce qui ne va pas." in text(wrong_type)
    not_a_photo = SimpleUploadedFile("x.png", b"<html>not a photo</html>", content_type="image/png")
    refused = file_it(client, order, key, photos=[not_a_photo])
    assert refused.status_code == 400
    assert alert(refused).startswith("Ce fichier n’est pas une photo")
    other_line = file_it(client, order, key, lines=[999999])
    assert other_line.status_code == 400
    assert Claim.objects.count() == 0
    assert ClaimPhoto.objects.count() == 0
    assert not list((media / "claims").rglob("*.*")) if (media / "claims").exists() else True


def test_a_claim_that_cannot_be_filed_yet_has_no_form_and_a_crafted_one_is_refused(marketplace_order):
    order = marketplace_order(
        ordered_at=(timezone.now() - timedelta(days=2)).isoformat(),
        shipments=[{"estimated_delivery_latest": str((timezone.now() + timedelta(days=2)).date())}],
    )
    client = buyer(order, french())
    page = claim_form(client, order)
    assert 'name="key"' not in page.content.decode()  # nothing to file yet: no form
    # A crafted request is refused by the form, and nothing is made.
    refused = file_it(client, order, "0" * 32)
    assert refused.status_code == 400
    assert Claim.objects.count() == 0


def test_another_session_gets_the_same_404_as_a_missing_claim(marketplace_order):
    order = marketplace_order()
    client = buyer(order)
    file_it(client, order, key_of(claim_form(client, order)))
    claim = Claim.objects.get()
    stranger = buyer(marketplace_order("#5002"))
    for url in (
        reverse("portal:claim", args=[claim.number]),
        reverse("portal:claim", args=["CZZZZZZZZ"]),
        reverse("portal:claim_new", args=[order.pk]),
    ):
        assert stranger.get(url).status_code == 404
    appeal_url = reverse("portal:claim_appeal", args=[claim.number])
    assert stranger.post(appeal_url, {"reason": "x"}).status_code == 404
    assert Claim.objects.get().state == "awaiting_seller"


def test_the_decision_its_reason_and_the_payout_are_shown_and_the_buyer_appeals_once(
    marketplace_order, claims_agent
):
    order = marketplace_order()
    client = buyer(order)
    file_it(client, order, key_of(claim_form(client, order)))
    note = "The carrier shows it was delivered."
    claim, _ = decide(Claim.objects.get(), "denied", note=note, key="d", actor=claims_agent)
    page = client.get(reverse("portal:claim", args=[claim.number]), headers={"Accept-Language": "en"})
    body = text(page)
    assert "Declined" in body
    assert "The carrier shows it was delivered." in body
    assert "Appeal the decision" in body
    url = reverse("portal:claim_appeal", args=[claim.number])
    empty = client.post(url, {"reason": ""}, follow=True, headers={"Accept-Language": "en"})
    assert "Say why the decision should change." in text(empty)
    assert client.post(url, {"reason": "It never came."}).status_code == 302
    twice = client.post(url, {"reason": "Again."}, follow=True, headers={"Accept-Language": "en"})
    assert "A decision is appealed once, and this one was." in text(twice)
    assert ClaimEvent.objects.filter(kind="appealed").count() == 1
    claim.refresh_from_db()
    assert (claim.state, claim.appealed_by) == ("appealed", "buyer")
    decide(claim, "granted", note="We checked again.", key="a", actor=claims_agent)
    body = text(client.get(reverse("portal:claim", args=[claim.number]), headers={"Accept-Language": "en"}))
    assert "€85.00 · on its way" in body
    assert "The money should reach you between" in body
    assert "After the appeal, the decision was reversed." in body
    assert "Appeal the decision" not in body


def test_the_appeal_button_is_gone_after_30_days(marketplace_order, claims_agent):
    order = marketplace_order()
    client = buyer(order)
    file_it(client, order, key_of(claim_form(client, order)))
    claim, _ = decide(Claim.objects.get(), "denied", note="Delivered.", key="d", actor=claims_agent)
    Claim.objects.filter(pk=claim.pk).update(decided_at=timezone.now() - timedelta(days=30, minutes=1))
    body = text(client.get(reverse("portal:claim", args=[claim.number])))
    assert "Appeal the decision" not in body
    assert "Faire appel" not in body
    late = client.post(reverse("portal:claim_appeal", args=[claim.number]), {"reason": "Late."}, follow=True)
    assert "30" in text(late)
    assert Claim.objects.get().state == "denied"


def test_the_guarantee_article_leads_to_the_real_flow_in_both_languages(marketplace_order, kb_dir):
    import_folder(kb_dir)
    order = marketplace_order()
    for language, words in (("en", "File a Marketplace Guarantee claim"), ("fr", "Déposer une réclamation")):
        article = Client().get(
            reverse("helpcenter:article", args=["marketplace-guarantee"]),
            headers={"Accept-Language": language},
        )
        assert article.status_code == 200
        found = re.search(rf'<a href="(/[^"]*)"[^>]*>{words}', article.content.decode())
        assert found is not None, language
        # The link opens the lookup; the order found, its page offers the claim the article promises.
        assert Client().get(found.group(1)).status_code == 200
    order_page = buyer(order).get(reverse("portal:order", args=[order.pk]), headers={"Accept-Language": "en"})
    assert reverse("portal:claim_new", args=[order.pk]) in order_page.content.decode()
