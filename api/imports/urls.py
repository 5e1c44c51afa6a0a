from django.urls import include, path
from rest_framework.routers import SimpleRouter

from api.imports.views import EXPORT_VIEWS, CsvTemplateView, ImportViewSet, XlsxTemplateView

router = SimpleRouter()
router.register("imports", ImportViewSet, basename="import")

urlpatterns = [
    path(
        "imports/templates/<str:resource>.xlsx",
        XlsxTemplateView.as_view(),
        name="import-template-xlsx",
    ),
    path(
        "imports/templates/<str:resource>.csv",
        CsvTemplateView.as_view(),
        name="import-template-csv",
    ),
    *(
        path(f"exports/{name}/", view.as_view(), name=f"export-{name}")
        for name, view in EXPORT_VIEWS.items()
    ),
    path("", include(router.urls)),
]
