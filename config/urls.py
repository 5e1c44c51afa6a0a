from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from django.views.static import serve

from api.accounts.views import HealthView
from api.base.pages import problem_index, problem_page

urlpatterns = [
    # What this server is, with links to the admin, the API docs and the health check.
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # the admin's language switch
    path("api/v1/", include("api.urls")),
    path("healthz", HealthView.as_view(), name="healthz"),
    path("problems/", problem_index, name="problem-index"),
    path("problems/<slug:slug>", problem_page, name="problem-page"),
]

if settings.SERVE_MEDIA:
    # Public media (logos) from the app itself unless a proxy or object storage serves it.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

handler404 = "api.base.pages.handler404"
handler500 = "api.base.pages.handler500"
