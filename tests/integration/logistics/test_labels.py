"""The label and packing slip PDF: both pages, in French and English, read back as text."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from pypdf import PdfReader

from retour.logistics.labels import label_pdf
from retour.logistics.services import issue_label
from retour.orders.models import Order
from retour.returns.models import Return

pytestmark = pytest.mark.django_db


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_french_label_and_slip_carry_the_numbers_the_items_and_french_words(labelled: Return):
    pdf = label_pdf(labelled, "fr")
    assert pdf.startswith(b"%PDF-")
    label, slip = pages(pdf)
    assert labelled.number in label
    assert f"Numéro de suivi : {labelled.tracking_number}" in label
    assert "Zoé Lefèvre" in label
    assert "zoe@example.com" in label
    assert "75011" in label
    assert "France" in label
    assert "12 rue de l’Atelier" in label
    assert "Expéditeur".upper() in label
    assert labelled.number in slip
    assert "#2001" in slip
    assert "Pull en laine" in slip
    assert "Écharpe" in slip
    assert "Bordereau de retour" in slip
    assert "avoir" in slip  # store credit, the second line's resolution
    assert "remboursement" in slip


def test_an_english_label_and_slip(labelled: Return):
    label, slip = pages(label_pdf(labelled, "en"))
    assert "Tracking number:" in label
    assert "Packing slip" in slip
    assert "Pull en laine" in slip
    assert "size or fit" in slip
    assert "#2001" in slip


def test_without_a_return_address_the_label_goes_to_the_store_by_name_and_country(labelled: Return):
    labelled.store.return_address = ""
    labelled.store.save(update_fields=["return_address"])
    label = pages(label_pdf(labelled, "fr"))[0]
    assert "Test Store" in label
    assert "France" in label


def test_an_unknown_language_falls_back_to_english(labelled: Return):
    assert "Packing slip" in pages(label_pdf(labelled, "de"))[1]


def test_the_drop_off_code_is_only_on_a_drop_off_returns_label(labelled: Return):
    assert labelled.return_method == Return.Method.LABEL
    label, _slip = pages(label_pdf(labelled, "en"))
    assert "Drop-off code" not in label  # sent by label: no code to show at a drop-off point
    Return.objects.filter(pk=labelled.pk).update(return_method=Return.Method.DROP_OFF)
    label, _slip = pages(label_pdf(Return.objects.get(pk=labelled.pk), "en"))
    assert "Drop-off code" in label


def test_the_sender_block_has_the_shoppers_full_address(
    approved: Callable[..., Return], make_order: Callable[..., Order]
):
    order = make_order(
        "#2002",
        customer={
            "email": "karine@example.com",
            "first_name": "Karine",
            "last_name": "Ruby",
            "country": "CA",
        },
        shipping_name="Karine Ruby",
        shipping_company="Receiving Department",
        shipping_address1="Box 42 - 151 O'Connor St",
        shipping_address2="Suite 300",
        shipping_city="Ottawa",
        shipping_postal_code="K2P 2L8",
        shipping_province="ON",
        shipping_country="CA",
        shipping_phone="+16135550142",
    )
    ret = issue_label(approved(order=order))
    label = pages(label_pdf(ret, "fr"))[0]
    for line in [
        "Karine Ruby",
        "Receiving Department",
        "Box 42 - 151 O'Connor St",
        "Suite 300",
        "Ottawa ON K2P 2L8",  # the town first, as Canada writes it
        "Canada",
        "+16135550142",
        "karine@example.com",
    ]:
        assert line in label, line
    english = pages(label_pdf(ret, "en"))[0]
    assert "Ottawa ON K2P 2L8" in english


def test_a_french_address_puts_the_postal_code_before_the_town(
    approved: Callable[..., Return], make_order: Callable[..., Order]
):
    order = make_order(
        "#2003",
        shipping_name="Zoé Lefèvre",
        shipping_address1="18 rue des Taillandiers",
        shipping_city="Paris",
        shipping_postal_code="75011",
        shipping_country="FR",
    )
    label = pages(label_pdf(issue_label(approved(order=order)), "fr"))[0]
    assert "Zoé Lefèvre" in label
    assert "18 rue des Taillandiers" in label
    assert "75011 Paris" in label


def test_an_order_without_an_address_still_gets_a_label_with_name_and_country(labelled: Return):
    order = Order.objects.get(pk=labelled.order_id)
    assert (order.shipping_address1, order.shipping_city, order.shipping_name) == ("", "", "")
    label = pages(label_pdf(labelled, "en"))[0]
    assert "Zoé Lefèvre" in label
    assert "France" in label
