from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from api.accounts import MeView, RegisterView, TokenView, UserViewSet
from api.companies import UUID_PATTERN, CompanyViewSet
from api.company_related import ContactViewSet, MemberViewSet, ReportViewSet

router = SimpleRouter()
router.register("users", UserViewSet, basename="user")
router.register("companies", CompanyViewSet, basename="company")
_company = f"companies/(?P<company_pk>{UUID_PATTERN})"
router.register(f"{_company}/contacts", ContactViewSet, basename="company-contact")
router.register(f"{_company}/members", MemberViewSet, basename="company-member")
router.register(f"{_company}/reports", ReportViewSet, basename="company-report")

urlpatterns = [
    path("auth/register/", RegisterView.as_view(), name="auth-register"),
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("auth/me/", MeView.as_view(), name="auth-me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("", include(router.urls)),
]
