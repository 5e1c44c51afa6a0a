"""application_create / application_update: APPLICATION_WRITABLE, drafts only, normalised."""

import pytest

from core.errors import InvalidTransition, NotPermitted
from incubator.models import Application, ApplicationEvent
from incubator.services import application_create, application_update
from tests.factories import make_application, make_manager, make_program, make_user


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["state", "score", "company", "applicant", "program"])
def test_a_field_outside_application_writable_is_a_type_error_and_writes_nothing(field):
    program, applicant = make_program(), make_user()

    with pytest.raises(TypeError, match=field):
        application_create(
            program=program, data={"startup_name": "Nông Trại Số", field: None}, actor=applicant
        )

    assert Application.objects.count() == 0
    assert ApplicationEvent.objects.count() == 0


@pytest.mark.django_db
def test_a_draft_starts_with_its_event_and_the_normalised_team():
    program, applicant = make_program(), make_user()

    application = application_create(
        program=program,
        data={
            "startup_name": "Nông Trại Số",
            "team": [{"name": "Phúc", "email": " Phuc@Example.VN "}],
        },
        actor=applicant,
    )

    assert (application.state, application.applicant, application.program) == (
        "draft",
        applicant,
        program,
    )
    assert application.team == [{"name": "Phúc", "email": "phuc@example.vn", "role": ""}]
    assert list(
        ApplicationEvent.objects.filter(application=application).values_list(
            "from_state", "to_state", "actor"
        )
    ) == [(None, "draft", applicant.pk)]


@pytest.mark.django_db
def test_an_edit_saves_only_what_changed_and_a_score_is_not_the_applicants():
    application = make_application()
    applicant = application.applicant

    with pytest.raises(TypeError, match="score"):
        application_update(application=application, data={"score": 100}, actor=applicant)
    same = application_update(
        application=application, data={"startup_name": application.startup_name}, actor=applicant
    )
    assert same.version == application.version

    edited = application_update(
        application=application, data={"pitch": "Một câu chuyện mới."}, actor=applicant
    )

    assert (edited.pitch, edited.version) == ("Một câu chuyện mới.", application.version + 1)
    assert edited.history.first().history_user == applicant


@pytest.mark.django_db
def test_only_the_applicant_edits_and_only_a_draft():
    draft, submitted = make_application(), make_application(state="submitted")

    with pytest.raises(NotPermitted):
        application_update(application=draft, data={"pitch": "x"}, actor=make_manager())
    with pytest.raises(InvalidTransition) as frozen:
        application_update(application=submitted, data={"pitch": "x"}, actor=submitted.applicant)

    assert frozen.value.extra == {"allowed": ["withdrawn"]}
    assert Application.objects.get(pk=draft.pk).pitch == draft.pitch
    assert Application.objects.get(pk=submitted.pk).pitch == submitted.pitch
