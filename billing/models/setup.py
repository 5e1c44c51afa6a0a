"""The park's billing set-up: the seller's details and terms (`BillingSettings`), the invoice
series that number its invoices, the price list (`Charge`) and metered usage, with the VAT
rates they share and the fields a client may write.

Money is whole dong in 64-bit integers; quantities are decimals with three places.
"""

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, HistoricalRecords


class VatRate(models.TextChoices):
    """The VAT rates in use, as the strings the API, the admin and the XML (`TSuat`) share."""

    TEN = "10", "10%"
    EIGHT = "8", "8%"
    FIVE = "5", "5%"
    ZERO = "0", "0%"
    NOT_SUBJECT = "KCT", _("not subject (KCT)")


def vat_percent(rate: str) -> int:
    """The rate as a whole percentage (KCT, not subject, is 0)."""
    return 0 if rate == VatRate.NOT_SUBJECT else int(rate)


class BillingSettings(BaseModel):
    """The park as a seller: its name, tax code and bank on every invoice, and the terms."""

    park = models.OneToOneField(
        "park.Park",
        on_delete=models.CASCADE,
        related_name="billing_settings",
        verbose_name=_("park"),
    )
    legal_name = models.CharField(_("seller's legal name"), max_length=255)
    tax_code = models.CharField(_("seller's tax code"), max_length=14)
    address = models.CharField(_("address"), max_length=300)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=50, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=15)
    rent_vat_rate = models.CharField(
        _("rent VAT rate"), max_length=3, choices=VatRate.choices, default=VatRate.TEN
    )
    management_fee_vnd_per_m2 = models.PositiveBigIntegerField(
        _("management fee (VND per m² a month)"), default=0
    )
    management_fee_vat_rate = models.CharField(
        _("management fee VAT rate"), max_length=3, choices=VatRate.choices, default=VatRate.TEN
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("billing settings")
        verbose_name_plural = _("billing settings")

    def __str__(self) -> str:
        return self.legal_name


BILLING_SETTINGS_WRITABLE = (
    "legal_name",
    "tax_code",
    "address",
    "bank_name",
    "bank_account",
    "payment_terms_days",
    "rent_vat_rate",
    "management_fee_vnd_per_m2",
    "management_fee_vat_rate",
)

SYMBOL_PATTERN = r"^[CK][0-9]{2}[TDLMNBGH][A-Z0-9]{2}$"


class InvoiceSeries(BaseModel):
    """A template code and symbol (Decree 123/2020): numbers run from 1 without gaps in issue
    order within it, and a new year means a new symbol. `next_number` and `last_issue_date`
    change only when an invoice is issued, under this row's lock."""

    park = models.ForeignKey(
        "park.Park", on_delete=models.PROTECT, related_name="invoice_series", verbose_name=_("park")
    )
    template_code = models.CharField(
        _("template code"),
        max_length=1,
        default="1",
        validators=[RegexValidator(r"^[1-6]$", _("A template code is one digit, 1 to 6."))],
    )
    symbol = models.CharField(
        _("symbol"),
        max_length=6,
        validators=[
            RegexValidator(
                SYMBOL_PATTERN,
                _(
                    "A symbol is six characters, such as C27TSP "
                    "(C or K, the year, a kind, two letters)."
                ),
            )
        ],
    )
    year = models.PositiveSmallIntegerField(_("year"))
    next_number = models.PositiveIntegerField(_("next number"), default=1, editable=False)
    last_issue_date = models.DateField(_("last issue date"), null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invoice series")
        verbose_name_plural = _("invoice series")
        ordering = ["park", "-year", "template_code", "symbol"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "template_code", "symbol"],
                name="series_symbol_unique",
                violation_error_code="unique",
                violation_error_message=_("The park already has a series with this symbol."),
            ),
            models.UniqueConstraint(
                fields=["park", "year"],
                condition=Q(is_active=True),
                name="series_one_active_per_year",
                violation_error_code="unique",
                violation_error_message=_("The park already has an active series for this year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_code}{self.symbol}"


INVOICE_SERIES_WRITABLE = ("template_code", "symbol", "year", "is_active")


class Charge(BaseModel):
    """An entry of the park's price list: electricity by the kWh, parking by the vehicle..."""

    park = models.ForeignKey(
        "park.Park", on_delete=models.PROTECT, related_name="charges", verbose_name=_("park")
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=20)
    unit_price_vnd = models.PositiveBigIntegerField(_("unit price (VND)"))
    vat_rate = models.CharField(
        _("VAT rate"), max_length=3, choices=VatRate.choices, default=VatRate.TEN
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("price list")
        ordering = ["park", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "code"],
                name="charge_code_unique",
                violation_error_code="unique",
                violation_error_message=_("The park's price list already has this code."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


CHARGE_WRITABLE = ("code", "name", "unit_of_measure", "unit_price_vnd", "vat_rate", "is_active")


class Usage(BaseModel):
    """A metered quantity of a charge used by a company in a month, billed on that month's
    invoice; locked once billed on an issued invoice."""

    company = models.ForeignKey(
        "tenants.Company", on_delete=models.PROTECT, related_name="usage", verbose_name=_("company")
    )
    charge = models.ForeignKey(
        Charge, on_delete=models.PROTECT, related_name="usage", verbose_name=_("charge")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=14,
        decimal_places=3,
        validators=[MinValueValidator(0)],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("usage")
        verbose_name_plural = _("usage")
        ordering = ["-month", "company", "charge"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "charge", "month"],
                name="usage_one_per_month",
                violation_error_code="unique",
                violation_error_message=_(
                    "This company already has usage of this charge in this month."
                ),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="usage_month_first_day",
                violation_error_code="invalid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.charge} {self.month:%Y-%m}: {self.quantity}"


USAGE_WRITABLE = ("company", "charge", "month", "quantity", "note")
USAGE_UPDATABLE = ("quantity", "note")
