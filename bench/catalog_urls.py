"""The project's URLs plus the benchmark's baselines: plain Django views that answer the contract's
ProductList (first: N), ProductDetail (for a logged-in buyer) and MyOrders with the same JSON, from
hand-written ORM queries.

Each does the work the API must do for the same answer, and no more: it authenticates the token and
loads the user where the operation is the caller's; a view that shows product prices first applies
the sale boundaries due (domain/promotions/sales.py, what every GraphQL request does, so that no
price of a sale window gone is shown); a product is found through the domain's visibility rule
(selectors.product_by_slug: on sale, or the logged-in caller's own), as a plain view of this API
would ask it; and a root list counts its totalCount the way the API's does
since issue 26 item 3 (graph/common.py CappedCount: a query of its own, capped at 1,001 rows), not
with COUNT(*) OVER () on the page's query, which reads every matching row."""

from __future__ import annotations

from base64 import b64encode

from django.core.files.storage import default_storage
from django.db.models import Count, Window
from django.http import HttpRequest, JsonResponse
from django.urls import path

from backend.urls import urlpatterns as project_urlpatterns
from domain.catalog import selectors
from domain.catalog.models import Product
from domain.catalog.selectors import ON_SALE
from domain.promotions.sales import sale_boundaries_catch_up
from graph.common import TOTAL_COUNT_EXACT_UP_TO

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
)


def _b64(text: str) -> str:
    return b64encode(text.encode()).decode()


def _capped_count(queryset) -> int:
    return queryset.order_by()[: TOTAL_COUNT_EXACT_UP_TO + 1].count()


def plain_product_list(request: HttpRequest) -> JsonResponse:
    first = min(int(request.GET.get("first", "20")), 100)
    sale_boundaries_catch_up()
    on_sale = Product.objects.filter(ON_SALE)
    rows = list(on_sale.order_by("-created_at", "-id").values_list(*COLUMNS)[: first + 1])
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
        "totalCount": _capped_count(on_sale),
        "pageInfo": {"hasNextPage": len(rows) > first, "endCursor": edges[-1]["cursor"] if edges else None},
        "edges": edges,
    }
    return JsonResponse({"data": {"products": products}})


def _when(value) -> str | None:
    return None if value is None else value.isoformat()


def _url(request: HttpRequest, name: str) -> str | None:
    return request.build_absolute_uri(default_storage.url(name)) if name else None


def _page(edges: list, total: int, more: bool) -> dict:
    last = _b64(f"arrayconnection:{len(edges) - 1}") if edges else None
    return {
        "totalCount": total,
        "pageInfo": {"hasNextPage": more, "endCursor": last},
        "edges": edges,
    }


def _caller(request: HttpRequest):
    from graph.auth import user_from_authorization

    return user_from_authorization(request.META.get("HTTP_AUTHORIZATION"))


def plain_product_detail(request: HttpRequest) -> JsonResponse:
    """ProductDetail of a logged-in buyer: the product, the caller's review, its first 10 reviews."""
    from domain.reviews.models import Review

    user = _caller(request)
    sale_boundaries_catch_up()
    # The domain's visibility rule, as the API asks it for a logged-in caller (on sale, or theirs).
    product = (
        selectors.product_by_slug(slug=request.GET["slug"], user=user)
        .select_related("store", "category")
        .only(
            "id",
            "name",
            "slug",
            "price",
            "in_stock",
            "thumbnail",
            "image",
            "rating_average",
            "rating_count",
            "description",
            "stock_quantity",
            "created_at",
            "store__name",
            "store__slug",
            "category__name",
            "category__slug",
        )
        .first()
    )
    if product is None:
        return JsonResponse({"data": {"product": None}})
    mine = Review.objects.filter(product=product, user=user).values_list("id", "rating", "comment").first()
    reviews = list(
        Review.objects.filter(product=product)
        .select_related("user")
        .annotate(total=Window(Count(1)))
        .order_by("-created_at", "-id")[:11]
    )
    edges = [
        {
            "cursor": _b64(f"arrayconnection:{index}"),
            "node": {
                "id": _b64(f"Review:{review.pk}"),
                "rating": review.rating,
                "comment": review.comment,
                "authorName": review.user.display_name,
                "createdAt": _when(review.created_at),
            },
        }
        for index, review in enumerate(reviews[:10])
    ]
    return JsonResponse(
        {
            "data": {
                "product": {
                    "id": _b64(f"Product:{product.pk}"),
                    "name": product.name,
                    "slug": product.slug,
                    "price": str(product.price),
                    "inStock": product.in_stock,
                    "thumbnailUrl": _url(request, product.thumbnail.name),
                    "averageRating": None
                    if product.rating_average is None
                    else float(product.rating_average),
                    "reviewCount": product.rating_count,
                    "store": {"name": product.store.name, "slug": product.store.slug},
                    "category": {"name": product.category.name, "slug": product.category.slug},
                    "description": product.description,
                    "stockQuantity": product.stock_quantity,
                    "imageUrl": _url(request, product.image.name),
                    "createdAt": _when(product.created_at),
                    "myReview": None
                    if mine is None
                    else {"id": _b64(f"Review:{mine[0]}"), "rating": mine[1], "comment": mine[2]},
                    "reviews": _page(edges, reviews[0].total if reviews else 0, len(reviews) > 10),
                }
            }
        }
    )


def plain_my_orders(request: HttpRequest) -> JsonResponse:
    """MyOrders (first: 20) of the logged-in buyer: orders, their store, lines and payment."""
    from django.db.models import Prefetch

    from domain.orders.models import Order, OrderItem, OrderStatus, PaymentMethod, PaymentStatus

    user = _caller(request)
    mine = Order.objects.filter(buyer=user)
    orders = list(
        mine.select_related("store", "payment")
        .prefetch_related(
            Prefetch("items", OrderItem.objects.select_related("product").order_by("pk")),
        )
        .order_by("-created_at", "-id")[:21]
    )
    edges = []
    for order in orders[:20]:
        payment = getattr(order, "payment", None)
        edges.append(
            {
                "node": {
                    "id": _b64(f"Order:{order.pk}"),
                    "orderNumber": order.order_number,
                    "status": OrderStatus(order.status).name,
                    "paymentStatus": PaymentStatus(order.payment_status).name,
                    "totalAmount": str(order.total_amount),
                    "shippingAddress": order.shipping_address,
                    "contactPhone": order.contact_phone,
                    "createdAt": _when(order.created_at),
                    "updatedAt": _when(order.updated_at),
                    "store": {"name": order.store.name, "slug": order.store.slug},
                    "items": [
                        {
                            "id": _b64(f"OrderItem:{item.pk}"),
                            "productName": item.product_name,
                            "price": str(item.price),
                            "quantity": item.quantity,
                            "lineTotal": str(item.line_total),
                            "product": None
                            if item.product is None or item.product.deleted_at is not None
                            else {"slug": item.product.slug},
                        }
                        for item in order.items.all()
                    ],
                    "payment": None
                    if payment is None
                    else {
                        "id": _b64(f"Payment:{payment.pk}"),
                        "method": PaymentMethod(payment.method).name,
                        "status": PaymentStatus(payment.status).name,
                        "amount": str(payment.amount),
                        "transactionId": payment.transaction_id,
                        "referenceNumber": payment.reference_number,
                        "createdAt": _when(payment.created_at),
                    },
                },
            }
        )
    return JsonResponse({"data": {"myOrders": _page(edges, _capped_count(mine), len(orders) > 20)}})


urlpatterns = [
    *project_urlpatterns,
    path("bench/products/", plain_product_list),
    path("bench/product/", plain_product_detail),
    path("bench/my-orders/", plain_my_orders),
]
