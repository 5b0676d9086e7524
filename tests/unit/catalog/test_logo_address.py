"""A logo's address is fetched only over https, on the default port, from a host on the public internet:
never the loopback, a private network, link-local or the cloud's metadata address (checked without any
connection being made)."""

from __future__ import annotations

import ipaddress

import pytest
from django.core.exceptions import ValidationError

from retour.catalog.logo_url import HttpsSource, is_public, public_address, split_url

pytestmark = pytest.mark.unit


def test_an_https_address_is_split_into_host_and_path():
    assert split_url(" https://cdn.shop.example/img/logo.png?v=2 ") == (
        "cdn.shop.example",
        "/img/logo.png?v=2",
    )
    assert split_url("https://shop.example") == ("shop.example", "/")


@pytest.mark.parametrize(
    "url",
    [
        "http://shop.example/logo.png",
        "ftp://shop.example/logo.png",
        "file:///etc/passwd",
        "https:///logo.png",
        "https://user:pw@shop.example/logo.png",
        "https://shop.example:8443/logo.png",
        "https://shop.example:99999/logo.png",
        "javascript:alert(1)",
    ],
)
def test_anything_but_https_on_the_default_port_is_refused(url: str):
    with pytest.raises(ValidationError) as refused:
        split_url(url)
    assert refused.value.code == "not_https"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",  # noqa: S104 -- an address refused, not one bound to
        "::1",
        "fc00::1",
        "fe80::1",
        "::ffff:127.0.0.1",
        "224.0.0.1",
        "100.64.0.1",
    ],
)
def test_no_private_loopback_link_local_or_shared_address_is_public(address: str):
    assert not is_public(ipaddress.ip_address(address))


def test_a_public_address_is_public():
    assert is_public(ipaddress.ip_address("93.184.215.14"))
    assert is_public(ipaddress.ip_address("2606:4700::1111"))


@pytest.mark.parametrize("host", ["127.0.0.1", "10.0.0.7", "169.254.169.254", "localhost"])
def test_a_host_that_resolves_to_a_private_address_is_refused_before_any_connection(host: str):
    with pytest.raises(ValidationError) as refused:
        public_address(host)
    assert refused.value.code == "not_public"
    with pytest.raises(ValidationError):
        HttpsSource().fetch(host, "/logo.png")
