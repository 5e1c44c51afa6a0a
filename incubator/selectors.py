"""Reads of the incubator, shaped for the API and the admin, scoped to who asks."""

from django.db.models import Count, F, Prefetch, Q, QuerySet

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
    """A manager sees all; a reviewer the ones assigned to them; an applicant their own.

    Anything else is invisible (a 404 in the API, never a 403).
    """
    applications = Application.objects.select_related("program").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("created_at", "pk"))
    )
    if not is_manager(user):
        assigned = ReviewAssignment.objects.filter(reviewer=user).values("application")
        applications = applications.filter(Q(applicant=user) | Q(pk__in=assigned))
    return applications.order_by("created_at", "pk")


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
