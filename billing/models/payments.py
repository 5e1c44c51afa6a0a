"""Money received: payments, their allocations to issued invoices (what is left is the
company's credit), and the overdue reminders sent to companies.
"""

import uuid

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from billing.models.invoices import Invoice
from core.models import BaseModel, HistoricalRecords


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")


class Payment(BaseModel):
    """Money received from a company. What its allocations do not use is the company's
    credit (`unallocated_vnd`, kept in step by the services), used for the next invoices."""

    park = models.ForeignKey(
        "park.Park", on_delete=models.PROTECT, related_name="payments", verbose_name=_("park")
    )
    company = models.ForeignKey(
        "tenants.Company",
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("company"),
    )
    amount_vnd = models.PositiveBigIntegerField(
        _("amount (VND)"), validators=[MinValueValidator(1)]
    )
    received_on = models.DateField(_("received on"))
    method = models.CharField(
        _("method"),
        max_length=16,
        choices=PaymentMethod.choices,
        default=PaymentMethod.BANK_TRANSFER,
    )
    reference = models.CharField(_("reference"), max_length=100, null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    unallocated_vnd = models.BigIntegerField(_("unallocated (VND)"), default=0, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "reference"],
                condition=Q(reference__isnull=False),
                name="payment_reference_unique",
                violation_error_code="unique",
                violation_error_message=_("The park already has a payment with this reference."),
            ),
            models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(unallocated_vnd__gte=0)
                & Q(unallocated_vnd__lte=models.F("amount_vnd")),
                name="payment_unallocated_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(reference=""),
                name="payment_reference_not_empty",
                violation_error_message=_("An absent reference is stored as null."),
            ),
        ]
        indexes = [
            models.Index(fields=["company", "received_on"], name="payment_company_received"),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount_vnd:,} VND"


PAYMENT_CREATE_FIELDS = (
    "park",
    "company",
    "amount_vnd",
    "received_on",
    "method",
    "reference",
    "note",
)
PAYMENT_WRITABLE = ("note",)


class Allocation(models.Model):
    """A part of a payment applied to an invoice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("payment")
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("invoice")
    )
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="allocation_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount_vnd:,} VND"


class Reminder(models.Model):
    """An overdue reminder emailed to a company (at most one per 7 days)."""

    park = models.ForeignKey("park.Park", on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(
        "tenants.Company", on_delete=models.CASCADE, related_name="billing_reminders"
    )
    sent_at = models.DateTimeField(_("sent at"))
    overdue_vnd = models.BigIntegerField(_("overdue (VND)"))
    recipients = models.CharField(_("recipients"), max_length=1000)

    class Meta:
        verbose_name = _("overdue reminder")
        verbose_name_plural = _("overdue reminders")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["company", "sent_at"], name="reminder_company_sent")]

    def __str__(self) -> str:
        return f"{self.company_id} {self.sent_at:%Y-%m-%d}"
