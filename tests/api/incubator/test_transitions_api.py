"""The state machine of design/domain.md, walked pair by pair and role by role."""

import pytest
from django.db import transaction

from incubator.models import ApplicationEvent, ApplicationState
from tests.factories import make_application, make_assignment, make_program
from tests.incubator.helpers import client_for
from tests.tenants.helpers import problem

STATES = [state.value for state in ApplicationState]

# The design's table, written out again here (not imported): (from, to) -> who may ask.
TABLE = {
    ("draft", "submitted"): "applicant",
    ("submitted", "screening"): "manager",
    ("screening", "interview"): "manager",
    ("screening", "rejected"): "manager",
    ("interview", "accepted"): "manager",
    ("interview", "rejected"): "manager",
    ("interview", "waitlisted"): "manager",
    ("waitlisted", "accepted"): "manager",
    ("waitlisted", "rejected"): "manager",
    ("draft", "withdrawn"): "applicant",
    ("submitted", "withdrawn"): "applicant",
    ("screening", "withdrawn"): "applicant",
    ("interview", "withdrawn"): "applicant",
    ("waitlisted", "withdrawn"): "applicant",
    ("accepted", "incubating"): "manager",  # onboarding only
    ("incubating", "graduated"): "manager",
    ("incubating", "discontinued"): "manager",
}


def allowed_for(state: str, role: str) -> list[str]:
    return sorted(
        to
        for (start, to), who in TABLE.items()
        if start == state and who == role and to != "incubating"
    )


def url(application, action="transition"):
    return f"/api/v1/applications/{application.pk}/{action}/"


class Undo(Exception):
    pass


def attempt(client, application, body):
    """POST a transition and read what it wrote, then roll all of it back."""
    outcome = {}
    try:
        with transaction.atomic():
            response = client.post(url(application), body)
            outcome["response"] = response
            outcome["events"] = list(
                ApplicationEvent.objects.filter(application=application)
                .order_by("at", "created_at")
                .values_list("from_state", "to_state", "actor")
            )
            raise Undo
    except Undo:
        pass
    return outcome["response"], outcome["events"]


@pytest.mark.django_db
def test_every_pair_of_states_for_every_role_follows_the_table(manager, reviewer_user):
    program = make_program(seats=20)
    applications = {state: make_application(program=program, state=state) for state in STATES}
    for application in applications.values():
        make_assignment(application, reviewer_user)
    manager_client, reviewer_client = client_for(manager), client_for(reviewer_user)
    checked = 0

    for start, application in applications.items():
        before = list(
            ApplicationEvent.objects.filter(application=application)
            .order_by("at", "created_at")
            .values_list("from_state", "to_state", "actor")
        )
        callers = {
            "applicant": (client_for(application.applicant), application.applicant),
            "manager": (manager_client, manager),
            "reviewer": (reviewer_client, reviewer_user),
        }
        for role, (client, user) in callers.items():
            for to in STATES:
                response, events = attempt(client, application, {"to": to})
                who = TABLE.get((start, to))
                if role != "manager":  # /transition/ is the managers'; see the test below
                    assert response.status_code == 403, (start, to, role)
                    assert response.json()["code"] == "permission_denied"
                    assert events == before
                elif who is not None and to != "incubating" and who == role:
                    assert response.status_code == 200, (start, to, role, response.json())
                    assert response.json()["state"] == to
                    assert events == [*before, (start, to, user.pk)]
                elif who is not None and to != "incubating":
                    assert response.status_code == 403, (start, to, role)
                    assert response.json()["code"] == "permission_denied"
                    assert events == before
                else:
                    assert response.status_code == 409, (start, to, role)
                    body = response.json()
                    assert body["code"] == "invalid_transition"
                    assert body["allowed"] == allowed_for(start, role), (start, to, role)
                    assert events == before
                checked += 1
    assert checked == len(STATES) * len(STATES) * 3


@pytest.mark.django_db
@pytest.mark.parametrize("start", STATES)
def test_an_applicant_calling_transition_is_403_for_every_target(start):
    # They submit and withdraw through /submit/ and /withdraw/; /transition/ is the managers'
    # (api.md), so even the targets their role may reach are refused here, not 200 or 409.
    application = make_application(state=start)
    client = client_for(application.applicant)
    before = list(ApplicationEvent.objects.filter(application=application).values_list("pk"))

    for to in STATES:
        for body in ({"to": to}, {"to": to, "from": start}):
            response = client.post(url(application), body)

            assert response.status_code == 403, (start, body)
            assert response.json() == problem(
                403,
                "permission_denied",
                "Permission denied",
                "Only a manager moves an application this way; "
                "the applicant submits or withdraws it.",
                url(application),
            )
    application.refresh_from_db()
    assert application.state == start
    assert list(ApplicationEvent.objects.filter(application=application).values_list("pk")) == (
        before
    )


@pytest.mark.django_db
def test_a_stale_from_is_refused_rather_than_overwritten(manager, second_manager):
    application = make_application(state="interview")
    first = client_for(manager).post(url(application), {"from": "interview", "to": "waitlisted"})
    assert first.status_code == 200

    second = client_for(second_manager).post(
        url(application), {"from": "interview", "to": "rejected"}
    )

    assert second.status_code == 409
    assert second.json() == problem(
        409,
        "invalid_transition",
        "State change not allowed",
        "The application is waitlisted now, not interview; reload it.",
        url(application),
        allowed=["accepted", "rejected"],
    )
    application.refresh_from_db()
    assert application.state == "waitlisted"
    assert (
        ApplicationEvent.objects.filter(application=application, to_state="rejected").count() == 0
    )


@pytest.mark.django_db
def test_incubating_through_transition_is_refused_and_points_to_onboarding(manager):
    application = make_application(state="accepted")
    response = client_for(manager).post(url(application), {"to": "incubating"})
    assert response.status_code == 409
    assert response.json() == problem(
        409,
        "invalid_transition",
        "State change not allowed",
        "An application becomes incubating through onboarding only.",
        url(application),
        allowed=[],
    )


@pytest.mark.django_db
def test_accepting_beyond_the_seats_is_cohort_full_and_writes_nothing(manager):
    program = make_program(seats=1)
    make_application(program=program, state="accepted")
    waiting = make_application(program=program, state="interview")

    response = client_for(manager).post(url(waiting), {"to": "accepted"})

    assert response.status_code == 409
    assert response.json() == problem(
        409,
        "cohort_full",
        "Cohort full",
        f"All 1 seats of {program.name} are taken.",
        url(waiting),
    )
    waiting.refresh_from_db()
    assert waiting.state == "interview"
    assert waiting.decided_at is None


@pytest.mark.django_db
def test_a_decision_sets_decided_at_and_the_event_keeps_the_note(manager):
    application = make_application(state="screening")
    response = client_for(manager).post(
        url(application), {"to": "rejected", "note": "Chưa phù hợp"}
    )
    assert response.status_code == 200
    event = ApplicationEvent.objects.filter(application=application).order_by("-at").first()
    application.refresh_from_db()
    assert application.decided_at == event.at
    assert (event.from_state, event.to_state, event.actor, event.note) == (
        "screening",
        "rejected",
        manager,
        "Chưa phù hợp",
    )
    assert response.json()["decided_at"] is not None


@pytest.mark.django_db
def test_an_unknown_target_state_is_a_400(manager):
    application = make_application(state="submitted")
    response = client_for(manager).post(url(application), {"to": "famous"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "to", "code": "invalid_choice", "message": '"famous" is not a valid choice.'}
    ]
