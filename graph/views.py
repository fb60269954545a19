"""The GraphQL HTTP endpoint: the request user comes from the JWT in the Authorization header;
the context carries the request, the response and the request's loaders."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from strawberry.django.context import StrawberryDjangoContext
from strawberry.django.views import GraphQLView

from .auth import user_from_authorization
from .http import StrictRequests
from .loaders import Loaders


@dataclass
class Context(StrawberryDjangoContext):
    """`info.context`: Strawberry's Django context (`.request`, `.response`) and the request's loaders."""

    loaders: Loaders


class KitandaGraphQLView(StrictRequests, GraphQLView):
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Never the session: the endpoint is CSRF-exempt, so only the header authenticates.
        request.user = user_from_authorization(request.META.get("HTTP_AUTHORIZATION"))
        return super().dispatch(request, *args, **kwargs)

    def get_context(self, request: HttpRequest, response: HttpResponse) -> Context:
        return Context(request=request, response=response, loaders=Loaders(request))
