"""The portal and the help center wear the store's name, and its logo and colour when it has them, under
the strict CSP (no inline style: the colour is a stylesheet of its own, the logo served from here). The
language switcher is one button per language, named in that language, the current one marked."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from io import BytesIO

import pytest
from babel.dates import format_datetime
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from PIL import Image

from integration.portal.steps import look_up, png_bytes
from retour.catalog.models import Store
from retour.orders.models import Order
from retour.returns.services.creating import LineRequest, create_return

pytestmark = pytest.mark.django_db


def header(html: str) -> str:
    found = re.search(r'<header class="site-header">(.*?)</header>', html, re.S)
    assert found is not None
    return found.group(1)


def test_the_portal_carries_the_stores_name_not_retour(store: Store):
    html = Client().get(f"/?store={store.code}").content.decode()
    assert "<title>Return an item · Test Store</title>" in html
    assert '<a class="brand" href="/?store=test-store"><span>Test Store</span></a>' in html
    assert "Retour" not in html


def test_an_order_page_carries_its_stores_name(shopper: Client, order: Order):
    html = shopper.get(f"/orders/{order.pk}/").content.decode()
    assert "<span>Test Store</span>" in header(html)


def test_the_help_center_carries_the_name_of_the_store_the_shopper_came_from(
    store: Store, other_store: Store
):
    client = Client()
    # Two stores: the help center alone cannot know which; the portal page seen before tells it.
    assert "Other Store" not in header(client.get("/help/").content.decode())
    client.get(f"/?store={other_store.code}")
    html = client.get("/help/").content.decode()
    assert "<span>Other Store</span>" in header(html)
    assert "<title>Help center · Other Store</title>" in html


def test_the_help_center_uses_the_portals_styles(store: Store):
    for path in ("/help/", "/help/search/?q=refund"):
        html = Client().get(path).content.decode()
        assert '<link rel="stylesheet" href="/static/retour/portal.css">' in html, path
        assert '<form class="help-search" role="search"' in html


def test_the_stores_colour_comes_as_a_stylesheet_of_its_own_under_the_strict_csp(store: Store):
    store.brand_colour = "#7a1f5c"
    store.full_clean()
    store.save()
    response = Client().get(f"/?store={store.code}")
    html = response.content.decode()
    assert '<link rel="stylesheet" href="/brand/test-store/theme.css?v=7a1f5c">' in html
    assert "style=" not in html
    assert "<style" not in html
    policy = response["Content-Security-Policy"]
    style_src = next(part for part in policy.split(";") if part.strip().startswith("style-src"))
    assert style_src.split() == ["style-src", "'self'"]
    theme = Client().get("/brand/test-store/theme.css?v=7a1f5c")
    assert theme["Content-Type"] == "text/css; charset=utf-8"
    assert theme.content.decode() == ":root { --accent: #7a1f5c; }\n"
    help_page = Client().get("/help/").content.decode()  # the only store: its help center too
    assert "/brand/test-store/theme.css" in help_page


def test_without_a_colour_no_theme_is_linked_and_the_theme_is_empty(store: Store):
    assert "theme.css" not in Client().get("/").content.decode()
    assert Client().get("/brand/test-store/theme.css").content == b""
    assert Client().get("/brand/no-such-store/theme.css").status_code == 404


@pytest.mark.parametrize(
    ("colour", "message"),
    [
        ("red", "Give the colour as a hex code such as #0b57d0."),
        ("#0b57d0;}body{", "Give the colour as a hex code such as #0b57d0."),
        ("#ffd700", "#ffd700 is too light: white text on it has a contrast of 1.4:1"),
    ],
)
def test_a_colour_that_is_not_a_dark_enough_hex_code_is_refused(store: Store, colour: str, message: str):
    store.brand_colour = colour
    with pytest.raises(ValidationError) as refused:
        store.full_clean()
    assert message in refused.value.message_dict["brand_colour"][0]


def test_a_too_light_colour_is_refused_in_french(store: Store):
    store.brand_colour = "#ffd700"
    with translation.override("fr"):
        with pytest.raises(ValidationError) as refused:
            store.full_clean()
        assert "#ffd700 est trop clair\u00a0: un texte blanc" in refused.value.message_dict["brand_colour"][0]


@pytest.fixture
def boss(db: None) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", "x"))
    return client


def store_form(store: Store, **changes: object) -> dict[str, object]:
    return {
        "code": store.code,
        "name": store.name,
        "currency": store.currency,
        "country": store.country,
        "time_zone": store.time_zone,
        "languages": store.languages,
        "return_address": store.return_address,
        "brand_colour": store.brand_colour,
        **changes,
    }


def test_a_logo_uploaded_in_the_admin_shows_in_the_portal_served_from_here(
    store: Store, boss: Client, media: object
):
    logo = SimpleUploadedFile("logo.png", png_bytes((240, 80)), content_type="image/png")
    response = boss.post(f"/admin/catalog/store/{store.pk}/change/", store_form(store, logo=logo))
    assert response.status_code == 302, response.content.decode()[:2000]
    store.refresh_from_db()
    assert store.logo.name.startswith("logos/")
    brand = header(Client().get("/").content.decode())
    found = re.search(r'<img class="logo" src="(/brand/test-store/logo\?v=[^"]+)" alt="">', brand)
    assert found is not None, brand
    served = Client().get(found.group(1).replace("&amp;", "&"))
    assert served["Content-Type"] == "image/png"
    assert Image.open(BytesIO(b"".join(served.streaming_content))).size == (240, 80)


def noise_png() -> bytes:
    """A real PNG of 700 KB: noise does not compress."""
    out = BytesIO()
    Image.frombytes("RGB", (500, 480), os.urandom(500 * 480 * 3)).save(out, "PNG")
    return out.getvalue()


def gif_bytes(size: tuple[int, int]) -> bytes:
    out = BytesIO()
    Image.new("P", size).save(out, "GIF")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", b"<html><script>alert(1)</script></html>", "Upload a valid image."),
        ("logo.png", png_bytes()[:60], "Upload a valid image."),
        ("logo.gif", gif_bytes((2500, 2000)), "The logo is too large in pixels: at most 4 megapixels."),
        ("logo.png", noise_png(), "The logo is too large: at most 512 KB."),
    ],
)
def test_a_logo_that_is_not_a_small_image_is_refused_and_nothing_changes(
    store: Store, boss: Client, media: object, name: str, content: bytes, message: str
):
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = boss.post(
        f"/admin/catalog/store/{store.pk}/change/", store_form(store, name="Renamed", logo=upload)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    store.refresh_from_db()
    assert (store.name, store.logo.name) == ("Test Store", "")


def test_no_logo_is_served_for_a_store_without_one(store: Store):
    assert Client().get("/brand/test-store/logo").status_code == 404


def test_the_language_switcher_is_one_button_per_language_the_current_one_marked(store: Store):
    html = Client().get("/").content.decode()
    switcher = re.search(r'<form class="language-switcher".*?</form>', html, re.S)
    assert switcher is not None
    buttons = re.findall(r"<button [^>]*>[^<]*</button>", switcher.group(0))
    assert buttons == [
        '<button type="submit" name="language" value="en" lang="en" aria-current="true">English</button>',
        '<button type="submit" name="language" value="fr" lang="fr">Français</button>',
    ]
    assert 'aria-label="Language"' in switcher.group(0)
    client = Client()
    client.get("/")
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    french = client.get("/").content.decode()
    assert 'lang="fr" aria-current="true">Français</button>' in french
    assert 'aria-label="Langue"' in french


def test_the_status_page_shows_times_in_the_stores_zone_with_the_zone_named(
    make_order: Callable[..., Order],
):
    order = make_order()
    client = Client(headers={"Accept-Language": "fr"})
    look_up(client, order)
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "defective", "damaged")])
    page = client.get(f"/returns/{ret.number}/").content.decode()
    created = format_datetime(ret.created_at, "d MMM y, HH:mm", tzinfo=order.store.zone, locale="fr_FR")
    assert f"{created} ({order.store.time_zone})</time>" in page
