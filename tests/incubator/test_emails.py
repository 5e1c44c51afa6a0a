"""The applicant's emails, in their language, sent only once the change is committed."""

import pytest
from django.core import mail

from accounts.services import user_create
from incubator.exceptions import CohortFull
from incubator.services import application_onboard, application_transition
from tests.factories import make_application, make_manager, make_pool, make_program


@pytest.mark.django_db
def test_submitting_sends_an_english_receipt_after_commit(
    applicant, program, django_capture_on_commit_callbacks
):
    application = make_application(program=program, applicant=applicant)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        application_transition(application=application, to="submitted", actor=applicant)
    assert len(callbacks) == 1
    [message] = mail.outbox
    assert message.to == ["founder@example.vn"]
    assert message.subject == "We received your application to Mekong Startup Incubation 2027"
    assert f"the application of {application.startup_name}" in message.body
    assert "Hello Lê Hoàng Phúc," in message.body


@pytest.mark.django_db
def test_a_vietnamese_applicant_gets_vietnamese_decisions(
    program, django_capture_on_commit_callbacks
):
    applicant = user_create(
        email="an@example.vn", full_name="Nguyễn Văn An", language="vi", actor=None
    )
    application = make_application(program=program, applicant=applicant, state="interview")
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=application, to="accepted", actor=make_manager())
    [message] = mail.outbox
    assert message.subject == (
        f"{application.startup_name} đã được nhận vào Mekong Startup Incubation 2027"
    )
    assert message.body.startswith("Xin chào Nguyễn Văn An,")
    assert "Chúc mừng" in message.body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("to", "subject"),
    [
        ("rejected", "Your application to Mekong Startup Incubation 2027"),
        ("waitlisted", "{name} is on the waiting list of Mekong Startup Incubation 2027"),
    ],
)
def test_every_decision_sends_its_email(
    applicant, program, django_capture_on_commit_callbacks, to, subject
):
    application = make_application(program=program, applicant=applicant, state="interview")
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=application, to=to, actor=make_manager())
    assert [m.subject for m in mail.outbox] == [subject.format(name=application.startup_name)]


@pytest.mark.django_db
def test_onboarding_sends_a_welcome_with_the_desks(applicant, django_capture_on_commit_callbacks):
    from datetime import date

    pool = make_pool(desks=5, code="CW-9")
    program = make_program(workspace_unit=pool, incubation_months=12)
    application = make_application(program=program, applicant=applicant, state="accepted")
    with django_capture_on_commit_callbacks(execute=True):
        application_onboard(
            application=application, start_date=date(2027, 1, 1), actor=make_manager()
        )
    [message] = mail.outbox
    assert message.subject == f"Welcome to the park, {application.startup_name}"
    assert "Your desks: 2 at CW-9, from 2027-01-01 to 2027-12-31." in message.body


@pytest.mark.django_db
def test_a_refused_change_sends_nothing(applicant, django_capture_on_commit_callbacks):
    program = make_program(seats=1)
    make_application(program=program, state="accepted")
    application = make_application(program=program, applicant=applicant, state="interview")
    mail.outbox.clear()
    manager = make_manager()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(CohortFull),
    ):
        application_transition(application=application, to="accepted", actor=manager)
    assert callbacks == []
    assert mail.outbox == []


@pytest.mark.django_db
def test_moves_without_a_decision_send_nothing(program, django_capture_on_commit_callbacks):
    application = make_application(program=program, state="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=application, to="screening", actor=make_manager())
    assert mail.outbox == []
