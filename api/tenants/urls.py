from django.urls import include, path
from rest_framework.routers import SimpleRouter

from api.base.fields import UUID_PATTERN
from api.tenants.views import CompanyViewSet, ContactViewSet, MemberViewSet, ReportViewSet

router = SimpleRouter()
router.register("companies", CompanyViewSet, basename="company")
_company = f"companies/(?P<company_pk>{UUID_PATTERN})"
router.register(f"{_company}/contacts", ContactViewSet, basename="company-contact")
router.register(f"{_company}/members", MemberViewSet, basename="company-member")
router.register(f"{_company}/reports", ReportViewSet, basename="company-report")

urlpatterns = [path("", include(router.urls))]
