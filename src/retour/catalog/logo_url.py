"""A store's logo given by its address: fetched once, checked as an upload is, and kept as the store's logo.

Why fetch and keep rather than point the pages at the store's host: the portal's CSP then stays
``img-src 'self'`` (no third-party origin, whose content could change after it was checked, becomes an
SVG or a decompression bomb, or disappears); an email shows the logo as an inline part and pings no
server when a shopper opens it (the shop's host would otherwise learn who reads which email, and from
where); and the image is checked once, by the same rules as an upload (``branding.logo_format``).

Fetching an address someone typed is a server-side request: only ``https`` on the default port, a host
name that resolves to public addresses only (never the loopback, a private network, link-local or the
cloud's metadata address), the connection made to the very address that was checked (no second DNS
answer), no redirect followed, a short timeout, and no more than ``MAX_LOGO_BYTES`` read.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from io import BytesIO
from typing import Protocol
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from retour.catalog.branding import LOGO_FORMATS, MAX_LOGO_BYTES, logo_format

TIMEOUT = 5.0  # seconds, for the connection and each read
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}


@dataclass(frozen=True)
class Fetched:
    content_type: str
    content: bytes  # at most MAX_LOGO_BYTES + 1 bytes: one more says it was too large


class LogoSource(Protocol):
    def fetch(self, host: str, path: str) -> Fetched:
        """GET ``https://host{path}`` (the real source: ``HttpsSource``; tests: tests/fakes/logos.py)."""


def refused(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def split_url(url: str) -> tuple[str, str]:
    """(host, path with query) of an https address on the default port; ValidationError otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise refused(str(_("Give the logo's address as https://…")), "not_https") from None
    if parts.scheme != "https" or not parts.hostname:
        raise refused(str(_("Give the logo's address as https://…")), "not_https")
    if parts.username or parts.password or port not in (None, 443):
        raise refused(str(_("The logo's address may have no user name, password or port.")), "not_https")
    path = parts.path or "/"
    return parts.hostname, f"{path}?{parts.query}" if parts.query else path


def public_address(host: str) -> str:
    """The address ``host`` resolves to, when every address it resolves to is a public one."""
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)}
    except (socket.gaierror, UnicodeError):
        raise refused(
            str(_("The logo's host %(host)s is not known.") % {"host": host}), "unknown_host"
        ) from None
    addresses = sorted(ipaddress.ip_address(str(a).split("%", 1)[0]) for a in found)
    if not addresses or not all(is_public(a) for a in addresses):
        raise refused(
            str(_("The logo's host %(host)s is not on the public internet.") % {"host": host}), "not_public"
        )
    return str(addresses[0])


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_global and not (mapped or address).is_multicast


class _PinnedConnection(http.client.HTTPSConnection):
    """An HTTPS connection to ``host``'s certificate and name, over a socket to the checked address."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(host, 443, timeout=TIMEOUT, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, 443), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


class HttpsSource:
    """The real source: one GET to a public address of the host, no redirect followed."""

    def fetch(self, host: str, path: str) -> Fetched:
        connection = _PinnedConnection(host, public_address(host))
        try:
            connection.request("GET", path, headers={"Accept": ", ".join(LOGO_FORMATS.values())})
            response = connection.getresponse()
            if response.status != 200:
                raise refused(
                    str(
                        _("The logo's address answered %(status)d, not the image.")
                        % {"status": response.status}
                    ),
                    "not_found",
                )
            return Fetched(response.getheader("Content-Type", ""), response.read(MAX_LOGO_BYTES + 1))
        except (OSError, http.client.HTTPException):
            raise refused(
                str(_("The logo could not be fetched from %(host)s.") % {"host": host}), "unreachable"
            ) from None
        finally:
            connection.close()


def fetch_logo(url: str, source: LogoSource | None = None) -> ContentFile[bytes]:
    """The logo at ``url``, checked as an upload is, as a file to keep; ValidationError saying why not."""
    host, path = split_url(url)
    fetched = (source or HttpsSource()).fetch(host, path)
    declared = fetched.content_type.split(";", 1)[0].strip().lower()
    if declared not in LOGO_FORMATS.values():
        raise refused(
            str(_("The logo's address does not serve a PNG, JPEG, GIF or WebP image.")), "not_an_image"
        )
    image_format = logo_format(BytesIO(fetched.content))  # size, pixels, and every pixel decoded
    if LOGO_FORMATS[image_format] != declared:
        raise refused(
            str(_("The logo's address does not serve a PNG, JPEG, GIF or WebP image.")), "not_an_image"
        )
    return ContentFile(fetched.content, name=f"logo.{EXTENSIONS[image_format]}")
