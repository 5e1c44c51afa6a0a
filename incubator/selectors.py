"""Reads of the incubator, shaped for the API and the admin, scoped to who asks."""

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, When

from accounts.models import User, is_manager
from accounts.search import search_terms
from incubator.models import (
    SEATED_STATES,
    Application,
    ApplicationEvent,
    ApplicationState,
    Attachment,
    Criterion,
    Program,
    Review,
    ReviewAssignment,
)
from tenants.models import Company


def programs_visible_to(user: User | None) -> QuerySet[Program]:
    """Managers see every program; anyone else (anonymous too) the published ones."""
    programs = Program.objects.prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("order", "pk"))
    ).order_by("-opens_at", "pk")
    if not is_manager(user):
        programs = programs.filter(is_published=True)
    return programs


def program_for_update(pk) -> Program:
    """The program row, locked: transitions of one program's applications queue here, so
    two managers accepting at once cannot both take the last seat."""
    return Program.objects.select_for_update().get(pk=pk)


def application_for_update(pk) -> Application:
    return Application.objects.select_for_update().get(pk=pk)


def applications_visible_to(user: User) -> QuerySet[Application]:
    """A manager sees all; a reviewer the ones assigned to them, until they declare a conflict
    of interest; an applicant their own. Anything else is invisible (a 404 in the API, never a
    403).

    Each row carries `visible_score`: the score as this caller may see it. Managers see it; a
    reviewer once their own review is in (before, the others' mean would sway theirs); the
    applicant never. Null for everyone else.
    """
    applications = Application.objects.select_related("program").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("created_at", "pk"))
    )
    if is_manager(user):
        applications = applications.annotate(visible_score=F("score"))
    else:
        assigned = ReviewAssignment.objects.filter(
            reviewer=user, conflict_declared_at__isnull=True
        ).values("application")
        reviewed = Review.objects.filter(reviewer=user).values("application")
        applications = applications.filter(Q(applicant=user) | Q(pk__in=assigned)).annotate(
            visible_score=Case(
                When(Q(pk__in=reviewed) & ~Q(applicant=user), then=F("score")),
                default=None,
                output_field=Application._meta.get_field("score"),
            )
        )
    return applications.order_by("created_at", "pk")


def applications_reviewable_by(user: User) -> QuerySet[Application]:
    """The applications a review may name: the visible ones, and those the caller declared a
    conflict on, so that a review of one is refused for that reason (403) rather than as an
    unknown application: they know of their own assignment, so nothing leaks."""
    conflicted = ReviewAssignment.objects.filter(
        reviewer=user, conflict_declared_at__isnull=False
    ).values("application")
    visible = applications_visible_to(user).values("pk")
    return Application.objects.filter(Q(pk__in=visible) | Q(pk__in=conflicted))


APPLICATION_ORDERINGS = ("submitted_at", "score", "created_at")


def application_orderings(user: User) -> list[str]:
    """The fields `user` may order applications by: ordering by score tells the order of the
    scores, so it is the managers' alone (the others may not see every score)."""
    if is_manager(user):
        return list(APPLICATION_ORDERINGS)
    return [field for field in APPLICATION_ORDERINGS if field != "score"]


def applications_matching(
    applications: QuerySet[Application], query: str | None
) -> QuerySet[Application]:
    """Accent-insensitive search on the startup name, tax code and team."""
    condition = Q()
    for term in search_terms(query):
        condition &= Q(search_text__contains=term)
    return applications.filter(condition)


def events_of(application: Application) -> QuerySet[ApplicationEvent]:
    return ApplicationEvent.objects.filter(application=application).order_by(
        "at", "created_at", "pk"
    )


def assignments_of(application: Application) -> QuerySet[ReviewAssignment]:
    return (
        ReviewAssignment.objects.filter(application=application)
        .select_related("reviewer")
        .order_by("created_at", "pk")
    )


def reviews_visible_to(user: User) -> QuerySet[Review]:
    """A manager sees every review; a reviewer their own, and the others of an application
    only once their own review of it is in (so theirs is not swayed by the rest)."""
    reviews = Review.objects.select_related("application").order_by("created_at", "pk")
    if is_manager(user):
        return reviews
    reviewed = Review.objects.filter(reviewer=user).values("application")
    return reviews.filter(Q(reviewer=user) | Q(application__in=reviewed))


def company_matching(application: Application) -> Company | None:
    """The company that has the application's tax code (onboarding joins it once the manager
    confirms), or None."""
    if not application.tax_code:
        return None
    companies = Company.objects.annotate(member_count=Count("members"))
    return companies.filter(tax_code=application.tax_code).first()


def program_ranking(program: Program) -> list[dict]:
    """Submitted applications (not withdrawn or still drafts), best score first, unreviewed
    last, ties by submission time."""
    rows = (
        Application.objects.filter(program=program, submitted_at__isnull=False)
        .exclude(state=ApplicationState.WITHDRAWN)
        .annotate(review_count=Count("reviews"))
        .order_by(F("score").desc(nulls_last=True), "submitted_at", "pk")
    )
    return [
        {
            "application": row.pk,
            "startup_name": row.startup_name,
            "score": row.score,
            "reviews": row.review_count,
        }
        for row in rows
    ]


def seats_taken(program: Program) -> int:
    return Application.objects.filter(program=program, state__in=SEATED_STATES).count()
