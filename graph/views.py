"""The GraphQL HTTP endpoint: the request user comes from the JWT in the Authorization header."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from strawberry.django.views import GraphQLView

from domain.accounts.tokens import user_from_authorization


class KitandaGraphQLView(GraphQLView):
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Never the session: the endpoint is CSRF-exempt, so only the header authenticates.
        request.user = user_from_authorization(request.META.get("HTTP_AUTHORIZATION"))
        return super().dispatch(request, *args, **kwargs)


def client_ip(request: HttpRequest) -> str:
    """The caller's IP address. Behind TRUSTED_PROXY_COUNT proxies it is the X-Forwarded-For entry
    the outermost trusted proxy added; entries further left are the client's word and ignored."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
