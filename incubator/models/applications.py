"""Applications: a startup's application to a program, from draft to graduation, with the
events of its moves through the state machine (`incubator.workflow`) and its pitch deck
(`Attachment`, stored privately).

The constraints are the last line of defence behind the services' named errors (one
application per applicant per program, 1 to 10 requested desks); what an applicant writes
and what only the services write are declared once here (`APPLICATION_WRITABLE`,
`APPLICATION_SERVICES_OWN`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.search import normalise
from core.models import BaseModel, HistoricalRecords
from incubator.models.programs import Program
from incubator.storage import private_storage
from incubator.workflow import ApplicationState
from tenants.models import Sector


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    PROTOTYPE = "prototype", _("Prototype")
    MVP = "mvp", _("Minimum viable product")
    REVENUE = "revenue", _("Revenue")
    GROWTH = "growth", _("Growth")


MAX_TEAM = 10
MAX_REQUESTED_DESKS = 10


class Application(BaseModel):
    """A startup's application to a program, from draft to graduation."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="applications", verbose_name=_("program")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant"),
    )
    startup_name = models.CharField(_("startup name"), max_length=200)
    tax_code = models.CharField(_("tax code"), max_length=14, null=True, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, blank=True)
    pitch = models.TextField(_("pitch"), blank=True)
    website = models.URLField(_("website"), blank=True)
    team = models.JSONField(_("team"), default=list, blank=True)  # [{name, email, role}]
    requested_desks = models.PositiveSmallIntegerField(_("requested desks"), default=1)
    state = models.CharField(
        _("state"), max_length=12, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    company = models.ForeignKey(
        "tenants.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("company"),
    )
    lease = models.ForeignKey(
        "park.Lease",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lease"),
    )
    # The plain mean of the reviews' weighted scores, 0..100 (null: no review yet).
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    # Kept by save(): startup name, tax code and team, lower case, without diacritics.
    search_text = models.CharField(max_length=1000, editable=False, db_index=True, default="")
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "applicant"],
                name="application_one_per_applicant_per_program",
                violation_error_code="duplicate_application",
                violation_error_message=_("You have already applied to this program."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=ApplicationState.values),
                name="application_state_valid",
                violation_error_code="invalid_choice",
            ),
            models.CheckConstraint(
                condition=Q(requested_desks__gte=1) & Q(requested_desks__lte=MAX_REQUESTED_DESKS),
                name="application_requested_desks_1_to_10",
                violation_error_code="invalid",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "state"], name="application_program_state"),
            # issue 17: an index per list ordering (`?ordering=` and the default), each with the
            # id as tie-breaker, so a page never sorts the whole table (tests/perf).
            models.Index(fields=["submitted_at", "id"], name="application_submitted_at_id"),
            models.Index(fields=["score", "id"], name="application_score_id"),
            models.Index(fields=["created_at", "id"], name="application_created_at_id"),
        ]

    def __str__(self) -> str:
        return f"{self.startup_name} ({self.program})"

    SEARCHED_FIELDS = ("startup_name", "tax_code", "team")

    def compute_search_text(self) -> str:
        parts = [self.startup_name, self.tax_code or ""]
        if self.tax_code:
            parts.append(self.tax_code.replace("-", ""))
        for member in self.team or []:
            if isinstance(member, dict):
                parts += [str(member.get("name") or ""), str(member.get("email") or "")]
        return normalise(" ".join(part for part in parts if part))[:1000]

    def save(self, *args, **kwargs):
        self.search_text = self.compute_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.SEARCHED_FIELDS):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @cached_property
    def team_emails(self) -> set[str]:
        return {
            str(member.get("email") or "").strip().lower()
            for member in self.team or []
            if isinstance(member, dict) and member.get("email")
        }


# What an applicant writes on a draft; program and applicant are set once at creation, and
# state, score, company, lease and the dates are the services' own.
APPLICATION_WRITABLE = (
    "startup_name",
    "tax_code",
    "sector",
    "stage",
    "pitch",
    "website",
    "team",
    "requested_desks",
)
# What only the services write: state through the actions, score from reviews, company and
# lease at onboarding.
APPLICATION_SERVICES_OWN = ("state", "submitted_at", "decided_at", "company", "lease", "score")


class ApplicationEvent(BaseModel):
    """One move of an application (the first is its creation: from null to draft)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="events", verbose_name=_("application")
    )
    from_state = models.CharField(
        _("from"), max_length=12, choices=ApplicationState.choices, null=True, blank=True
    )
    to_state = models.CharField(_("to"), max_length=12, choices=ApplicationState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["application", "at", "created_at", "id"]

    def __str__(self) -> str:
        before = self.get_from_state_display() if self.from_state else "-"
        return f"{before} → {self.get_to_state_display()}"


class Attachment(BaseModel):
    """A pitch deck (PDF) of an application, stored privately."""

    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("application"),
    )
    file = models.FileField(_("file"), storage=private_storage, max_length=200)
    file_name = models.CharField(_("file name"), max_length=200)
    size_bytes = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "created_at", "id"]

    def __str__(self) -> str:
        return self.file_name
