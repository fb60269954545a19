"""Compression of responses of COMPRESS_MIN_BYTES and more: brotli where the client accepts it,
else gzip (Django's GZipMiddleware, which pads each response with random bytes against BREACH).

Brotli at a low quality costs about what gzip does and gives smaller JSON; a page of 20 products
(~6 KB) becomes ~1 KB. Compressed answers carry `Vary: Accept-Encoding` and a weak ETag, which
If-None-Match still matches (graph/views.py compares weakly).
"""

from __future__ import annotations

import re

import brotli
from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

_ACCEPTS_BR = re.compile(r"(?:^|,)\s*br\s*(?:;\s*q\s*=\s*(?!0(?:\.0*)?\s*(?:,|$))[\d.]+)?\s*(?:,|$)")
BROTLI_QUALITY = 4


def accepts_brotli(accept_encoding: str) -> bool:
    return bool(_ACCEPTS_BR.search(accept_encoding.lower()))


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if response.streaming or len(response.content) < settings.COMPRESS_MIN_BYTES:
            return response
        if response.has_header("Content-Encoding"):
            return response
        if not accepts_brotli(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Encoding",))
        compressed = brotli.compress(response.content, quality=BROTLI_QUALITY)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "br"
        return response
