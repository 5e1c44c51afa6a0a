from django.urls import include, path
from rest_framework.routers import SimpleRouter

from api.billing.views import (
    AgingView,
    BillingSettingsViewSet,
    ChargeViewSet,
    InvoiceRunView,
    InvoiceSeriesViewSet,
    InvoiceViewSet,
    PaymentViewSet,
    StatementView,
    UsageViewSet,
)

router = SimpleRouter()
router.register("billing-settings", BillingSettingsViewSet, basename="billing-settings")
router.register("invoice-series", InvoiceSeriesViewSet, basename="invoice-series")
router.register("charges", ChargeViewSet, basename="charge")
router.register("usage", UsageViewSet, basename="usage")
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("payments", PaymentViewSet, basename="payment")

urlpatterns = [
    path("invoice-runs/", InvoiceRunView.as_view(), name="invoice-runs"),
    path("reports/aging/", AgingView.as_view(), name="reports-aging"),
    path(
        "companies/<uuid:company_pk>/statement/",
        StatementView.as_view(),
        name="company-statement",
    ),
    path("", include(router.urls)),
]
