"""A store's logo given by its address is fetched once, checked as an upload is, and kept: the portal
serves it from here under the unchanged strict CSP, and an email carries it as an inline part (no remote
image). A bad address or what is not a small image is refused, in words, and nothing changes."""

from __future__ import annotations

import re
from io import BytesIO, StringIO

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation
from PIL import Image

from fakes.logos import FakeLogoHost
from integration.backoffice.test_store_scope import return_in
from integration.portal.steps import png_bytes
from integration.portal.test_branding import header, store_form
from retour.catalog.logo_url import fetch_logo
from retour.catalog.models import Store
from retour.notifications.emails import render
from retour.returns.models import ReturnEvent

pytestmark = pytest.mark.django_db
URL = "https://cdn.shop.example/brand/logo.png"


def test_a_logo_given_by_address_is_kept_and_shown_by_the_portal_and_emails(store: Store, media: object):
    host = FakeLogoHost()
    host.serve("cdn.shop.example", "/brand/logo.png", "image/png", png_bytes((200, 60)))
    store.logo = fetch_logo(URL, host)
    store.full_clean()
    store.save()
    assert host.asked == ["cdn.shop.example/brand/logo.png"]  # fetched once, then served from here
    page = Client().get("/")
    assert "cdn.shop.example" not in page.content.decode()
    assert "img-src 'self'" in page["Content-Security-Policy"]
    found = re.search(
        r'<img class="logo" src="(/brand/test-store/logo\?v=[^"]+)"', header(page.content.decode())
    )
    assert found is not None
    served = Client().get(found.group(1).replace("&amp;", "&"))
    assert Image.open(BytesIO(b"".join(served.streaming_content))).size == (200, 60)

    ret = return_in(store, "#L1")
    email = render(ReturnEvent.objects.filter(ret=ret).latest("id"))
    logo = next(a for a in email.attachments if a.filename == "logo.png")
    assert (logo.mimetype, logo.content) == ("image/png", png_bytes((200, 60)))
    assert f'src="cid:{logo.content_id}"' in email.html
    assert "https://" not in re.sub(r'href="[^"]*"', "", email.html)  # no remote image to load


@pytest.mark.parametrize(
    ("content_type", "content", "message"),
    [
        ("image/svg+xml", b"<svg onload='alert(1)'/>", "does not serve a PNG, JPEG, GIF or WebP image"),
        ("text/html", b"<html></html>", "does not serve a PNG, JPEG, GIF or WebP image"),
        ("image/jpeg", png_bytes(), "does not serve a PNG, JPEG, GIF or WebP image"),  # not what it says
        ("image/png", png_bytes()[:60], "not an image that can be read"),
        ("image/png", b"\x89PNG" + b"0" * (600 * 1024), "too large: at most 512 KB"),
    ],
)
def test_what_is_not_a_small_image_of_the_type_it_says_is_refused(
    content_type: str, content: bytes, message: str
):
    host = FakeLogoHost()
    host.serve("cdn.shop.example", "/brand/logo.png", content_type, content)
    with pytest.raises(ValidationError, match=message):
        fetch_logo(URL, host)


@pytest.fixture
def boss(db: None) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", "x"))
    return client


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://cdn.shop.example/logo.png", "Give the logo&#x27;s address as https://…"),
        ("https://127.0.0.1/logo.png", "is not on the public internet"),
        ("https://169.254.169.254/latest/meta-data", "is not on the public internet"),
    ],
)
def test_the_admin_refuses_a_logo_address_that_is_not_public_https_and_changes_nothing(
    store: Store, boss: Client, media: object, url: str, message: str
):
    response = boss.post(
        f"/admin/catalog/store/{store.pk}/change/", store_form(store, name="Renamed", logo_url=url)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    store.refresh_from_db()
    assert (store.name, store.logo.name) == ("Test Store", "")


def test_retour_create_store_refuses_a_logo_address_in_french(db: None, media: object):
    with (
        translation.override("fr"),
        pytest.raises(CommandError, match="Indiquez l’adresse du logo sous la forme https://…"),
    ):
        call_command(
            "create_store",
            "atelier",
            "--name",
            "Atelier",
            "--logo-url",
            "http://shop.example/l.png",
            stdout=StringIO(),
        )
    assert not Store.objects.filter(code="atelier").exists()
