"""Every write to the incubator: one function per use case, one transaction each, history kept.

`programs` (programs and their rubric), `applications` (the state machine and the drafts),
`attachments` (pitch decks), `reviews` (reviewers, reviews, scores) and `onboarding`. Import
from here: `from incubator.services import application_transition`.
"""

from incubator.services.applications import (
    REQUIRED_TO_SUBMIT,
    allowed_targets,
    application_create,
    application_move,
    application_submit,
    application_transition,
    application_update,
    application_withdraw,
    roles_of,
)
from incubator.services.attachments import PITCH_DECK_MAX_BYTES, attachment_add
from incubator.services.onboarding import application_onboard, incubation_end
from incubator.services.programs import (
    PROGRAM_YEARS,
    program_check,
    program_create,
    program_criteria_set,
    program_delete,
    program_update,
)
from incubator.services.reviews import (
    TWO_PLACES,
    conflict_declare,
    refresh_program_scores,
    review_create,
    review_update,
    reviewer_assign,
    reviewer_unassign,
    weighted_score,
)

__all__ = [
    "PITCH_DECK_MAX_BYTES",
    "PROGRAM_YEARS",
    "REQUIRED_TO_SUBMIT",
    "TWO_PLACES",
    "allowed_targets",
    "application_create",
    "application_move",
    "application_onboard",
    "application_submit",
    "application_transition",
    "application_update",
    "application_withdraw",
    "attachment_add",
    "conflict_declare",
    "incubation_end",
    "program_check",
    "program_create",
    "program_criteria_set",
    "program_delete",
    "program_update",
    "refresh_program_scores",
    "review_create",
    "review_update",
    "reviewer_assign",
    "reviewer_unassign",
    "roles_of",
    "weighted_score",
]
