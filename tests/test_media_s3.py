"""Media on S3-compatible storage (MEDIA_STORAGE=s3, django-storages + boto3) against moto's S3
server on a loopback port: product images, their thumbnails (made by the background task) and store
logos are uploaded, served from public-read URLs (or a CDN base) and deleted for real."""

from __future__ import annotations

import io
import urllib.request

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from domain.accounts.services import store_update
from domain.catalog.models import Product

from .conftest import GraphQLClient
from .factories import make_category
from .helpers import gid, multipart, png, product_input
from .services import free_port, services_leg

pytestmark = [services_leg, pytest.mark.django_db]

BUCKET = "kitanda-media"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint():
    moto_server = pytest.importorskip("moto.server", reason="moto[server] is in requirements-dev.txt")
    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A fresh bucket, and the settings of MEDIA_STORAGE=s3 pointing at it."""
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, **KEYS)
    s3.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": KEYS["region_name"],
                "access_key": KEYS["aws_access_key_id"],
                "secret_key": KEYS["aws_secret_access_key"],
                "location": "media",
                "addressing_style": "path",
                "default_acl": "public-read",
                "querystring_auth": False,
                "file_overwrite": False,
                "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            },
        },
    }
    yield s3
    objects = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in objects:
        s3.delete_object(Bucket=BUCKET, Key=item["Key"])
    s3.delete_bucket(Bucket=BUCKET)


def keys(s3) -> set[str]:
    return {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def fetched(url: str) -> Image.Image:
    with urllib.request.urlopen(url, timeout=10) as response:
        image = Image.open(io.BytesIO(response.read()))
        image.load()
        return image


def test_product_images_and_thumbnails_live_in_the_bucket(client, seller, bucket, s3_endpoint):
    category = make_category()
    result = multipart(
        client,
        "CreateProduct",
        {"input": product_input(category)},
        {"input.image": ("pano.png", png())},
        seller,
    )
    answer = result["data"]["createProduct"]
    assert answer["errors"] == [] and answer["product"]["thumbnailUrl"] is None  # the task has not run yet

    product = Product.objects.get()
    assert keys(bucket) == {f"media/{product.image.name}", f"media/{product.thumbnail.name}"}
    image_url = answer["product"]["imageUrl"]
    assert image_url == f"{s3_endpoint}/{BUCKET}/media/{product.image.name}"
    assert fetched(image_url).size == (600, 300)
    # Once the task has run, the catalogue answers the thumbnail's public URL in the bucket.
    detail = GraphQLClient(client).op("ProductDetail", {"slug": product.slug})["data"]["product"]
    assert detail["thumbnailUrl"] == f"{s3_endpoint}/{BUCKET}/media/{product.thumbnail.name}"
    assert fetched(detail["thumbnailUrl"]).size == (400, 200)
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=f"media/{product.image.name}")["Grants"]
    assert any(
        grant["Grantee"].get("URI", "").endswith("/global/AllUsers") and grant["Permission"] == "READ"
        for grant in grants
    )
    head = bucket.head_object(Bucket=BUCKET, Key=f"media/{product.thumbnail.name}")
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    assert head["ContentType"] == "image/webp"

    # A new image replaces both files: the old ones are deleted from the bucket after the commit.
    old = {f"media/{product.image.name}", f"media/{product.thumbnail.name}"}
    variables = {"id": gid("Product", product.pk), "input": {"image": None}}
    result = multipart(
        client, "UpdateProduct", variables, {"input.image": ("b.webp", png(fmt="WEBP"))}, seller
    )
    assert result["data"]["updateProduct"]["errors"] == []
    product.refresh_from_db()
    assert keys(bucket) == {f"media/{product.image.name}", f"media/{product.thumbnail.name}"}
    assert not old & keys(bucket)
    assert product.image.name.endswith(".webp") and product.thumbnail


def test_store_logos_go_to_the_bucket_and_urls_use_the_cdn(seller, bucket, settings):
    settings.STORAGES["default"]["OPTIONS"] |= {"custom_domain": "cdn.kitanda.ao"}
    settings.STORAGES = dict(settings.STORAGES)  # re-set, so the storage is built again
    out = io.BytesIO()
    Image.new("RGB", (120, 60), "blue").save(out, "PNG")
    store = store_update(seller=seller, logo=SimpleUploadedFile("logo.png", out.getvalue()))
    assert keys(bucket) == {f"media/{store.logo.name}"}
    assert store.logo.url == f"https://cdn.kitanda.ao/media/{store.logo.name}"
