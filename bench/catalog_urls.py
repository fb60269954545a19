"""The project's URLs plus the benchmark's baseline: a plain Django view that answers the
contract's ProductList (first: N) with the same JSON, from one hand-written ORM query."""

from __future__ import annotations

from base64 import b64encode

from django.core.files.storage import default_storage
from django.db.models import Count, Window
from django.http import HttpRequest, JsonResponse
from django.urls import path

from backend.urls import urlpatterns as project_urlpatterns
from domain.catalog.models import Product
from domain.catalog.selectors import ON_SALE

COLUMNS = (
    "pk",
    "name",
    "slug",
    "price",
    "in_stock",
    "thumbnail",
    "rating_average",
    "rating_count",
    "store__name",
    "store__slug",
    "category__name",
    "category__slug",
    "total",
)


def _b64(text: str) -> str:
    return b64encode(text.encode()).decode()


def plain_product_list(request: HttpRequest) -> JsonResponse:
    first = min(int(request.GET.get("first", "20")), 100)
    rows = list(
        Product.objects.filter(ON_SALE)
        .order_by("-created_at", "-id")
        .annotate(total=Window(Count(1)))
        .values_list(*COLUMNS)[: first + 1]
    )
    edges = []
    for index, row in enumerate(rows[:first]):
        (
            pk,
            name,
            slug,
            price,
            in_stock,
            thumbnail,
            rating,
            count,
            store_name,
            store_slug,
            cat_name,
            cat_slug,
            _,
        ) = row
        edges.append(
            {
                "cursor": _b64(f"arrayconnection:{index}"),
                "node": {
                    "id": _b64(f"Product:{pk}"),
                    "name": name,
                    "slug": slug,
                    "price": str(price),
                    "inStock": in_stock,
                    "thumbnailUrl": request.build_absolute_uri(default_storage.url(thumbnail))
                    if thumbnail
                    else None,
                    "averageRating": None if rating is None else float(rating),
                    "reviewCount": count,
                    "store": {"name": store_name, "slug": store_slug},
                    "category": {"name": cat_name, "slug": cat_slug},
                },
            }
        )
    products = {
        "totalCount": rows[0][-1] if rows else 0,
        "pageInfo": {"hasNextPage": len(rows) > first, "endCursor": edges[-1]["cursor"] if edges else None},
        "edges": edges,
    }
    return JsonResponse({"data": {"products": products}})


urlpatterns = [*project_urlpatterns, path("bench/products/", plain_product_list)]
