"""Incubator: programs and their rubric, applications and their events, reviews.

- `programs`: `Program` and its rubric's `Criterion`s, the program's status;
- `applications`: `Application`, its `ApplicationEvent`s and its pitch deck (`Attachment`);
- `reviews`: `ReviewAssignment` and `Review` with its `Recommendation`.

The state machine is data (`TRANSITIONS`, in `incubator.workflow`, importable from here too);
`incubator.services.application_transition` is the one way through it. The constraints are
the last line of defence behind the services' named errors (one application per applicant per
program, one review per reviewer). Every name is exported here:
`from incubator.models import Application`.
"""

from incubator.models.applications import (
    APPLICATION_SERVICES_OWN,
    APPLICATION_WRITABLE,
    MAX_REQUESTED_DESKS,
    MAX_TEAM,
    Application,
    ApplicationEvent,
    Attachment,
    Stage,
)
from incubator.models.programs import (
    CRITERION_WRITABLE,
    PROGRAM_WRITABLE,
    Criterion,
    Program,
    ProgramStatus,
)
from incubator.models.reviews import REVIEW_WRITABLE, Recommendation, Review, ReviewAssignment

# Migration 0001 names the pitch decks' storage `incubator.models.private_storage`.
from incubator.storage import private_storage
from incubator.workflow import (
    DECISION_STATES,
    ONBOARDING_ONLY,
    REVIEWABLE_STATES,
    SEATED_STATES,
    TRANSITIONS,
    ApplicationState,
    Role,
)

__all__ = [
    "APPLICATION_SERVICES_OWN",
    "APPLICATION_WRITABLE",
    "CRITERION_WRITABLE",
    "DECISION_STATES",
    "MAX_REQUESTED_DESKS",
    "MAX_TEAM",
    "ONBOARDING_ONLY",
    "PROGRAM_WRITABLE",
    "REVIEWABLE_STATES",
    "REVIEW_WRITABLE",
    "SEATED_STATES",
    "TRANSITIONS",
    "Application",
    "ApplicationEvent",
    "ApplicationState",
    "Attachment",
    "Criterion",
    "Program",
    "ProgramStatus",
    "Recommendation",
    "Review",
    "ReviewAssignment",
    "Role",
    "Stage",
    "private_storage",
]
