"""Security headers on every kind of response: the CSP (strict for shoppers, inline styles allowed on staff
pages only), framing, referrer, content sniffing, browser features."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    """The Content-Security-Policy header as {directive: sources}."""
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def assert_common_headers(response) -> None:
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    features = response.headers["Permissions-Policy"].split(", ")
    assert {"camera=()", "microphone=()", "geolocation=()", "payment=()"} <= set(features)


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/", {}),
        ("/help/", {}),
        ("/help/search/?q=remboursement", {}),
        ("/help/search/?q=remb&instant=1", {"HX-Request": "true"}),  # an htmx fragment
        ("/help/a/no-such-article/", {}),  # a 404 page
        ("/healthz", {}),
    ],
)
def test_shopper_pages_get_the_strict_policy(client: Client, path: str, headers: dict[str, str]) -> None:
    response = client.get(path, headers={"Accept-Language": "fr", **headers})
    assert policy(response) == STRICT
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert_common_headers(response)


def test_api_answers_carry_the_headers_too(client: Client, api_client: Client) -> None:
    public = client.get("/api/v1/help/search", {"q": "refund"})
    assert public.status_code == 200
    refused = client.get("/api/v1/returns/R-NOPE")  # no token: a problem+json answer
    assert refused.status_code == 401
    authenticated = api_client.get("/api/v1/returns/R-NOPE")  # a token without the returns permission
    assert authenticated.status_code == 403
    for response in (public, refused, authenticated):
        assert policy(response) == STRICT
        assert_common_headers(response)


@pytest.mark.parametrize("path", ["/admin/login/", "/backoffice/returns/receive/"])
def test_staff_pages_may_use_inline_styles_but_never_inline_scripts(client: Client, path: str) -> None:
    response = client.get(path)
    assert policy(response) == {**STRICT, "style-src": "'self' 'unsafe-inline'"}
    assert_common_headers(response)


def test_the_api_docs_load_swagger_from_this_site_not_from_a_cdn(client: Client) -> None:
    html = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html
