"""Applications: the state machine and the applicant's drafts.

State changes of an application go through `application_transition` alone: it checks the
table of `incubator.models.TRANSITIONS`, the actor's role and the extra conditions (the window
for submit, the seats for accept), writes the `ApplicationEvent` and queues the email after
commit. Every transition locks the program row first, then the application row: accepts of one
program queue there, so the cohort never overfills, and the lock order never inverts.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User, is_manager
from core.errors import InvalidTransition, NotPermitted
from core.models import save_changed
from core.services import model_update, writable_data
from incubator.emails import queue_application_email
from incubator.exceptions import (
    CohortFull,
    DuplicateApplication,
    InvalidApplication,
    ProgramClosed,
)
from incubator.models import (
    APPLICATION_WRITABLE,
    DECISION_STATES,
    MAX_TEAM,
    ONBOARDING_ONLY,
    SEATED_STATES,
    TRANSITIONS,
    Application,
    ApplicationEvent,
    ApplicationState,
    Program,
    ProgramStatus,
    Role,
)
from incubator.selectors import application_for_update, program_for_update
from tenants.services import normalise_tax_code

S = ApplicationState

# api.md, Submitting: what a draft needs before it may be submitted.
REQUIRED_TO_SUBMIT = ("startup_name", "pitch", "sector", "stage", "requested_desks")


# --- the state machine ------------------------------------------------------------------------


def _state_name(state: str) -> str:
    """A state as a sentence names it, in the reader's language ("draft", "nháp")."""
    try:
        return str(ApplicationState(state).label).lower()
    except ValueError:  # not a state at all: name it as given
        return state


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
                % {"current": _state_name(current), "expected": _state_name(expected_from)},
                allowed=allowed,
            )
        role = TRANSITIONS.get((current, to))
        if role is None or (to in ONBOARDING_ONLY and not onboarding):
            detail = (
                _("An application becomes incubating through onboarding only.")
                if role is not None
                else _("A %(current)s application cannot become %(to)s.")
                % {"current": _state_name(current), "to": _state_name(to)}
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


def application_move(
    *,
    application: Application,
    to: str,
    actor: User | None,
    note: str = "",
    expected_from: str | None = None,
) -> Application:
    """A manager's move along the table (`/transition/`, the admin's actions).

    Only managers move applications this way, whatever the target (api.md: an applicant
    calling `/transition/` gets 403): the applicant's own moves are `application_submit`
    and `application_withdraw`, each with its own endpoint.
    """
    if not is_manager(actor):
        raise NotPermitted(
            _(
                "Only a manager moves an application this way; "
                "the applicant submits or withdraws it."
            )
        )
    return application_transition(
        application=application, to=to, actor=actor, note=note, expected_from=expected_from
    )


# --- applications -----------------------------------------------------------------------------


def _clean_application_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """The applicant's values as stored: the tax code normalised, the team's emails lower case."""
    data = writable_data(APPLICATION_WRITABLE, data)
    if "tax_code" in data:
        data["tax_code"] = normalise_tax_code(data["tax_code"])
    team = data.get("team")
    if team is not None:
        if not isinstance(team, list) or len(team) > MAX_TEAM:
            raise InvalidApplication(
                _("A team has 1 to %(max)d members.") % {"max": MAX_TEAM},
                field="team",
                code="max_length",
            )
        data["team"] = [
            {
                "name": str(member.get("name") or ""),
                "email": str(member.get("email") or "").strip().lower(),
                "role": str(member.get("role") or ""),
            }
            for member in team
        ]
    return data


def application_create(
    *,
    program: Program,
    data: Mapping[str, Any],
    actor: User,
) -> Application:
    """Start a draft (fields of APPLICATION_WRITABLE) for `actor`: one application per
    applicant per program.
    """
    data = _clean_application_data(data)
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
        application = Application(program=program, applicant=actor, **data)
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


def application_update(
    *, application: Application, data: Mapping[str, Any], actor: User
) -> Application:
    """The applicant edits a draft (fields of APPLICATION_WRITABLE); afterwards it is frozen
    (409 invalid_transition)."""
    data = _clean_application_data(data)
    with transaction.atomic():
        application = application_for_update(application.pk)
        _check_editable_draft(application, actor)
        model_update(instance=application, fields=APPLICATION_WRITABLE, data=data, actor=actor)
    return application


def application_submit(*, application: Application, actor: User) -> Application:
    """Submit a complete draft while the program is open (before closes_at)."""
    return application_transition(application=application, to=S.SUBMITTED, actor=actor)


def application_withdraw(*, application: Application, actor: User, note: str = "") -> Application:
    return application_transition(application=application, to=S.WITHDRAWN, actor=actor, note=note)
