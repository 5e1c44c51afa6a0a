"""Invoices and their lines: one company's month of one park, drafted, issued with a gapless
number in its series, voided or adjusted.

An invoice's totals are the sums of its lines, stored, and kept equal to them by the services
(`billing.services`), which are the only writers.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from billing.models.setup import Charge, InvoiceSeries, Usage, VatRate
from core.models import BaseModel, HistoricalRecords


class InvoiceKind(models.TextChoices):
    NORMAL = "normal", _("Normal")
    REPLACEMENT = "replacement", _("Replacement")
    ADJUSTMENT = "adjustment", _("Adjustment")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    VOID = "void", _("Void")


class Invoice(BaseModel):
    """One company's invoice for one month of one park.

    A draft is numbered when issued (`series`, `number`); from then on it never changes but
    for `paid_vnd` (payments) and, when voided, `status`, `void_reason` and `voided_at`.
    """

    park = models.ForeignKey(
        "park.Park", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("park")
    )
    company = models.ForeignKey(
        "tenants.Company",
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("company"),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month billed."))
    kind = models.CharField(
        _("kind"), max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=6, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    series = models.ForeignKey(
        InvoiceSeries,
        on_delete=models.PROTECT,
        related_name="invoices",
        null=True,
        blank=True,
        verbose_name=_("series"),
    )
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="replaced_by",
        null=True,
        blank=True,
        verbose_name=_("refers to"),
    )
    buyer_legal_name = models.CharField(_("buyer's legal name"), max_length=255, blank=True)
    buyer_tax_code = models.CharField(_("buyer's tax code"), max_length=14, blank=True)
    buyer_address = models.CharField(_("buyer's address"), max_length=300, blank=True)
    subtotal_vnd = models.BigIntegerField(_("subtotal (VND)"), default=0)
    vat_vnd = models.BigIntegerField(_("VAT (VND)"), default=0)
    total_vnd = models.BigIntegerField(_("total (VND)"), default=0)
    paid_vnd = models.BigIntegerField(_("paid (VND)"), default=0)
    note = models.TextField(_("note"), blank=True)
    void_reason = models.CharField(_("void reason"), max_length=300, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-month", "series", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "number"],
                name="invoice_number_unique",
                violation_error_code="unique",
            ),
            models.UniqueConstraint(
                fields=["park", "company", "month"],
                condition=Q(kind__in=["normal", "replacement"]) & ~Q(status="void"),
                name="invoice_one_per_company_month",
                violation_error_code="duplicate",
                violation_error_message=_("The company already has an invoice for this month."),
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="invoice_month_first_day"),
            models.CheckConstraint(
                condition=Q(status="draft", number__isnull=True)
                | Q(status__in=["issued", "void"], number__isnull=False, series__isnull=False),
                name="invoice_numbered_when_issued",
            ),
            models.CheckConstraint(
                condition=Q(total_vnd=models.F("subtotal_vnd") + models.F("vat_vnd")),
                name="invoice_total_is_subtotal_plus_vat",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "status", "due_date"], name="invoice_company_due"),
            models.Index(fields=["park", "month"], name="invoice_park_month"),
            models.Index(fields=["issue_date"], name="invoice_issue_date"),
        ]

    def __str__(self) -> str:
        return self.number_display or f"{_('draft')} {self.company_id} {self.month:%Y-%m}"

    @property
    def number_display(self) -> str | None:
        """`1C27TSP-00000042`: template code, symbol and the number in eight digits."""
        if self.number is None or self.series_id is None:
            return None
        series = self.series
        return f"{series.template_code}{series.symbol}-{self.number:08d}"

    @property
    def balance_vnd(self) -> int:
        return self.total_vnd - self.paid_vnd

    def is_overdue_on(self, day) -> bool:
        return (
            self.status == InvoiceStatus.ISSUED
            and self.balance_vnd > 0
            and self.due_date is not None
            and day > self.due_date
        )


INVOICE_DRAFT_WRITABLE = ("note",)


class LineKind(models.TextChoices):
    RENT = "rent", _("Rent")
    MANAGEMENT_FEE = "management_fee", _("Management fee")
    USAGE = "usage", _("Usage")
    BOOKING = "booking", _("Meeting-room overage")
    MANUAL = "manual", _("Manual")


GENERATED_LINE_KINDS = (
    LineKind.RENT,
    LineKind.MANAGEMENT_FEE,
    LineKind.USAGE,
    LineKind.BOOKING,
)


class InvoiceLine(models.Model):
    """One line: `amount_vnd` = quantity * unit price and `vat_vnd` = amount * rate, each
    rounded half up to the dong. Lines change only with their draft."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("invoice")
    )
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=16, choices=LineKind.choices)
    description = models.CharField(_("description"), max_length=500)
    lease = models.ForeignKey(
        "park.Lease",
        on_delete=models.PROTECT,
        related_name="invoice_lines",
        null=True,
        blank=True,
        verbose_name=_("lease"),
    )
    charge = models.ForeignKey(
        Charge,
        on_delete=models.PROTECT,
        related_name="invoice_lines",
        null=True,
        blank=True,
        verbose_name=_("charge"),
    )
    usage = models.ForeignKey(
        Usage,
        on_delete=models.PROTECT,
        related_name="invoice_lines",
        null=True,
        blank=True,
        verbose_name=_("usage"),
    )
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=20)
    unit_price_vnd = models.BigIntegerField(_("unit price (VND)"))
    amount_vnd = models.BigIntegerField(_("amount (VND)"))
    vat_rate = models.CharField(_("VAT rate"), max_length=3, choices=VatRate.choices)
    vat_vnd = models.BigIntegerField(_("VAT (VND)"))

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "position"], name="invoice_line_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.description


INVOICE_LINE_WRITABLE = ("description", "quantity", "unit_of_measure", "unit_price_vnd", "vat_rate")
