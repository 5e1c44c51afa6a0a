from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from api.accounts import MeView, RegisterView, TokenView, UserViewSet
from api.chain import (
    ChainCompanyViewSet,
    InboundWebhookView,
    MembershipViewSet,
    NoteViewSet,
    PartnerKeyViewSet,
    PartnerViewSet,
    WebhookSecretViewSet,
)
from api.companies import UUID_PATTERN, CompanyViewSet
from api.company_related import ContactViewSet, MemberViewSet, ReportViewSet
from api.directory import DirectoryChangesView, DirectoryCompanyView, DirectorySnapshotView
from api.incubator import ApplicationViewSet, ProgramViewSet
from api.incubator_reviews import ReviewerViewSet, ReviewViewSet
from api.reports import ReportsSummaryView
from api.space import BuildingViewSet, FloorViewSet, ParkViewSet
from api.space_leases import LeaseViewSet
from api.space_maps import FloorMapView
from api.space_occupancy import OccupancyViewSet
from api.space_units import UnitViewSet

router = SimpleRouter()
router.register("users", UserViewSet, basename="user")
router.register("companies", CompanyViewSet, basename="company")
_company = f"companies/(?P<company_pk>{UUID_PATTERN})"
router.register(f"{_company}/contacts", ContactViewSet, basename="company-contact")
router.register(f"{_company}/members", MemberViewSet, basename="company-member")
router.register(f"{_company}/reports", ReportViewSet, basename="company-report")
router.register("parks", ParkViewSet, basename="park")
router.register("buildings", BuildingViewSet, basename="building")
router.register("floors", FloorViewSet, basename="floor")
router.register("units", UnitViewSet, basename="unit")
router.register("leases", LeaseViewSet, basename="lease")
router.register("occupancy", OccupancyViewSet, basename="occupancy")
router.register("programs", ProgramViewSet, basename="program")
router.register("applications", ApplicationViewSet, basename="application")
router.register(
    f"applications/(?P<application_pk>{UUID_PATTERN})/reviewers",
    ReviewerViewSet,
    basename="application-reviewer",
)
router.register("reviews", ReviewViewSet, basename="review")
router.register("chain/partners", PartnerViewSet, basename="partner")
_partner = f"chain/partners/(?P<partner_pk>{UUID_PATTERN})"
router.register(f"{_partner}/keys", PartnerKeyViewSet, basename="partner-key")
router.register(f"{_partner}/webhook-secrets", WebhookSecretViewSet, basename="webhook-secret")
router.register("chain/memberships", MembershipViewSet, basename="membership")
router.register("chain/companies", ChainCompanyViewSet, basename="chain-company")
router.register(
    f"chain/companies/(?P<company_pk>{UUID_PATTERN})/notes", NoteViewSet, basename="chain-note"
)

urlpatterns = [
    path("auth/register/", RegisterView.as_view(), name="auth-register"),
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("auth/me/", MeView.as_view(), name="auth-me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("floors/<uuid:pk>/map.png", FloorMapView.as_view(), name="floor-map"),
    path("reports/summary/", ReportsSummaryView.as_view(), name="reports-summary"),
    path("directory/changes/", DirectoryChangesView.as_view(), name="directory-changes"),
    path("directory/snapshot/", DirectorySnapshotView.as_view(), name="directory-snapshot"),
    path(
        "directory/companies/<uuid:pk>/", DirectoryCompanyView.as_view(), name="directory-company"
    ),
    path("chain/webhooks/<slug:partner_slug>/", InboundWebhookView.as_view(), name="chain-webhook"),
    path("", include(router.urls)),
]
