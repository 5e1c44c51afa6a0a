"""Reviews: reviewer assignment, conflicts of interest, reviews and the scores they give."""

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User, is_manager, is_reviewer
from core.errors import InUse, InvalidTransition, NotPermitted
from core.models import save_changed
from core.services import model_update, writable_data
from incubator.exceptions import DuplicateReview, InvalidReview
from incubator.models import (
    REVIEW_WRITABLE,
    REVIEWABLE_STATES,
    Application,
    Criterion,
    Program,
    Review,
    ReviewAssignment,
)
from incubator.selectors import application_for_update

TWO_PLACES = Decimal("0.01")


# --- reviewers of an application --------------------------------------------------------------


def reviewer_assign(*, application: Application, reviewer: User, actor: User) -> ReviewAssignment:
    if not is_manager(actor):
        raise NotPermitted(_("Only managers assign reviewers."))
    with transaction.atomic():
        application = application_for_update(application.pk)
        if not is_reviewer(reviewer):
            raise InvalidReview(
                _("%(user)s is not a reviewer.") % {"user": reviewer.email},
                field="user",
                code="not_reviewer",
            )
        if reviewer.pk == application.applicant_id:
            raise InvalidReview(
                _("The applicant cannot review their own application."),
                field="user",
                code="applicant",
            )
        if ReviewAssignment.objects.filter(application=application, reviewer=reviewer).exists():
            raise InvalidReview(
                _("%(user)s is already assigned.") % {"user": reviewer.email},
                field="user",
                code="unique",
            )
        assignment = ReviewAssignment(application=application, reviewer=reviewer)
        assignment._history_user = actor
        assignment.save()
    return assignment


def reviewer_unassign(*, assignment: ReviewAssignment, actor: User) -> None:
    if not is_manager(actor):
        raise NotPermitted(_("Only managers unassign reviewers."))
    with transaction.atomic():
        application_for_update(assignment.application_id)
        if Review.objects.filter(
            application_id=assignment.application_id, reviewer_id=assignment.reviewer_id
        ).exists():
            raise InUse(_("This reviewer has already reviewed the application."))
        assignment._history_user = actor
        assignment.delete()


def conflict_declare(*, application: Application, actor: User, reason: str) -> ReviewAssignment:
    """The assigned reviewer declares a conflict of interest and may no longer review it."""
    with transaction.atomic():
        application = application_for_update(application.pk)
        assignment = (
            ReviewAssignment.objects.select_for_update()
            .filter(application=application, reviewer=actor)
            .first()
        )
        if assignment is None:
            raise NotPermitted(_("Only a reviewer assigned to the application may do this."))
        if Review.objects.filter(application=application, reviewer=actor).exists():
            # Their score is already in the application's: a manager decides what to do.
            raise InvalidTransition(
                _("You have already reviewed this application; tell a manager instead."),
                allowed=[],
            )
        assignment.conflict_reason = reason
        assignment.conflict_declared_at = timezone.now()
        save_changed(assignment, fields=["conflict_reason", "conflict_declared_at"], actor=actor)
    return assignment


# --- scores -----------------------------------------------------------------------------------


def _clean_scores(scores: Any, criteria: list[Criterion]) -> dict:
    """{criterion id: 0..max_score or null} over the program's criteria; left out = null."""
    if not isinstance(scores, dict):
        raise InvalidReview(_("Scores are an object keyed by criterion id."), field="scores")
    by_id = {str(criterion.pk): criterion for criterion in criteria}
    for key, value in scores.items():
        criterion = by_id.get(str(key))
        if criterion is None:
            raise InvalidReview(
                _("%(key)s is not a criterion of this program.") % {"key": key},
                field=f"scores.{key}",
                code="unknown_criterion",
            )
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidReview(
                _("A score is a whole number or null."), field=f"scores.{key}", code="invalid"
            )
        if not 0 <= value <= criterion.max_score:
            raise InvalidReview(
                _("%(name)s is scored 0 to %(max)d.")
                % {"name": criterion.name, "max": criterion.max_score},
                field=f"scores.{key}",
                code="out_of_range",
            )
    return {key: scores.get(key) for key in by_id}


def weighted_score(scores: dict, criteria: list[Criterion]) -> Decimal | None:
    """api.md, Scores: the weighted mean of score / max_score over the criteria scored
    (nulls left out, not counted as 0), times 100, 2 places half-up; null if none scored."""
    total = weights = Decimal(0)
    for criterion in criteria:
        value = scores.get(str(criterion.pk))
        if value is None:
            continue
        weights += criterion.weight
        total += criterion.weight * Decimal(value) / criterion.max_score
    if not weights:
        return None
    return (total / weights * 100).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _refresh_application_score(application: Application, *, actor: User | None) -> None:
    """The cached score: the plain mean of its reviews' scores (null with none)."""
    scores = [
        score
        for score in Review.objects.filter(application=application).values_list("score", flat=True)
        if score is not None
    ]
    score = (
        (sum(scores) / len(scores)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP) if scores else None
    )
    if application.score != score:
        application.score = score
        save_changed(application, fields=["score"], actor=actor)


def refresh_program_scores(program: Program, *, actor: User | None) -> None:
    """Every review's and application's score again, after the program's rubric changed."""
    criteria = list(program.criteria.order_by("order", "pk"))
    for review in Review.objects.filter(application__program=program).order_by("pk"):
        score = weighted_score(review.scores, criteria)
        if review.score != score:
            review.score = score
            save_changed(review, fields=["score"], actor=actor)
    for application in Application.objects.filter(
        program=program, reviews__isnull=False
    ).distinct():
        _refresh_application_score(application, actor=actor)


# --- reviews ----------------------------------------------------------------------------------


def _check_may_review(application: Application, actor: User) -> None:
    assignment = ReviewAssignment.objects.filter(application=application, reviewer=actor).first()
    if assignment is None:
        raise NotPermitted(_("Only a reviewer assigned to the application may review it."))
    if assignment.conflict_declared_at is not None:
        raise NotPermitted(_("You declared a conflict of interest on this application."))
    if actor.email.lower() in application.team_emails:
        raise NotPermitted(_("You are on this startup's team."))
    if application.state not in REVIEWABLE_STATES:
        raise InvalidTransition(
            _("A %(state)s application takes no reviews.") % {"state": application.state},
            allowed=[],
        )


def review_create(
    *,
    application: Application,
    data: Mapping[str, Any],
    actor: User,
) -> Review:
    """One review (fields of REVIEW_WRITABLE) per reviewer per application, while the
    application is under review.
    """
    data = writable_data(REVIEW_WRITABLE, data)
    with transaction.atomic():
        application = application_for_update(application.pk)  # double clicks queue here
        _check_may_review(application, actor)
        if Review.objects.filter(application=application, reviewer=actor).exists():
            raise DuplicateReview(_("You have already reviewed this application; edit it."))
        criteria = list(application.program.criteria.order_by("order", "pk"))
        data["scores"] = _clean_scores(data.get("scores", {}), criteria)
        review = Review(
            application=application,
            reviewer=actor,
            score=weighted_score(data["scores"], criteria),
            **data,
        )
        review.full_clean(validate_constraints=False, validate_unique=False)
        review._history_user = actor
        try:
            with transaction.atomic():
                review.save()
        except IntegrityError:
            raise DuplicateReview(_("You have already reviewed this application.")) from None
        _refresh_application_score(application, actor=actor)
    return review


def review_update(*, review: Review, data: Mapping[str, Any], actor: User) -> Review:
    """The reviewer edits their own review (fields of REVIEW_WRITABLE) until the application
    is decided."""
    data = writable_data(REVIEW_WRITABLE, data)
    with transaction.atomic():
        application = application_for_update(review.application_id)
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.reviewer_id != actor.pk:
            raise NotPermitted(_("Only its author may change a review."))
        _check_may_review(application, actor)
        criteria = list(application.program.criteria.order_by("order", "pk"))
        fields = REVIEW_WRITABLE
        if "scores" in data:
            data["scores"] = _clean_scores(data["scores"], criteria)
            data["score"] = weighted_score(data["scores"], criteria)
            fields = (*REVIEW_WRITABLE, "score")  # computed here, never sent
        changed = model_update(instance=review, fields=fields, data=data, actor=actor)
        if changed:
            _refresh_application_score(application, actor=actor)
    return review
