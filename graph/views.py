"""The GraphQL HTTP endpoint: the request user comes from the JWT in the Authorization header;
the context carries the request, the response and the request's loaders.

On top of strawberry's view: persisted queries (graph/persisted.py), queries over GET (never
mutations), HTTP caching of public answers (Cache-Control, ETag, 304) and the server's response
cache (graph/response_cache.py)."""

from __future__ import annotations

from dataclasses import dataclass

from cross_web import HTTPException
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.utils.translation import gettext
from graphql import OperationType
from strawberry.django.context import StrawberryDjangoContext
from strawberry.django.views import GraphQLView
from strawberry.http import process_result
from strawberry.types.unset import UNSET

from . import persisted, response_cache
from .auth import user_from_authorization
from .http import StrictRequests
from .loaders import Loaders
from .persisted import PersistedQueryProblem
from .request import GraphQLRequest

PRIVATE = "private, no-store"
VARY = ("Authorization", "Accept")


@dataclass
class Context(StrawberryDjangoContext):
    """`info.context`: Strawberry's Django context (`.request`, `.response`), the request's loaders
    and the GraphQL request being run (graph/request.py)."""

    loaders: Loaders
    graphql: GraphQLRequest | None = None


class KitandaGraphQLView(StrictRequests, GraphQLView):
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Never the session: the endpoint is CSRF-exempt, so only the header authenticates.
        request.user = user_from_authorization(request.META.get("HTTP_AUTHORIZATION"))
        return super().dispatch(request, *args, **kwargs)

    def get_context(self, request: HttpRequest, response: HttpResponse) -> Context:
        return Context(request=request, response=response, loaders=Loaders(request))

    def should_render_graphql_ide(self, request) -> bool:
        # A persisted query over GET has no `query` parameter: it is not a browser's visit.
        return "extensions" not in request.query_params and super().should_render_graphql_ide(request)

    def render_graphql_ide(self, request: HttpRequest) -> HttpResponse:
        response = super().render_graphql_ide(request)
        patch_vary_headers(response, VARY)
        return response

    def run(self, request: HttpRequest, context=UNSET, root_value=UNSET) -> HttpResponse:
        """One request's path: read the body, work out the GraphQL request once, answer from the
        response cache when it may, else run it and keep the answer when it is public."""
        request.get_host()  # ALLOWED_HOSTS, which CommonMiddleware checks for the rest of the site
        adapter = self.request_adapter_class(request)
        if not self.is_request_allowed(adapter):
            raise HTTPException(405, gettext("GraphQL only supports GET and POST requests."))
        if self.should_render_graphql_ide(adapter):
            return self.render_graphql_ide(request)
        data = self.parse_http_body(adapter)  # a list (a batch) is refused there
        if not isinstance(data.operation_name, str | None):
            raise HTTPException(400, gettext("The operation's `operationName` must be a string."))
        try:
            graphql = persisted.request_for(
                data.query, data.extensions, data.operation_name, data.variables, schema=self.schema._schema
            )
        except PersistedQueryProblem as problem:
            answer = {"data": None, "errors": [problem.error.formatted]}
            return _private(self.create_response(answer, self.get_sub_response(request)))
        if graphql.operation_type == OperationType.SUBSCRIPTION:
            raise HTTPException(400, gettext("Subscriptions are served over the websocket, not over HTTP."))
        request.graphql = graphql  # the database router reads what it runs (backend/db_router.py)
        data.query = graphql.text

        shared = response_cache.plan_for(request, graphql)
        hit = response_cache.cached(shared)
        if hit is not None:
            graphql.validated = True  # an answer was kept for it: it passed the guards and validation
            persisted.register(graphql)
            body, etag = hit
            return _public(request, HttpResponse(body, content_type="application/json"), etag, cache="HIT")

        sub_response = self.get_sub_response(request)
        context = self.get_context(request, response=sub_response) if context is UNSET else context
        context.graphql = graphql
        root_value = self.get_root_value(request) if root_value is UNSET else root_value
        result = self.execute_single(
            request=request,
            request_adapter=adapter,
            sub_response=sub_response,
            context=context,
            root_value=root_value,
            request_data=data,
        )
        persisted.register(graphql)
        response_data = process_result(result)
        if result.errors:
            self._handle_errors(result.errors, response_data)
        response = self.create_response(response_data=response_data, sub_response=sub_response)
        if not shared.public or result.errors or response.status_code != 200:
            return _private(response)
        etag = response_cache.etag_of(response.content)
        response_cache.store(shared, graphql, response.content, etag, result.data)
        return _public(request, response, etag, cache="MISS")


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = PRIVATE
    patch_vary_headers(response, VARY)
    return response


def _public(request: HttpRequest, response: HttpResponse, etag: str, *, cache: str) -> HttpResponse:
    """An answer anyone may keep for GRAPHQL_CACHE_MAX_AGE seconds and revalidate by its ETag;
    a 304 when the client holds it already. X-Cache tells whether the server's cache answered."""
    if request.method == "GET" and _matches(request.META.get("HTTP_IF_NONE_MATCH"), etag):
        response = HttpResponseNotModified()
    response["ETag"] = etag
    response["X-Cache"] = cache
    response["Cache-Control"] = f"public, max-age={settings.GRAPHQL_CACHE_MAX_AGE}"
    patch_vary_headers(response, VARY)
    return response


def _matches(if_none_match: str | None, etag: str) -> bool:
    """The weak comparison of If-None-Match (compression makes our ETags weak on the way out)."""
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    return any(tag == "*" or tag.removeprefix("W/") == wanted for tag in parse_etags(if_none_match))
