"""The drop-off payload and the QR codes drawn from it, read back by a real decoder (zxing-cpp)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image

from retour.catalog.models import Store
from retour.logistics.codes import drop_off_payload, qr_png, qr_svg, read_drop_off_payload
from retour.returns.models import Return

pytestmark = pytest.mark.unit

SVG = "{http://www.w3.org/2000/svg}"
PAYLOAD = "RETOUR:maison-lumiere:R8K2M4PQX"


def test_the_drop_off_payload_names_the_store_and_the_return():
    ret = Return(number="R8K2M4PQX", store=Store(code="maison-lumiere"))
    assert drop_off_payload(ret) == PAYLOAD
    assert read_drop_off_payload(PAYLOAD) == ("maison-lumiere", "R8K2M4PQX")


@pytest.mark.parametrize("text", ["R8K2M4PQX", "RETOUR:", "RETOUR:maison-lumiere:", "OTHER:a:b", ""])
def test_a_scan_that_is_not_a_payload_reads_as_none(text: str):
    assert read_drop_off_payload(text) is None


def test_the_svg_is_well_formed_and_named_for_screen_readers():
    svg = qr_svg(PAYLOAD, "QR code of return R8K2M4PQX")
    root = ET.fromstring(svg)  # noqa: S314 - our own markup, not untrusted XML
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("class") == "qr"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root[0].tag == f"{SVG}title"
    assert root[0].text == "QR code of return R8K2M4PQX"
    assert root.findall(f"{SVG}path")


def test_the_svg_title_is_escaped():
    svg = qr_svg(PAYLOAD, 'Code <script>alert("x")</script> & co')
    assert "<script>" not in svg
    assert ET.fromstring(svg)[0].text == 'Code <script>alert("x")</script> & co'  # noqa: S314


def test_the_png_is_a_png_that_decodes_to_the_payload():
    png = qr_png(PAYLOAD)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.width == image.height >= 200
    (found,) = zxingcpp.read_barcodes(image)
    assert (found.format, found.text) == (zxingcpp.BarcodeFormat.QRCode, PAYLOAD)
