"""Photos on a return line: real images only (decoded, not sniffed), no bombs, stored without metadata."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import ExifTags, Image, PngImagePlugin

from retour.orders.models import Order
from retour.returns.errors import PhotoRefused
from retour.returns.models import ReturnLine, ReturnPhoto
from retour.returns.services.creating import LineRequest, create_return
from retour.returns.services.photos import MAX_PHOTO_BYTES, MAX_PHOTOS_PER_LINE, add_photo

pytestmark = pytest.mark.django_db

PARIS = (48.0, 51.0, 29.64)  # degrees, minutes, seconds: where the shopper took the photo


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    """Uploads in a folder of this test's own, to see exactly what was stored."""
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"]}}
    settings.STORAGES["default"]["OPTIONS"] = {"location": tmp_path}
    return tmp_path


@pytest.fixture
def line(order: Order) -> ReturnLine:
    first = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(first.pk, 1, reason="defective", condition="damaged")])
    return ret.lines.get()


def image_bytes(image_format: str, size: tuple[int, int] = (64, 48), **options) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((20, 20, 200), (0, 0, size[0] // 2, size[1] // 2))  # a corner, to see orientation
    out = BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()


def upload(content: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 15"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.DateTime] = "2026:11:02 09:14:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = PARIS
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 20.0, 5.0)
    return exif


def stored(photo: ReturnPhoto) -> bytes:
    with photo.file.open("rb") as stream:
        return stream.read()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny, valid-looking PNG whose header announces width by height pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    pixels = zlib.compress(b"\x00" * 64, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def refusal(line: ReturnLine, content: bytes, name: str = "photo.jpg") -> PhotoRefused:
    with pytest.raises(PhotoRefused) as refused:
        add_photo(line, upload(content, name))
    assert refused.value.code == "photo_refused"
    assert not line.photos.exists()
    return refused.value


@pytest.mark.parametrize(
    ("image_format", "content_type", "extension"),
    [
        ("JPEG", "image/jpeg", ".jpg"),
        ("PNG", "image/png", ".png"),
        ("GIF", "image/gif", ".gif"),
        ("WEBP", "image/webp", ".webp"),
    ],
)
def test_real_images_of_each_format_are_stored_re_encoded(
    line: ReturnLine, media: Path, image_format: str, content_type: str, extension: str
) -> None:
    photo = add_photo(line, upload(image_bytes(image_format), "IMG_0042.HEIC.exe"))
    assert (photo.content_type, photo.line_id) == (content_type, line.pk)
    name = Path(photo.file.name)
    assert name.suffix == extension
    assert "IMG_0042" not in name.name  # a random name, never the shopper's
    assert (media / photo.file.name).is_file()
    content = stored(photo)
    assert photo.size == len(content)
    with Image.open(BytesIO(content)) as again:
        assert (again.format, again.size) == (image_format, (64, 48))


def test_exif_with_the_gps_position_is_not_stored_and_the_photo_is_turned_upright(line: ReturnLine) -> None:
    original = image_bytes("JPEG", (80, 40), exif=gps_exif(orientation=6))  # taken with the phone on its side
    assert b"PhoneMaker" in original
    with Image.open(BytesIO(original)) as source:
        assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] == PARIS
    content = stored(add_photo(line, upload(original)))
    assert b"Exif" not in content
    assert b"PhoneMaker" not in content
    with Image.open(BytesIO(content)) as kept:
        assert not kept.getexif()
        assert "exif" not in kept.info
        assert kept.size == (40, 80)  # rotated as the phone meant it, since the orientation tag is gone


def test_png_text_chunks_and_exif_are_not_stored(line: ReturnLine) -> None:
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Jeanne Martin")
    text.add_text("Comment", "12 rue des Lilas, Lyon")
    original = image_bytes("PNG", pnginfo=text, exif=gps_exif())
    content = stored(add_photo(line, upload(original, "tag.png")))
    assert b"Jeanne" not in content
    assert b"Lilas" not in content
    assert b"eXIf" not in content
    with Image.open(BytesIO(content)) as kept:
        assert not kept.getexif()
        assert not kept.text


def test_a_truncated_photo_is_refused_as_damaged(line: ReturnLine, media: Path) -> None:
    whole = image_bytes("JPEG", (400, 300), quality=95)
    refused = refusal(line, whole[: len(whole) // 2])
    assert refused.details == {"reason": "damaged"}
    assert "damaged or incomplete" in refused.message
    assert not any(path.is_file() for path in media.rglob("*"))


def test_a_text_file_named_jpg_is_not_a_photo(line: ReturnLine) -> None:
    refused = refusal(line, b"Bonjour, voici la photo du pull.\n", "pull.jpg")
    assert refused.details == {"reason": "not_an_image"}
    assert refused.message == "This file is not a photo: send a JPEG, PNG, GIF or WebP image."


def test_an_empty_file_is_not_a_photo(line: ReturnLine) -> None:
    assert refusal(line, b"").details == {"reason": "not_an_image"}


def test_an_html_and_javascript_polyglot_behind_a_gif_header_is_refused(line: ReturnLine) -> None:
    polyglot = b"GIF89a/*\x00\x00\x00\x00*/=1;alert(document.cookie);/*<html><script>alert(1)</script>*/"
    assert refusal(line, polyglot, "cute.gif").details == {"reason": "not_an_image"}


def test_a_real_gif_with_a_script_appended_is_stored_without_it(line: ReturnLine) -> None:
    payload = b"<html><script>fetch('/api/v1/returns')</script></html>"
    photo = add_photo(line, upload(image_bytes("GIF") + payload, "cute.gif", "image/gif"))
    assert payload not in stored(photo)
    assert b"<script" not in stored(photo)


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (20_000, 20_000),  # 400 megapixels: past twice Pillow's limit, it refuses to open it
        (10_000, 10_000),  # 100 megapixels: past Pillow's limit, where it only warns
        (7_000, 7_000),  # 49 megapixels: under Pillow's limit, over ours
    ],
)
def test_a_decompression_bomb_is_refused_before_it_is_decoded(
    line: ReturnLine, width: int, height: int
) -> None:
    bomb = png_declaring(width, height)
    assert len(bomb) < 200
    refused = refusal(line, bomb, "bomb.png")
    assert refused.details == {"reason": "too_many_pixels"}
    assert refused.message == (
        "This image is too large in pixels: at most 24 megapixels. Send a smaller version."
    )


def test_a_photo_at_the_pixel_limit_is_accepted(line: ReturnLine) -> None:
    # 6000 by 4000: 24 megapixels exactly, in one colour so the file stays small.
    flat = BytesIO()
    Image.new("L", (6_000, 4_000), 128).save(flat, "PNG")
    assert add_photo(line, upload(flat.getvalue(), "big.png")).content_type == "image/png"


def test_files_over_ten_megabytes_are_refused_unread(line: ReturnLine) -> None:
    refused = refusal(line, b"\xff\xd8\xff" + b"\x00" * MAX_PHOTO_BYTES, "huge.jpg")
    assert refused.details == {"reason": "too_large"}
    assert refused.message == "The photo is too large (10.0 MB); the limit is 10 MB."


def test_at_most_six_photos_per_item(line: ReturnLine) -> None:
    for _ in range(MAX_PHOTOS_PER_LINE):
        add_photo(line, upload(image_bytes("PNG"), "p.png"))
    with pytest.raises(PhotoRefused) as refused:
        add_photo(line, upload(image_bytes("PNG"), "p.png"))
    assert refused.value.details == {"reason": "too_many"}
    assert line.photos.count() == MAX_PHOTOS_PER_LINE


def test_refusals_are_in_the_shoppers_language(line: ReturnLine) -> None:
    with translation.override("fr"):
        not_a_photo = refusal(line, b"texte", "a.jpg").message
        bomb = refusal(line, png_declaring(20_000, 20_000), "b.png").message
        damaged = refusal(line, image_bytes("JPEG", (300, 200))[:300]).message
    assert not_a_photo.startswith("Ce fichier n’est pas une photo")
    assert "24 mégapixels" in bomb
    assert "abîmée" in damaged
