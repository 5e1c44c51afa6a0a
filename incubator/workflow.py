"""The application's state machine as data: its states, who may request each move, and the
sets of states the rules name. `incubator.services.application_transition` is the one way
through it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    SCREENING = "screening", _("Screening")
    INTERVIEW = "interview", _("Interview")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WAITLISTED = "waitlisted", _("Waitlisted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    INCUBATING = "incubating", _("Incubating")
    GRADUATED = "graduated", _("Graduated")
    DISCONTINUED = "discontinued", _("Discontinued")


class Role(models.TextChoices):
    """Who may request a transition: the application's own applicant, or a manager."""

    APPLICANT = "applicant", _("Applicant")
    MANAGER = "manager", _("Manager")


S = ApplicationState
# The table of design/domain.md: (from, to) -> the one role that may request it.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.SUBMITTED): Role.APPLICANT,
    (S.SUBMITTED, S.SCREENING): Role.MANAGER,
    (S.SCREENING, S.INTERVIEW): Role.MANAGER,
    (S.SCREENING, S.REJECTED): Role.MANAGER,
    (S.INTERVIEW, S.ACCEPTED): Role.MANAGER,
    (S.INTERVIEW, S.REJECTED): Role.MANAGER,
    (S.INTERVIEW, S.WAITLISTED): Role.MANAGER,
    (S.WAITLISTED, S.ACCEPTED): Role.MANAGER,
    (S.WAITLISTED, S.REJECTED): Role.MANAGER,
    **{
        (state, S.WITHDRAWN): Role.APPLICANT
        for state in (S.DRAFT, S.SUBMITTED, S.SCREENING, S.INTERVIEW, S.WAITLISTED)
    },
    (S.ACCEPTED, S.INCUBATING): Role.MANAGER,  # through onboarding only
    (S.INCUBATING, S.GRADUATED): Role.MANAGER,
    (S.INCUBATING, S.DISCONTINUED): Role.MANAGER,
}
# Reached only through `application_onboard`, which also leases the desks.
ONBOARDING_ONLY = frozenset({S.INCUBATING})
# The states that hold a seat of the cohort.
SEATED_STATES = frozenset({S.ACCEPTED, S.INCUBATING, S.GRADUATED})
# `decided_at` is set on each move to one of these (api.md, Transitions).
DECISION_STATES = frozenset({S.ACCEPTED, S.REJECTED, S.WAITLISTED})
# Reviews are written and edited only while the application is under review.
REVIEWABLE_STATES = frozenset({S.SUBMITTED, S.SCREENING, S.INTERVIEW, S.WAITLISTED})
