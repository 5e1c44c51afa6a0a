"""The views of billing: the set-up (settings, series, price list, usage), invoices,
payments, and the invoice run, statements and aging."""

from api.billing.views.config import (
    BillingSettingsViewSet,
    ChargeViewSet,
    InvoiceSeriesViewSet,
    UsageViewSet,
)
from api.billing.views.invoices import InvoiceViewSet
from api.billing.views.payments import PaymentViewSet
from api.billing.views.reports import AgingView, InvoiceRunView, StatementView

__all__ = [
    "AgingView",
    "BillingSettingsViewSet",
    "ChargeViewSet",
    "InvoiceRunView",
    "InvoiceSeriesViewSet",
    "InvoiceViewSet",
    "PaymentViewSet",
    "StatementView",
    "UsageViewSet",
]
