"""Programs and their rubric: a cohort call open between two instants, with its seats and
incubation months, and the criteria its reviews score (`Criterion`, weighted).

What a manager writes on them is declared once here (`PROGRAM_WRITABLE`,
`CRITERION_WRITABLE`); the program's status (draft, upcoming, open, closed) follows from its
publication and its dates.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, HistoricalRecords


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
            # `?ordering=opens_at` (and `-opens_at`) break ties by the id in their direction.
            models.Index(fields=["opens_at", "id"], name="program_opens_at_id"),
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
