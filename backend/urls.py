from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from graph.schema import schema
from graph.views import KitandaGraphQLView

from .observability import metrics
from .views import health
from .webhooks import payment_webhook

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("metrics/", metrics, name="metrics"),
    path(
        "graphql/",
        # Header-only authentication, so the endpoint needs no CSRF token.
        csrf_exempt(KitandaGraphQLView.as_view(schema=schema, multipart_uploads_enabled=True)),
        name="graphql",
    ),
    path("payments/webhook/", payment_webhook, name="payment-webhook"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
