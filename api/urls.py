"""/api/v1/: the index, the schema and docs, then each domain's own urls (api/<domain>/urls.py)."""

from django.urls import NoReverseMatch, URLResolver, include, path, reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class ApiIndexView(APIView):
    """What /api/v1/ offers: every URL that needs no id, by its path, read from these urls
    (so a new list joins by itself), and the schema and docs. The same for everyone: no
    credentials are read, so a stale token cannot hide it."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="api_index",
        summary="API index",
        description=(
            "Every resource that needs no id, by its path (e.g. `leases`), with its URL, and "
            "links to this schema and the docs. Open to anyone; no credentials are read."
        ),
        responses=inline_serializer(
            "ApiIndex",
            {
                "schema": serializers.URLField(),
                "docs": serializers.URLField(),
                "resources": serializers.DictField(child=serializers.URLField()),
            },
        ),
        tags=["api"],
    )
    def get(self, request):
        url = request.build_absolute_uri
        resources = {}
        for name in _route_names(urlpatterns):
            try:
                route = reverse(name)  # details and nested lists need an id: skipped
            except NoReverseMatch:
                continue
            key = route.removeprefix(reverse("api-index")).strip("/")
            if key not in {"", "schema", "docs"}:
                resources[key] = url(route)
        return Response(
            {
                "schema": url(reverse("schema")),
                "docs": url(reverse("docs")),
                "resources": dict(sorted(resources.items())),
            }
        )


def _route_names(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _route_names(pattern.url_patterns)
        elif pattern.name:
            yield pattern.name


urlpatterns = [
    path("", ApiIndexView.as_view(), name="api-index"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("", include("api.accounts.urls")),
    path("", include("api.tenants.urls")),
    path("", include("api.park.urls")),
    path("", include("api.incubator.urls")),
    path("", include("api.directory.urls")),
    path("", include("api.chain.urls")),
    path("", include("api.bookings.urls")),
    path("", include("api.billing.urls")),
    path("", include("api.imports.urls")),
]
