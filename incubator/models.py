"""Incubator: programs and their rubric, applications and their events, reviews.

The state machine is data (`TRANSITIONS`); `incubator.services.application_transition` is the
one way through it. The constraints here are the last line of defence behind the services'
named errors (one application per applicant per program, one review per reviewer).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.search import normalise
from core.models import BaseModel, HistoricalRecords
from incubator.storage import private_storage
from incubator.workflow import (  # noqa: F401  the state machine, importable from here too
    DECISION_STATES,
    ONBOARDING_ONLY,
    REVIEWABLE_STATES,
    SEATED_STATES,
    TRANSITIONS,
    ApplicationState,
    Role,
)
from tenants.models import Sector


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Program(BaseModel):
    """A cohort call: applications are submitted between opens_at and closes_at (instants)."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    seats = models.PositiveIntegerField(_("seats"), help_text=_("The cohort's size."))
    incubation_months = models.PositiveSmallIntegerField(_("incubation months"), default=12)
    workspace_unit = models.ForeignKey(
        "park.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("workspace unit"),
        help_text=_("A coworking pool where incubatees get their desks."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    requires_pitch_deck = models.BooleanField(_("requires a pitch deck"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["-opens_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at")),
                name="program_opens_before_it_closes",
                violation_error_code="invalid",
                violation_error_message=_("A program must open before it closes."),
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="program_at_least_one_seat"),
            models.CheckConstraint(
                condition=Q(incubation_months__gte=1), name="program_at_least_one_month"
            ),
        ]
        indexes = [
            # issue 17: an index per list ordering (`?ordering=` and the default), each with the
            # id as tie-breaker, so a page never sorts the whole table (tests/perf).
            models.Index(fields=["-opens_at", "id"], name="program_opens_at_desc_id"),
            models.Index(fields=["closes_at", "id"], name="program_closes_at_id"),
            models.Index(fields=["name", "id"], name="program_name_id"),
            models.Index(fields=["created_at", "id"], name="program_created_at_id"),
        ]

    def __str__(self) -> str:
        return self.name

    def status_at(self, moment) -> str:
        if not self.is_published:
            return ProgramStatus.DRAFT
        if moment < self.opens_at:
            return ProgramStatus.UPCOMING
        if moment < self.closes_at:  # submissions are taken *before* closes_at
            return ProgramStatus.OPEN
        return ProgramStatus.CLOSED

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())


# What a manager writes on a program (the API, the admin form, program_create/update).
PROGRAM_WRITABLE = (
    "name",
    "slug",
    "description",
    "opens_at",
    "closes_at",
    "seats",
    "incubation_months",
    "workspace_unit",
    "is_published",
    "requires_pitch_deck",
)


class Criterion(BaseModel):
    """One line of a program's rubric; a review scores it 0..max_score (or not at all)."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("program")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=10)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["program", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(
                condition=Q(max_score__gte=1), name="criterion_max_score_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


# One line of the rubric, as the API and the admin inline send it (plus its `id` to keep it).
CRITERION_WRITABLE = ("name", "description", "weight", "max_score", "order")


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


class ReviewAssignment(BaseModel):
    """A reviewer asked to review an application (or who declared a conflict of interest)."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("application"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_assignments",
        verbose_name=_("reviewer"),
    )
    conflict_reason = models.TextField(_("conflict of interest"), blank=True)
    conflict_declared_at = models.DateTimeField(_("conflict declared at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["application", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"],
                name="review_assignment_unique",
                violation_error_code="unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.application}"


class Recommendation(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    REJECT = "reject", _("Reject")
    MAYBE = "maybe", _("Maybe")


class Review(BaseModel):
    """A reviewer's scores of one application against its program's criteria."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("application")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("reviewer"),
    )
    scores = models.JSONField(_("scores"), default=dict)  # {"<criterion id>": n | null}
    comment = models.TextField(_("comment"), blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=Recommendation.choices
    )
    # The weighted mean of score / max_score over the scored criteria, times 100.
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["application", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"],
                name="review_one_per_reviewer",
                violation_error_code="duplicate_review",
                violation_error_message=_("You have already reviewed this application."),
            ),
            models.CheckConstraint(
                condition=Q(recommendation__in=Recommendation.values),
                name="review_recommendation_valid",
                violation_error_code="invalid_choice",
            ),
        ]
        indexes = [
            # issue 17: an index per list ordering (`?ordering=` and the default), each with the
            # id as tie-breaker, so a page never sorts the whole table (tests/perf).
            models.Index(fields=["created_at", "id"], name="review_created_at_id"),
            models.Index(fields=["score", "id"], name="review_score_id"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.application}"


# What a reviewer writes; `score` is computed from `scores` by the service.
REVIEW_WRITABLE = ("scores", "comment", "recommendation")
