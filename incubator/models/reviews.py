"""Reviews: the reviewers assigned to an application (or who declared a conflict of
interest), and each one's scores of it against its program's criteria with a
recommendation.

One review per reviewer per application is the database's rule too; `score` is computed
from `scores` by `incubator.services`, and a reviewer writes `REVIEW_WRITABLE`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, HistoricalRecords
from incubator.models.applications import Application


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
