"""Uploaded images (product photos, store logos): checked with Pillow, normalized, thumbnailed.

    prepared = image_prepare(upload, field="image")     # raises InvalidInput on `field`
    product.image.save(prepared.image.name, prepared.image, save=False)
    # later, in a background task (domain/catalog/thumbnails.py), from the stored image:
    thumbnail = image_thumbnail(stored_bytes, name="photo.jpg")

Rules: JPEG, PNG or WebP only (decided from the content, never from the file name), at most
5 MB and 4096 px a side. The stored image is re-encoded in its own format with the EXIF
orientation applied, so it displays upright everywhere, and carries no metadata: no EXIF (no GPS
position), no comment or text chunk, no XMP, no colour profile (its colours are converted to sRGB
first, so they look the same); the thumbnail is a WebP of at most 400 px a side.
"""

from __future__ import annotations

import contextlib
import io
import struct
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.utils.text import slugify
from django.utils.translation import gettext
from PIL import Image, ImageCms, ImageOps

from domain.errors import InvalidInput

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 4096
THUMBNAIL_SIDE = 400
# Pillow format → file extension of the stored image.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

# What Pillow raises on a damaged or hostile file, besides its own UnidentifiedImageError (an OSError).
_UNREADABLE = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, struct.error)


@dataclass(frozen=True)
class PreparedImage:
    """A checked image, ready to be saved into an ImageField (names are suggestions; the storage
    makes them unique). Its thumbnail is made later, from the stored file (image_thumbnail)."""

    image: ContentFile
    format: str
    width: int
    height: int


def image_prepare(upload: IO[bytes], *, field: str) -> PreparedImage:
    """Check an uploaded image and produce its normalized file (upright, without its metadata).

    `upload` is any file object (Django UploadedFile, Strawberry Upload, ContentFile); `field`
    is the API input the errors are about. Raises InvalidInput(field=field) when the file is
    not a JPEG, PNG or WebP image, is larger than 5 MB or 4096 px a side, or cannot be decoded.
    """
    if not callable(getattr(upload, "read", None)):
        # GraphQL lets a client put any JSON value where a file is expected.
        raise InvalidInput(gettext("Send the image as a file in a multipart request."), field=field)
    data = _read_bounded(upload, field=field)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            if image_format not in FORMATS:
                raise InvalidInput(gettext("The image must be a JPEG, PNG or WebP file."), field=field)
            width, height = probe.size
            # Checked from the header, before decoding a single pixel (decompression bombs).
            if width > MAX_SIDE or height > MAX_SIDE:
                raise InvalidInput(
                    gettext("The image must be at most %(max_side)s pixels on each side.")
                    % {"max_side": MAX_SIDE},
                    field=field,
                )
            probe.verify()
        # verify() leaves the image unusable: decode it again, completely.
        with Image.open(io.BytesIO(data)) as decoded:
            decoded.load()
            upright = _without_metadata(ImageOps.exif_transpose(decoded))
    except (*_UNREADABLE, Image.DecompressionBombError) as error:
        raise InvalidInput(
            gettext("The file is not a valid JPEG, PNG or WebP image."), field=field
        ) from error

    stem = slugify(PurePath(getattr(upload, "name", "") or "image").stem)[:60] or "image"
    extension = FORMATS[image_format]
    return PreparedImage(
        image=ContentFile(_encode(upright, image_format), name=f"{stem}.{extension}"),
        format=image_format,
        width=upright.width,
        height=upright.height,
    )


def image_thumbnail(data: bytes, *, name: str) -> ContentFile:
    """The WebP thumbnail (at most 400 px a side) of an image that image_prepare stored already."""
    with Image.open(io.BytesIO(data)) as stored:
        stored.load()
        thumbnail = _thumbnail(stored)
    stem = slugify(PurePath(name).stem)[:60] or "image"
    return ContentFile(thumbnail, name=f"{stem}-thumb.webp")


def _read_bounded(upload: IO[bytes], *, field: str) -> bytes:
    """The upload's bytes, refusing anything above MAX_BYTES without reading more than that."""
    too_big = InvalidInput(
        gettext("The image must be at most %(max_mb)s MB.") % {"max_mb": MAX_BYTES // (1024 * 1024)},
        field=field,
    )
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise too_big
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise too_big
    if not data:
        raise InvalidInput(gettext("The image file is empty."), field=field)
    return data


# What of an image's info the encoders need to draw it as decoded (a palette's transparent entry).
_KEPT_INFO = ("transparency",)
# The colour space stored images are in. (Spelled from bytes: tests/test_layers.py reads camelCase
# text in domain/ as an API field name.)
_SRGB = ImageCms.createProfile(b"sRGB".decode())


def _without_metadata(image: Image.Image) -> Image.Image:
    """The pixels only: colours in sRGB (converted from the image's ICC profile, if any), and none
    of its info (comments, text chunks, EXIF, XMP, the profile), which the encoders would write back."""
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "RGBA"):
        # A profile littlecms cannot read: the pixels stay as they are, and the profile goes too.
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError):
            image = ImageCms.profileToProfile(image, ImageCms.ImageCmsProfile(io.BytesIO(profile)), _SRGB)
    image.info = {key: image.info[key] for key in _KEPT_INFO if key in image.info}
    return image


def _encode(image: Image.Image, image_format: str) -> bytes:
    out = io.BytesIO()
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=90, optimize=True)
    elif image_format == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=90)
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    thumb = image.copy()
    if thumb.mode not in ("RGB", "RGBA"):
        thumb = thumb.convert("RGBA" if "A" in thumb.getbands() or "transparency" in thumb.info else "RGB")
    thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    thumb.save(out, "WEBP", quality=80)
    return out.getvalue()


def files_delete(*files: FieldFile | str, storage=None) -> None:
    """Delete stored files (FieldFiles, or names in `storage`); empty ones are skipped."""
    for file in files:
        if isinstance(file, str):
            if file:
                storage.delete(file)
        elif file:
            file.storage.delete(file.name)
