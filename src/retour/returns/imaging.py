"""Decoding and re-encoding a shopper's photo, in a child process of its own with a memory limit.

A 116 KB file can declare a picture whose pixels take hundreds of megabytes once decoded; eight such
uploads at once would take gigabytes from the web server. So the server never decodes: it hands the
bytes to ``python -m retour.returns.imaging``, which caps its own address space (``MEMORY_LIMIT``)
before touching them, checks the dimensions from the header, decodes, turns the image upright, and
writes back a fresh encoding (no EXIF, no comments, nothing appended, the first frame only). Whatever
the file does, the child's memory is the child's: it is refused or it fails, and the server stays small.

No Django here: the child starts in a fraction of a second with Pillow alone.

The protocol: the upload on standard input; on standard output one JSON line, then the encoded bytes.
The JSON says ``{"format", "width", "height"}`` or ``{"refused": reason}``.
"""

from __future__ import annotations

import json
import resource
import struct
import sys
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 24_000_000  # photos are evidence, not art: a 24-megapixel phone photo and no more
MEMORY_LIMIT = 768 * 1024 * 1024  # the child's address space: a 24-megapixel RGBA image is 96 MB
CPU_SECONDS = 30  # a file that takes longer to decode is not a photo a shopper took
FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
# What Pillow raises on a file it cannot decode.
UNREADABLE = (OSError, ValueError, SyntaxError, EOFError, IndexError, struct.error, MemoryError)
KEPT_INFO = ("transparency",)  # of the decoder's metadata, only what the pixels need to look the same
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own check on opening, at our limit


class Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def clean(data: bytes) -> tuple[bytes, str, int, int]:
    """The stored encoding of ``data``, its format and size; ``Refused`` with the reason if none."""
    if not data:
        raise Refused("not_an_image")
    try:
        with Image.open(BytesIO(data), formats=list(FORMATS)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise Refused("too_many_pixels")
            image_format = str(image.format)
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused("too_many_pixels") from None
    except UnidentifiedImageError:
        raise Refused("not_an_image") from None
    except UNREADABLE:
        raise Refused("damaged") from None
    return _encode(upright, image_format), image_format, upright.width, upright.height


def _encode(image: Image.Image, image_format: str) -> bytes:
    image.info = {key: value for key, value in image.info.items() if key in KEPT_INFO}
    if image_format == "JPEG" and image.mode not in ("L", "RGB", "CMYK"):
        image = image.convert("RGB")
    elif image_format == "WEBP" and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    out = BytesIO()
    options = {"JPEG": {"quality": 90}, "WEBP": {"quality": 90}}.get(image_format, {})
    try:
        image.save(out, image_format, **options)
    except UNREADABLE:  # e.g. a JPEG wider than 65,535 pixels decodes as a PNG but cannot be re-encoded
        raise Refused("damaged") from None
    return out.getvalue()


def main() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    # Time is counted in the child's own CPU seconds, not on the wall: a busy server (other uploads, other
    # work on the machine) slows an honest photo without making it refused.
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    data = sys.stdin.buffer.read()
    out = sys.stdout.buffer
    try:
        content, image_format, width, height = clean(data)
    except Refused as refused:
        out.write(json.dumps({"refused": refused.reason}).encode() + b"\n")
        return
    out.write(json.dumps({"format": image_format, "width": width, "height": height}).encode() + b"\n")
    out.write(content)


if __name__ == "__main__":
    main()
