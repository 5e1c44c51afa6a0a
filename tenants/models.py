"""Tenants: companies, their representatives and contacts, and their reports to the park.

Every write goes through `tenants/services.py`; the constraints here are the last line of
defence behind the services' named errors.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.search import normalise
from core.models import BaseModel, HistoricalRecords


class CompanyStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    EXITED = "exited", _("Exited")


S = CompanyStatus
# The status table of design/domain.md; `company_set_status` is the one way through it.
ALLOWED_STATUS_CHANGES: dict[str, frozenset[str]] = {
    S.PROSPECT: frozenset({S.ACTIVE, S.EXITED}),
    S.ACTIVE: frozenset({S.SUSPENDED, S.EXITED}),
    S.SUSPENDED: frozenset({S.ACTIVE, S.EXITED}),
    S.EXITED: frozenset({S.ACTIVE}),  # a returning tenant
}


class Sector(models.TextChoices):
    SOFTWARE = "software", _("Software")
    IT_SERVICES = "it_services", _("IT services")
    DIGITAL_CONTENT = "digital_content", _("Digital content")
    HARDWARE = "hardware", _("Hardware")
    IT_TRAINING = "it_training", _("IT training")
    OTHER = "other", _("Other")


def logo_path(company: "Company", filename: str) -> str:
    # One folder per company; the service picks a fresh random file name for each upload,
    # so a replaced logo never hides behind a cached URL.
    return f"logos/{company.pk}/{filename}"


# What a company's profile services (company_create, company_update), its serializer and its
# admin form may write, declared once. Status, logo, consent (`directory_visible`) and
# `incubated` have services of their own. The identity comes first, then the public profile
# (the API's field order and the admin's fieldsets follow the two groups).
COMPANY_IDENTITY_WRITABLE = ("legal_name", "short_name", "tax_code", "sector")
COMPANY_PUBLIC_PROFILE_WRITABLE = (
    "website",
    "email",
    "phone",
    "address",
    "founded_on",
    "headcount",
    "description",
)
COMPANY_PROFILE_WRITABLE = (*COMPANY_IDENTITY_WRITABLE, *COMPANY_PUBLIC_PROFILE_WRITABLE)


class Company(BaseModel):
    """A tenant or would-be tenant of the park."""

    legal_name = models.CharField(_("legal name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    # Vietnamese MST, normalised by stdnum.vn.mst: `0312345673` or `0312345673-001`.
    tax_code = models.CharField(_("tax code"), max_length=14, null=True, blank=True)
    sector = models.CharField(
        _("sector"), max_length=20, choices=Sector.choices, default=Sector.SOFTWARE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CompanyStatus.choices, default=CompanyStatus.PROSPECT
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("public email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    headcount = models.PositiveIntegerField(_("headcount"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    logo = models.FileField(_("logo"), upload_to=logo_path, blank=True, max_length=200)
    logo_thumbnail = models.FileField(
        _("logo thumbnail"), upload_to=logo_path, blank=True, max_length=200
    )
    incubated = models.BooleanField(_("incubated"), default=False)
    directory_visible = models.BooleanField(
        _("visible in the partner directory"),
        default=False,  # consent is opt-in
        help_text=_("The company's consent to appear in the partner directory."),
    )
    # Kept by save(): names and tax code, lower case, without diacritics (accounts/search.py).
    search_text = models.CharField(max_length=512, editable=False, db_index=True, default="")

    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["legal_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=Q(tax_code__isnull=False),
                name="company_tax_code_unique",
                violation_error_code="unique",
                violation_error_message=_("A company with this tax code already exists."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=CompanyStatus.values),
                name="company_status_valid",
                violation_error_code="invalid_choice",
            ),
            models.CheckConstraint(
                condition=Q(sector__in=Sector.values),
                name="company_sector_valid",
                violation_error_code="invalid_choice",
            ),
            models.CheckConstraint(
                condition=~Q(tax_code=""),
                name="company_tax_code_not_empty",
                violation_error_code="invalid",
                violation_error_message=_("An absent tax code is stored as null."),
            ),
        ]
        indexes = [
            # issue 17: an index per list ordering (`?ordering=` and the default), each with the
            # id as tie-breaker, so a page never sorts the whole table (tests/perf).
            models.Index(fields=["legal_name", "id"], name="company_legal_name_id"),
            models.Index(fields=["short_name", "id"], name="company_short_name_id"),
            models.Index(fields=["tax_code", "id"], name="company_tax_code_id"),
            models.Index(fields=["sector", "id"], name="company_sector_id"),
            models.Index(fields=["status", "id"], name="company_status_id"),
            models.Index(fields=["headcount", "id"], name="company_headcount_id"),
            models.Index(fields=["founded_on", "id"], name="company_founded_on_id"),
            models.Index(fields=["created_at", "id"], name="company_created_at_id"),
            models.Index(fields=["updated_at", "id"], name="company_updated_at_id"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.legal_name

    SEARCHED_FIELDS = ("legal_name", "short_name", "tax_code")

    def compute_search_text(self) -> str:
        parts = [self.legal_name, self.short_name]
        if self.tax_code:
            parts += [self.tax_code, self.tax_code.replace("-", "")]
        return normalise(" ".join(part for part in parts if part))[:512]

    def save(self, *args, **kwargs):
        self.search_text = self.compute_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.SEARCHED_FIELDS):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)


# A membership is made by naming the user (member_add); its role is not chosen.
MEMBER_WRITABLE = ("user",)


class MemberRole(models.TextChoices):
    REPRESENTATIVE = "representative", _("Representative")


class CompanyMember(BaseModel):
    """A user who may keep a company's profile, logo, contacts and consent, and file reports."""

    # accounts/roles.py reads `company_memberships` without importing tenants.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="company_memberships",
        verbose_name=_("user"),
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="members", verbose_name=_("company")
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.REPRESENTATIVE
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("company member")
        verbose_name_plural = _("company members")
        ordering = ["company", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "user"],
                name="company_member_unique",
                violation_error_code="unique",
                violation_error_message=_("This user already represents the company."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=MemberRole.values),
                name="company_member_role_valid",
                violation_error_code="invalid_choice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.company})"


# What contact_create/contact_update, the contact serializer and the admin's inline may write.
CONTACT_WRITABLE = ("name", "role", "email", "phone", "is_primary", "is_billing")


class Contact(BaseModel):
    """A person to call at a company; at most one is the primary contact."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("company")
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    is_billing = models.BooleanField(
        _("billing contact"),
        default=False,
        help_text=_("Receives the company's invoices and payment reminders by email."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["company", "-is_primary", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(is_primary=True),
                name="contact_one_primary_per_company",
                violation_error_code="unique",
                violation_error_message=_("The company already has a primary contact."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReportPeriod(models.TextChoices):
    H1 = "H1", _("First half")
    H2 = "H2", _("Second half")
    Y = "Y", _("Whole year")


# The figures a report carries: what report_submit, the serializer and the admin show as filed.
REPORT_WRITABLE = (
    "year",
    "period",
    "revenue_vnd",
    "export_revenue_usd",
    "headcount",
    "it_headcount",
    "rnd_spend_vnd",
)


class TenantReport(BaseModel):
    """A company's figures for one year and period, for the park's report to the authorities
    (Decree 154/2013/ND-CP: IT workforce, revenue, exports). Never deleted."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="reports", verbose_name=_("company")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=2, choices=ReportPeriod.choices)
    revenue_vnd = models.PositiveBigIntegerField(_("revenue (VND)"))
    export_revenue_usd = models.PositiveBigIntegerField(_("export revenue (USD)"), default=0)
    headcount = models.PositiveIntegerField(_("headcount"))
    it_headcount = models.PositiveIntegerField(_("IT headcount"))
    rnd_spend_vnd = models.PositiveBigIntegerField(_("R&D spend (VND)"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tenant report")
        verbose_name_plural = _("tenant reports")
        ordering = ["company", "-year", "period", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "year", "period"],
                name="tenant_report_one_per_period",
                violation_error_code="unique",
                violation_error_message=_(
                    "The company has already filed a report for this period."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period__in=ReportPeriod.values),
                name="tenant_report_period_valid",
                violation_error_code="invalid_choice",
            ),
            models.CheckConstraint(
                condition=Q(it_headcount__lte=F("headcount")),
                name="tenant_report_it_headcount_within_headcount",
                violation_error_code="it_headcount_exceeds_headcount",
                violation_error_message=_("The IT headcount cannot exceed the headcount."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000),
                name="tenant_report_year_from_2000",
                violation_error_code="invalid_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.year} {self.period}"


# The partner directory's feed rows and counter are tenants' own models, kept beside the feed
# logic in tenants/directory.py; importing them here registers them with the app.
from tenants.directory import DirectoryChange, DirectoryCounter  # noqa: E402, F401
