"""/api/v1/: the schema and docs, then each domain's own urls (api/<domain>/urls.py)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("", include("api.accounts.urls")),
    path("", include("api.tenants.urls")),
    path("", include("api.park.urls")),
    path("", include("api.incubator.urls")),
    path("", include("api.directory.urls")),
    path("", include("api.chain.urls")),
]
