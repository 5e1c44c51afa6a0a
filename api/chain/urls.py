from django.urls import include, path
from rest_framework.routers import SimpleRouter

from api.base.fields import UUID_PATTERN
from api.chain.views import (
    ChainCompanyViewSet,
    InboundWebhookView,
    MembershipViewSet,
    NoteViewSet,
    PartnerKeyViewSet,
    PartnerViewSet,
    WebhookSecretViewSet,
)

router = SimpleRouter()
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
    path("chain/webhooks/<slug:partner_slug>/", InboundWebhookView.as_view(), name="chain-webhook"),
    path("", include(router.urls)),
]
