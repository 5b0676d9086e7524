"""The label and packing slip PDF: both pages, in French and English, read back as text."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from retour.logistics.labels import label_pdf
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
    assert "75011 France" in label
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
