"""Every write to the incubator: one function per use case, one transaction each, history kept.

State changes of an application go through `application_transition` alone: it checks the
table of `incubator.models.TRANSITIONS`, the actor's role and the extra conditions (the window
for submit, the seats for accept), writes the `ApplicationEvent` and queues the email after
commit. Every transition locks the program row first, then the application row: accepts of one
program queue there, so the cohort never overfills, and the lock order never inverts.
"""

import calendar
import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User, is_manager, is_reviewer
from core.errors import InUse, InvalidTransition, NotPermitted
from core.models import save_changed
from incubator.emails import queue_application_email
from incubator.exceptions import (
    CohortFull,
    DuplicateApplication,
    DuplicateReview,
    InvalidApplication,
    InvalidPitchDeck,
    InvalidProgram,
    InvalidReview,
    PitchDeckTooLarge,
    ProgramClosed,
)
from incubator.models import (
    DECISION_STATES,
    MAX_TEAM,
    ONBOARDING_ONLY,
    REVIEWABLE_STATES,
    SEATED_STATES,
    TRANSITIONS,
    Application,
    ApplicationEvent,
    ApplicationState,
    Attachment,
    Criterion,
    Program,
    ProgramStatus,
    Review,
    ReviewAssignment,
    Role,
)
from incubator.selectors import application_for_update, program_for_update
from park.models import Unit, UnitKind
from park.services import lease_create
from tenants.models import Company, CompanyMember, CompanyStatus
from tenants.selectors import company_for_update
from tenants.services import (
    company_create,
    company_mark_incubated,
    member_add,
    normalise_tax_code,
)

S = ApplicationState

PROGRAM_FIELDS = frozenset(
    {
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
    }
)
CRITERION_FIELDS = frozenset({"name", "description", "weight", "max_score", "order"})
# What an applicant writes on a draft; state, score, company, lease and the dates are the
# services' own.
APPLICATION_FIELDS = frozenset(
    {
        "startup_name",
        "tax_code",
        "sector",
        "stage",
        "pitch",
        "website",
        "team",
        "requested_desks",
    }
)
# api.md, Submitting: what a draft needs before it may be submitted.
REQUIRED_TO_SUBMIT = ("startup_name", "pitch", "sector", "stage", "requested_desks")

PITCH_DECK_MAX_BYTES = 10 * 1024 * 1024
PROGRAM_YEARS = (2000, 2100)
TWO_PLACES = Decimal("0.01")


# --- programs ---------------------------------------------------------------------------------


def program_check(program: Program) -> None:
    """The program's own rules (window, workspace kind, slug), for the admin's form too."""
    for field in ("opens_at", "closes_at"):
        # Far-off years are typos, and old ones have no fixed UTC offset (LMT) to print.
        if not PROGRAM_YEARS[0] <= getattr(program, field).year <= PROGRAM_YEARS[1]:
            raise InvalidProgram(
                _("Programs run between %(first)d and %(last)d.")
                % {"first": PROGRAM_YEARS[0], "last": PROGRAM_YEARS[1]},
                field=field,
                code="out_of_range",
            )
    if program.opens_at >= program.closes_at:
        raise InvalidProgram(_("A program must open before it closes."), field="closes_at")
    unit = program.workspace_unit
    if unit is not None and unit.kind != UnitKind.COWORKING:
        raise InvalidProgram(
            _("The workspace unit must be a coworking desk pool; %(code)s is not.")
            % {"code": unit.code},
            field="workspace_unit",
            code="not_coworking",
        )
    if Program.objects.filter(slug=program.slug).exclude(pk=program.pk).exists():
        raise InvalidProgram(
            _("Another program has the slug %(slug)s.") % {"slug": program.slug},
            field="slug",
            code="unique",
        )


def _replace_criteria(program: Program, criteria: Iterable[dict], *, actor: User | None) -> None:
    """The program's rubric becomes exactly `criteria` (api.md: sending criteria replaces the
    whole list). An item that carries the id of a current criterion keeps it (and its scores);
    criteria left out are deleted."""
    current = {criterion.pk: criterion for criterion in program.criteria.all()}
    kept = set()
    for item in criteria:
        item = dict(item)
        pk = item.pop("id", None)
        unknown = set(item) - CRITERION_FIELDS
        if unknown:
            raise ValueError(f"a criterion cannot set {sorted(unknown)}")
        criterion = current.get(pk) if pk is not None else None
        if criterion is None:
            criterion = Criterion(program=program, **item)
            criterion.full_clean(validate_constraints=False)
            criterion._history_user = actor
            criterion.save()
        else:
            changed = [field for field, value in item.items() if getattr(criterion, field) != value]
            for field in changed:
                setattr(criterion, field, item[field])
            if changed:
                criterion.full_clean(validate_constraints=False)
                save_changed(criterion, fields=changed, actor=actor)
        kept.add(criterion.pk)
    for pk, criterion in current.items():
        if pk not in kept:
            criterion._history_user = actor
            criterion.delete()
    _refresh_program_scores(program, actor=actor)


def program_create(
    *, name: str, slug: str, actor: User | None, criteria: Iterable[dict] = (), **fields
) -> Program:
    unknown = set(fields) - PROGRAM_FIELDS
    if unknown:
        raise ValueError(f"program_create cannot set {sorted(unknown)}")
    with transaction.atomic():
        program = Program(name=name, slug=slug, **fields)
        program_check(program)
        program.full_clean(validate_constraints=False, validate_unique=False)
        program._history_user = actor
        program.save()
        _replace_criteria(program, criteria, actor=actor)
    return program


def program_update(
    *, program: Program, actor: User | None, criteria: Iterable[dict] | None = None, **changes
) -> Program:
    unknown = set(changes) - PROGRAM_FIELDS
    if unknown:
        raise ValueError(f"program_update cannot change {sorted(unknown)}")
    with transaction.atomic():
        program = program_for_update(program.pk)
        changed = [field for field, value in changes.items() if getattr(program, field) != value]
        for field in changed:
            setattr(program, field, changes[field])
        if changed:
            program_check(program)
            program.full_clean(validate_constraints=False, validate_unique=False)
            save_changed(program, fields=changed, actor=actor)
        if criteria is not None:
            _replace_criteria(program, criteria, actor=actor)
    return program


def program_delete(*, program: Program, actor: User | None) -> None:
    """Delete a program nobody applied to (else 409 in_use: unpublish it instead)."""
    with transaction.atomic():
        program = program_for_update(program.pk)
        if program.applications.exists():
            raise InUse(
                _("%(program)s has applications; unpublish it instead.") % {"program": program}
            )
        program._history_user = actor
        program.delete()


# --- the state machine ------------------------------------------------------------------------


def roles_of(actor: User | None, application: Application) -> set[str]:
    roles = set()
    if actor is not None and actor.pk == application.applicant_id:
        roles.add(Role.APPLICANT)
    if is_manager(actor):
        roles.add(Role.MANAGER)
    return roles


def allowed_targets(application: Application, actor: User | None) -> list[str]:
    """The states `actor` may request from the application's current one (api.md,
    Transitions); `incubating` is reached by onboarding, never requested."""
    roles = roles_of(actor, application)
    return sorted(
        to
        for (from_state, to), role in TRANSITIONS.items()
        if from_state == application.state and role in roles and to not in ONBOARDING_ONLY
    )


def _check_window(program: Program) -> None:
    now = timezone.now()
    status = program.status_at(now)
    if status != ProgramStatus.OPEN:
        closes = timezone.localtime(program.closes_at).isoformat()
        raise ProgramClosed(
            _("%(program)s takes submissions until %(closes)s; it is %(status)s.")
            % {"program": program, "closes": closes, "status": status}
        )


def _check_complete(application: Application, program: Program) -> None:
    """api.md, Submitting: every missing field is named (400), the pitch deck where the
    program asks for one."""
    errors = {}
    for field in REQUIRED_TO_SUBMIT:
        if getattr(application, field) in (None, "", []):
            errors[field] = ValidationError(_("Required to submit."), code="required")
    if not application.team:
        errors["team"] = ValidationError(_("Name at least one team member."), code="required")
    if program.requires_pitch_deck and not application.attachments.exists():
        errors["attachments"] = ValidationError(
            _("This program asks for a pitch deck (PDF)."), code="required"
        )
    if errors:
        raise ValidationError(errors)


def _check_seat(program: Program) -> None:
    taken = Application.objects.filter(program=program, state__in=SEATED_STATES).count()
    if taken >= program.seats:
        raise CohortFull(
            _("All %(seats)d seats of %(program)s are taken.")
            % {"seats": program.seats, "program": program}
        )


def _transition(
    *,
    application: Application,
    to: str,
    actor: User | None,
    note: str = "",
    expected_from: str | None = None,
    onboarding: bool = False,
    also: dict | None = None,
) -> Application:
    with transaction.atomic():
        program = program_for_update(application.program_id)  # parallel accepts queue here
        application = application_for_update(application.pk)
        current = application.state
        allowed = allowed_targets(application, actor)
        if expected_from is not None and expected_from != current:
            raise InvalidTransition(
                _("The application is %(current)s now, not %(expected)s; reload it.")
                % {"current": current, "expected": expected_from},
                allowed=allowed,
            )
        role = TRANSITIONS.get((current, to))
        if role is None or (to in ONBOARDING_ONLY and not onboarding):
            detail = (
                _("An application becomes incubating through onboarding only.")
                if role is not None
                else _("A %(current)s application cannot become %(to)s.")
                % {"current": current, "to": to}
            )
            raise InvalidTransition(detail, allowed=allowed)
        if role not in roles_of(actor, application):
            raise NotPermitted(
                _("Only the %(role)s may move an application from %(current)s to %(to)s.")
                % {"role": Role(role).label.lower(), "current": current, "to": to}
            )
        if to == S.SUBMITTED:
            _check_window(program)
            _check_complete(application, program)
        if to == S.ACCEPTED:
            _check_seat(program)

        now = timezone.now()
        ApplicationEvent.objects.create(
            application=application, from_state=current, to_state=to, actor=actor, note=note, at=now
        )
        application.state = to
        fields = ["state"]
        if to == S.SUBMITTED:
            application.submitted_at = now
            fields.append("submitted_at")
        if to in DECISION_STATES:
            application.decided_at = now
            fields.append("decided_at")
        for field, value in (also or {}).items():
            setattr(application, field, value)
            fields.append(field)
        application._change_reason = note or None
        save_changed(application, fields=fields, actor=actor)
        queue_application_email(application, to_state=to)
    return application


def application_transition(
    *,
    application: Application,
    to: str,
    actor: User | None,
    note: str = "",
    expected_from: str | None = None,
) -> Application:
    """Move `application` to `to` along the table, if the actor's role may request it.

    `expected_from`: the state the caller saw; another manager's move in between is a 409,
    not a silent overwrite.
    """
    return _transition(
        application=application, to=to, actor=actor, note=note, expected_from=expected_from
    )


# --- applications -----------------------------------------------------------------------------


def _clean_application_fields(fields: dict) -> dict:
    fields = dict(fields)
    if "tax_code" in fields:
        fields["tax_code"] = normalise_tax_code(fields["tax_code"])
    team = fields.get("team")
    if team is not None:
        if not isinstance(team, list) or len(team) > MAX_TEAM:
            raise InvalidApplication(
                _("A team has 1 to %(max)d members.") % {"max": MAX_TEAM},
                field="team",
                code="max_length",
            )
        fields["team"] = [
            {
                "name": str(member.get("name") or ""),
                "email": str(member.get("email") or "").strip().lower(),
                "role": str(member.get("role") or ""),
            }
            for member in team
        ]
    return fields


def application_create(
    *, program: Program, startup_name: str, actor: User, **fields
) -> Application:
    """Start a draft for `actor` (one application per applicant per program)."""
    unknown = set(fields) - APPLICATION_FIELDS
    if unknown:
        raise ValueError(f"application_create cannot set {sorted(unknown)}")
    fields = _clean_application_fields(fields)
    with transaction.atomic():
        program = program_for_update(program.pk)  # two drafts of one applicant queue here
        if not program.is_published and not is_manager(actor):
            raise InvalidApplication(_("No such program."), field="program", code="does_not_exist")
        if program.status == ProgramStatus.CLOSED:
            raise ProgramClosed(
                _("%(program)s is closed to new applications.") % {"program": program}
            )
        if Application.objects.filter(program=program, applicant=actor).exists():
            raise DuplicateApplication(
                _("You have already applied to %(program)s; edit that application.")
                % {"program": program}
            )
        application = Application(
            program=program, applicant=actor, startup_name=startup_name, **fields
        )
        application.full_clean(validate_constraints=False, validate_unique=False)
        application._history_user = actor
        try:
            with transaction.atomic():  # the database's unique constraint, behind the check
                application.save()
        except IntegrityError:
            raise DuplicateApplication(
                _("You have already applied to %(program)s.") % {"program": program}
            ) from None
        ApplicationEvent.objects.create(
            application=application, from_state=None, to_state=S.DRAFT, actor=actor
        )
    return application


def _check_editable_draft(application: Application, actor: User | None) -> None:
    if Role.APPLICANT not in roles_of(actor, application):
        raise NotPermitted(_("Only the applicant may change an application."))
    if application.state != S.DRAFT:
        raise InvalidTransition(
            _("A %(state)s application is frozen; only drafts change.")
            % {"state": application.state},
            allowed=allowed_targets(application, actor),
        )


def application_update(*, application: Application, actor: User, **changes) -> Application:
    """Edit a draft (the applicant); afterwards it is frozen (409 invalid_transition)."""
    unknown = set(changes) - APPLICATION_FIELDS
    if unknown:
        raise ValueError(f"application_update cannot change {sorted(unknown)}")
    changes = _clean_application_fields(changes)
    with transaction.atomic():
        application = application_for_update(application.pk)
        _check_editable_draft(application, actor)
        changed = [
            field for field, value in changes.items() if getattr(application, field) != value
        ]
        for field in changed:
            setattr(application, field, changes[field])
        if changed:
            application.full_clean(validate_constraints=False, validate_unique=False)
            save_changed(application, fields=changed, actor=actor)
    return application


def application_submit(*, application: Application, actor: User) -> Application:
    """Submit a complete draft while the program is open (before closes_at)."""
    return application_transition(application=application, to=S.SUBMITTED, actor=actor)


def application_withdraw(*, application: Application, actor: User, note: str = "") -> Application:
    return application_transition(application=application, to=S.WITHDRAWN, actor=actor, note=note)


def _check_pdf(file) -> None:
    """A PDF by its content, not its name: the `%PDF-x.y` header, and the trailer a reader
    starts from (`startxref` and `%%EOF` near the end) around at least one object."""
    file.seek(0)
    content = file.read()
    file.seek(0)
    header, tail = content[:1024], content[-2048:]
    if not (
        header.startswith(b"%PDF-")
        and header[5:8].replace(b".", b"").isdigit()
        and b"%%EOF" in tail
        and b"startxref" in tail
        and b" obj" in content
    ):
        raise InvalidPitchDeck(_("The pitch deck must be a PDF file."))


def attachment_add(*, application: Application, file, actor: User) -> Attachment:
    """Attach a pitch deck (PDF, at most 10 MB) to a draft, stored privately."""
    if file.size > PITCH_DECK_MAX_BYTES:
        raise PitchDeckTooLarge(
            _("A pitch deck is at most %(size)d MB.") % {"size": PITCH_DECK_MAX_BYTES // 2**20},
            field="file",
        )
    _check_pdf(file)
    written = None  # the stored file, removed again if anything after it fails
    try:
        with transaction.atomic():
            application = application_for_update(application.pk)
            _check_editable_draft(application, actor)
            attachment = Attachment(
                application=application,
                file_name=(getattr(file, "name", "") or "pitch-deck.pdf").rsplit("/", 1)[-1][:200],
                size_bytes=file.size,
                uploaded_by=actor,
            )
            # A random name: the applicant's file name is kept for downloads only.
            attachment.file.save(
                f"pitch-decks/{application.pk}/{uuid.uuid4().hex}.pdf", file, save=False
            )
            written = attachment.file
            attachment._history_user = actor
            attachment.save()
            save_changed(application, fields=[], actor=actor)  # its representation changed
    except BaseException:
        if written is not None:
            written.storage.delete(written.name)
        raise
    return attachment


# --- reviews ----------------------------------------------------------------------------------


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


def _clean_scores(scores, criteria: list[Criterion]) -> dict:
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


def _refresh_program_scores(program: Program, *, actor: User | None) -> None:
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


def review_create(
    *,
    application: Application,
    actor: User,
    scores: dict,
    recommendation: str,
    comment: str = "",
) -> Review:
    """One review per reviewer per application, while the application is under review."""
    with transaction.atomic():
        application = application_for_update(application.pk)  # double clicks queue here
        _check_may_review(application, actor)
        if Review.objects.filter(application=application, reviewer=actor).exists():
            raise DuplicateReview(_("You have already reviewed this application; edit it."))
        criteria = list(application.program.criteria.order_by("order", "pk"))
        scores = _clean_scores(scores, criteria)
        review = Review(
            application=application,
            reviewer=actor,
            scores=scores,
            comment=comment,
            recommendation=recommendation,
            score=weighted_score(scores, criteria),
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


def review_update(*, review: Review, actor: User, **changes) -> Review:
    """The reviewer edits their own review until the application is decided."""
    unknown = set(changes) - {"scores", "comment", "recommendation"}
    if unknown:
        raise ValueError(f"review_update cannot change {sorted(unknown)}")
    with transaction.atomic():
        application = application_for_update(review.application_id)
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.reviewer_id != actor.pk:
            raise NotPermitted(_("Only its author may change a review."))
        _check_may_review(application, actor)
        criteria = list(application.program.criteria.order_by("order", "pk"))
        if "scores" in changes:
            changes["scores"] = _clean_scores(changes["scores"], criteria)
        changed = [field for field, value in changes.items() if getattr(review, field) != value]
        for field in changed:
            setattr(review, field, changes[field])
        if "scores" in changed:
            review.score = weighted_score(review.scores, criteria)
            changed.append("score")
        if changed:
            review.full_clean(validate_constraints=False, validate_unique=False)
            save_changed(review, fields=changed, actor=actor)
            _refresh_application_score(application, actor=actor)
    return review


# --- onboarding -------------------------------------------------------------------------------


def incubation_end(start_date: date, months: int) -> date:
    """The day before the same day of month `months` later (api.md, Onboarding).

    When that month has no such day (31 January + 1 month), the period runs to the end of
    that month: the incubatee gets the whole last month, never a day more.
    """
    years, month_index = divmod(start_date.month - 1 + months, 12)
    year, month = start_date.year + years, month_index + 1
    last_day = calendar.monthrange(year, month)[1]
    if start_date.day > last_day:
        return date(year, month, last_day)
    return date(year, month, start_date.day) - timedelta(days=1)


def _company_for(application: Application, *, actor: User) -> Company:
    """The company with the application's tax code, or a new one made from the application."""
    if application.tax_code:
        existing = Company.objects.filter(tax_code=application.tax_code).first()
        if existing is not None:
            company = company_for_update(existing.pk)
            if company.status == CompanyStatus.SUSPENDED:
                raise InvalidTransition(
                    _("%(company)s is suspended; lift the suspension first.")
                    % {"company": company},
                    allowed=allowed_targets(application, actor),
                )
            return company
    return company_create(
        legal_name=application.startup_name,
        tax_code=application.tax_code,
        sector=application.sector or "other",
        website=application.website,
        actor=actor,
    )


def application_onboard(
    *, application: Application, start_date: date, actor: User, unit: Unit | None = None
) -> Application:
    """Turn an accepted application into a tenant with desks, all or nothing.

    Finds or creates the company, marks it incubated, makes the applicant its representative,
    leases `requested_desks` of `unit` (or the program's workspace unit) for the incubation
    period through `park.services.lease_create` (which refuses when the desks are not free,
    409, rolling all of it back) and moves the application to incubating.
    """
    with transaction.atomic():
        program = program_for_update(application.program_id)
        application = application_for_update(application.pk)
        if not is_manager(actor):
            raise NotPermitted(_("Only managers onboard startups."))
        if application.state != S.ACCEPTED:
            raise InvalidTransition(
                _("Only an accepted application can be onboarded; this one is %(state)s.")
                % {"state": application.state},
                allowed=allowed_targets(application, actor),
            )
        unit = unit or program.workspace_unit
        if unit is None:
            raise InvalidApplication(
                _("Name a unit: the program has no workspace unit."),
                field="unit",
                code="required",
            )
        company = _company_for(application, actor=actor)
        company = company_mark_incubated(company=company, actor=actor)
        if not CompanyMember.objects.filter(company=company, user=application.applicant).exists():
            member_add(company=company, user=application.applicant, actor=actor)
        lease = lease_create(
            unit=unit,
            company=company,
            start_date=start_date,
            end_date=incubation_end(start_date, program.incubation_months),
            desks=application.requested_desks,
            note=_("Incubation: %(program)s") % {"program": program},
            actor=actor,
        )
        application = _transition(
            application=application,
            to=S.INCUBATING,
            actor=actor,
            note=_("Onboarded into %(unit)s") % {"unit": unit.code},
            onboarding=True,
            also={"company": company, "lease": lease},
        )
    return application
