"""The store's return address, edited in the admin, is what the labels print."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retour.catalog.models import Store

pytestmark = pytest.mark.django_db


def test_the_store_admin_edits_the_return_address(admin_client, store: Store):
    url = reverse("admin:catalog_store_change", args=[store.pk])
    page = admin_client.get(url, headers={"Accept-Language": "fr"}).content.decode()
    assert 'name="return_address"' in page
    assert "Adresse de retour" in page
    address = "Test Store – Retours\n1 quai des Colis\n33000 Bordeaux"
    response = admin_client.post(
        url,
        {
            "code": store.code,
            "name": store.name,
            "currency": store.currency,
            "country": store.country,
            "time_zone": store.time_zone,
            "languages": store.languages,
            "return_address": address,
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert Store.objects.get(pk=store.pk).return_address.splitlines() == address.splitlines()
