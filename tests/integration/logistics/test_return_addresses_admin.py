"""The back office's return addresses: a settings page in French and English, its rules checked, and the
store-made label printing the address the rules choose, with no postage promised."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from retour.catalog.models import Seller, Store
from retour.logistics.labels import label_pdf
from retour.logistics.models import ReturnAddress
from retour.logistics.services import issue_label

pytestmark = pytest.mark.django_db

FORM = {
    "label": "Entrepôt de Bordeaux",
    "active": "on",
    "name": "Service retours",
    "street1": "1 quai des Colis",
    "postal_code": "33000",
    "city": "Bordeaux",
    "country": "fr",
    "weight_grams": "1200",
    "priority": "10",
    "countries": "be, fr",
}


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Adresses de retour", "Quels retours y vont", "pour les clients en", "priorité de routage"]),
        ("en", ["Return addresses", "Which returns go there", "for shoppers in", "routing priority"]),
    ],
)
def test_the_settings_page_speaks_french_and_english(admin_client, store: Store, language, words):
    page = admin_client.get(
        reverse("admin:logistics_returnaddress_add"), headers={"Accept-Language": language}
    )
    html = page.content.decode().lower()  # the admin capitalises field names
    assert page.status_code == 200
    assert all(word.lower() in html for word in words), [w for w in words if w.lower() not in html]


def test_staff_add_an_address_with_its_rules(admin_client, store: Store):
    response = admin_client.post(reverse("admin:logistics_returnaddress_add"), {**FORM, "store": store.pk})
    assert response.status_code == 302, response.content.decode()[:800]
    address = ReturnAddress.objects.get()
    assert (address.country, address.countries, address.weight_grams) == ("FR", "BE,FR", 1200)


def test_a_seller_of_another_store_is_refused(admin_client, store: Store):
    other = Store.objects.create(code="other", name="Other", currency="EUR", country="FR", time_zone="UTC")
    seller = Seller.objects.create(store=other, code="far", name="Far away", kind="marketplace")
    page = admin_client.post(
        reverse("admin:logistics_returnaddress_add"), {**FORM, "store": store.pk, "seller": seller.pk}
    )
    assert page.status_code == 200
    assert not ReturnAddress.objects.exists()


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_store_made_label_prints_the_chosen_address_and_says_postage_is_not_included(
    approved, shopper_order
):
    ReturnAddress.objects.create(
        store=shopper_order.store,
        label="Bordeaux",
        name="Service retours Bordeaux",
        street1="1 quai des Colis",
        postal_code="33000",
        city="Bordeaux",
        country="FR",
        countries="FR",
    )
    ret = issue_label(approved())
    french = text_of(label_pdf(ret, "fr"))
    assert "Service retours Bordeaux" in french
    assert "33000 Bordeaux" in french
    assert "Affranchissement non compris" in french
    assert "Postage not included: pay it when you drop the parcel off." in text_of(label_pdf(ret, "en"))
