"""The GraphQL HTTP endpoint: the request user comes from the JWT in the Authorization header."""

from django.http import HttpRequest, HttpResponse
from strawberry.django.views import GraphQLView

from domain.accounts.tokens import user_from_authorization

from .http import StrictRequests


class KitandaGraphQLView(StrictRequests, GraphQLView):
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Never the session: the endpoint is CSRF-exempt, so only the header authenticates.
        request.user = user_from_authorization(request.META.get("HTTP_AUTHORIZATION"))
        return super().dispatch(request, *args, **kwargs)
