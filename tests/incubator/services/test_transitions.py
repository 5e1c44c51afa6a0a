"""application_transition: the table, the role, the caller's view of the state; a refusal
writes no event. (Every pair and role is walked over HTTP in tests/api/incubator.)"""

import pytest

from core.errors import InvalidTransition, NotPermitted
from incubator.models import ApplicationEvent, ApplicationState
from incubator.services import (
    application_move,
    application_submit,
    application_transition,
    application_withdraw,
)
from tests.factories import make_application, make_assignment, make_manager, make_reviewer


def events(application):
    return list(
        ApplicationEvent.objects.filter(application=application)
        .order_by("at", "created_at")
        .values_list("from_state", "to_state")
    )


@pytest.mark.django_db
def test_a_manager_move_by_the_applicant_is_not_permitted_and_writes_nothing():
    application = make_application(state="submitted")
    before = events(application)

    with pytest.raises(NotPermitted):
        application_transition(application=application, to="screening", actor=application.applicant)

    assert events(application) == before


@pytest.mark.django_db
def test_a_stale_expected_from_is_refused_with_the_allowed_targets():
    application = make_application(state="interview")
    manager = make_manager()
    application_transition(application=application, to="waitlisted", actor=manager)
    before = events(application)

    with pytest.raises(InvalidTransition) as refused:
        application_transition(
            application=application, to="rejected", expected_from="interview", actor=manager
        )

    assert refused.value.extra == {"allowed": ["accepted", "rejected"]}
    assert events(application) == before


@pytest.mark.django_db
def test_submit_and_withdraw_are_the_applicants_moves():
    application = make_application()

    submitted = application_submit(application=application, actor=application.applicant)
    withdrawn = application_withdraw(
        application=submitted, actor=application.applicant, note="Đổi hướng"
    )

    assert (submitted.submitted_at is not None, withdrawn.state) == (True, "withdrawn")
    assert events(application) == [
        (None, "draft"),
        ("draft", "submitted"),
        ("submitted", "withdrawn"),
    ]


@pytest.mark.django_db
def test_only_a_manager_moves_an_application_whatever_the_target():
    application = make_application()
    reviewer = make_reviewer()
    make_assignment(application, reviewer)
    before = events(application)

    for actor in (application.applicant, reviewer, None):
        for to in ApplicationState:
            with pytest.raises(NotPermitted):
                application_move(application=application, to=to, actor=actor)

    assert events(application) == before
