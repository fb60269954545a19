"""The demo's photos and logos: a coloured tile with the initials of a name."""

from __future__ import annotations

import io
import zlib

from django.core.files.base import ContentFile
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont


def tile(text: str, colour: tuple[int, int, int], *, size: int, name: str) -> ContentFile:
    """A JPEG square of `colour` with the initials of `text` in white: the demo's photos and logos."""
    initials = "".join(word[0] for word in text.split() if word[0].isalnum())[:2].upper() or "K"
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=size * 2 // 5)
    draw.text((size / 2, size / 2), initials, fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return ContentFile(out.getvalue(), name=f"{slugify(name) or 'demo'}.jpg")


def colour_of(name: str) -> tuple[int, int, int]:
    """A stable, fairly dark colour for a name (white initials stay readable)."""
    hue = zlib.crc32(name.encode())
    return (40 + hue % 150, 40 + (hue >> 8) % 150, 40 + (hue >> 16) % 150)
