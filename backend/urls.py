from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView

from graph.schema import schema
from graph.views import KitandaGraphQLView

from .observability import metrics
from .views import health, verify_email_link
from .webhooks import payment_webhook

urlpatterns = [
    # The API lives at /graphql/ (GraphiQL in a browser); / leads there instead of a 404.
    path("", RedirectView.as_view(url="/graphql/", permanent=False), name="root"),
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
    # Development only (404 unless DEBUG): FRONTEND_URL is this server there (`make run` sets it to the
    # port served), so the verification e-mail's link works as the storefront's page does in production.
    path("verificar-email", verify_email_link, name="verify-email-link"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
