"""domain/images.py: what an uploaded image must be, and what is stored of it."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from domain.errors import ErrorCode, InvalidInput
from domain.images import MAX_BYTES, MAX_SIDE, THUMBNAIL_SIDE, image_prepare, image_thumbnail


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (800, 600), color="red", **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt, **save)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def opened(file) -> Image.Image:
    file.seek(0)
    image = Image.open(io.BytesIO(file.read()))
    image.load()
    return image


def thumbnail_of(prepared):
    """The thumbnail the background task makes of the stored image (domain/catalog/thumbnails.py)."""
    prepared.image.seek(0)
    return image_thumbnail(prepared.image.read(), name=prepared.image.name)


@pytest.mark.parametrize(("fmt", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_accepted_formats_give_image_and_webp_thumbnail(fmt, extension):
    prepared = image_prepare(upload(image_bytes(fmt, (1600, 800)), name="Foto Grande.xyz"), field="image")

    assert prepared.format == fmt
    assert (prepared.width, prepared.height) == (1600, 800)
    assert prepared.image.name == f"foto-grande.{extension}"
    assert opened(prepared.image).format == fmt
    made = thumbnail_of(prepared)
    thumbnail = opened(made)
    assert thumbnail.format == "WEBP"
    assert thumbnail.size == (THUMBNAIL_SIDE, THUMBNAIL_SIDE // 2)
    assert made.name == "foto-grande-thumb.webp"


def test_small_image_thumbnail_is_not_enlarged():
    prepared = image_prepare(upload(image_bytes("PNG", (120, 90))), field="image")
    assert opened(thumbnail_of(prepared)).size == (120, 90)


def test_transparent_png_keeps_alpha_in_thumbnail():
    out = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 255, 0)).save(out, "PNG")
    prepared = image_prepare(upload(out.getvalue()), field="image")
    assert opened(thumbnail_of(prepared)).mode == "RGBA"


def test_exif_orientation_is_applied_and_exif_dropped():
    # A 300×100 picture whose EXIF says "rotate 90°" (orientation 6) displays as 100×300.
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {1: "S"}  # a GPS block, which must not survive
    data = image_bytes("JPEG", (300, 100), exif=exif.tobytes())

    prepared = image_prepare(upload(data, name="rotated.jpg", content_type="image/jpeg"), field="image")

    stored = opened(prepared.image)
    assert stored.size == (100, 300)
    assert (prepared.width, prepared.height) == (100, 300)
    assert 0x0112 not in stored.getexif()
    assert 0x8825 not in stored.getexif()
    assert opened(thumbnail_of(prepared)).size == (100, 300)


def assert_refused(file, field: str = "image") -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        image_prepare(file, field=field)
    assert caught.value.code == ErrorCode.INVALID
    assert caught.value.field == field
    return caught.value


def test_text_file_named_jpg_is_refused():
    error = assert_refused(
        upload(b"hello, I am not a picture\n", name="photo.jpg", content_type="image/jpeg")
    )
    assert "não é uma imagem" in error.message


def test_other_image_formats_are_refused():
    error = assert_refused(upload(image_bytes("GIF", (10, 10)), name="anim.gif"), field="logo")
    assert "JPEG, PNG ou WebP" in error.message


def test_too_many_bytes_is_refused_before_decoding():
    # A valid PNG header followed by padding: refused on its size alone.
    data = image_bytes("PNG", (10, 10)) + b"\0" * MAX_BYTES
    error = assert_refused(upload(data))
    assert "5 MB" in error.message


def test_size_is_checked_on_files_that_do_not_declare_it():
    data = image_bytes("PNG", (10, 10)) + b"\0" * MAX_BYTES
    assert_refused(io.BytesIO(data))


def test_too_many_pixels_is_refused():
    # Compresses to a few kilobytes, so only the dimension check can refuse it.
    error = assert_refused(upload(image_bytes("PNG", (MAX_SIDE + 1, 10))))
    assert str(MAX_SIDE) in error.message


def test_largest_allowed_side_is_accepted():
    prepared = image_prepare(upload(image_bytes("PNG", (MAX_SIDE, 8))), field="image")
    assert prepared.width == MAX_SIDE


def test_truncated_image_is_refused():
    data = image_bytes("JPEG", (400, 400), color="blue")
    assert_refused(upload(data[: len(data) // 2], name="cut.jpg"))


def test_empty_file_is_refused():
    assert_refused(upload(b"", name="empty.png"))
