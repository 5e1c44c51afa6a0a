"""`/applications/`: drafts, edits, submit, withdraw, scope, and what applicants cannot write."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from incubator.models import Application, ApplicationEvent
from incubator.services import program_update
from tests.factories import (
    make_application,
    make_assignment,
    make_manager,
    make_pdf,
    make_program,
    make_user,
)
from tests.incubator.helpers import client_for
from tests.tenants.helpers import problem

LIST = "/api/v1/applications/"


def detail(application, action=None):
    base = f"{LIST}{application.pk}/"
    return f"{base}{action}/" if action else base


def draft_body(program, **overrides):
    body = {
        "program": str(program.pk),
        "startup_name": "Nông Trại Số",
        "tax_code": "0312345673",
        "sector": "software",
        "stage": "mvp",
        "pitch": "Cảm biến và phần mềm cho nông trại lúa.",
        "website": "https://nongtraiso.vn",
        "team": [{"name": "Lê Hoàng Phúc", "email": "founder@example.vn", "role": "CEO"}],
        "requested_desks": 3,
    }
    body.update(overrides)
    return body


@pytest.mark.django_db
def test_an_applicant_creates_a_draft_with_a_creation_event(applicant_client, applicant, program):
    response = applicant_client.post(LIST, draft_body(program))

    assert response.status_code == 201
    application = Application.objects.get()
    body = response.json()
    assert body == {
        "id": str(application.pk),
        "program": str(program.pk),
        "program_name": "Mekong Startup Incubation 2027",
        "applicant": str(applicant.pk),
        "startup_name": "Nông Trại Số",
        "tax_code": "0312345673",
        "sector": "software",
        "stage": "mvp",
        "pitch": "Cảm biến và phần mềm cho nông trại lúa.",
        "website": "https://nongtraiso.vn",
        "team": [{"name": "Lê Hoàng Phúc", "email": "founder@example.vn", "role": "CEO"}],
        "requested_desks": 3,
        "attachments": [],
        "state": "draft",
        "submitted_at": None,
        "decided_at": None,
        "company": None,
        "lease": None,
        "score": None,
        "version": 1,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert response["ETag"] == '"1"'
    events = applicant_client.get(detail(application, "events")).json()
    assert events == [
        {
            "from_state": None,
            "to_state": "draft",
            "actor": str(applicant.pk),
            "note": "",
            "at": events[0]["at"],
        }
    ]


@pytest.mark.django_db
def test_a_draft_needs_only_the_program_and_a_startup_name(applicant_client, program):
    response = applicant_client.post(LIST, {"program": str(program.pk), "startup_name": "X"})
    assert response.status_code == 201
    assert response.json()["requested_desks"] == 1
    assert response.json()["team"] == []


@pytest.mark.django_db
def test_a_second_application_to_the_same_program_is_a_409(applicant_client, applicant, program):
    make_application(program=program, applicant=applicant)
    response = applicant_client.post(LIST, draft_body(program))
    assert response.status_code == 409
    assert response.json() == problem(
        409,
        "duplicate_application",
        "Duplicate application",
        "You have already applied to Mekong Startup Incubation 2027; edit that application.",
        LIST,
    )
    assert Application.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_application_even_past_the_service(applicant, program):
    from django.db import IntegrityError, transaction

    first = make_application(program=program, applicant=applicant)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            program=program, applicant=applicant, startup_name=first.startup_name
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("state", "accepted"),
        ("score", 99),
        ("company", "00000000-0000-0000-0000-000000000000"),
        ("decided_at", "2027-01-01T00:00:00+07:00"),
        ("submitted_at", "2027-01-01T00:00:00+07:00"),
        ("lease", "00000000-0000-0000-0000-000000000000"),
        ("applicant", "00000000-0000-0000-0000-000000000000"),
        ("version", 7),
    ],
)
def test_an_applicant_can_never_write_the_services_fields(
    applicant_client, applicant, program, field, value
):
    created = applicant_client.post(LIST, draft_body(program, **{field: value}))
    assert created.status_code == 400
    assert created.json()["errors"] == [
        {"field": field, "code": "read_only", "message": "This field is read-only."}
    ]
    assert Application.objects.count() == 0

    application = make_application(program=program, applicant=applicant)
    patched = applicant_client.patch(detail(application), {field: value})
    assert patched.status_code == 400
    assert patched.json()["errors"][0]["field"] == field
    fresh = Application.objects.get(pk=application.pk)
    assert (fresh.state, fresh.score, fresh.company_id, fresh.decided_at, fresh.version) == (
        "draft",
        None,
        None,
        None,
        1,
    )


@pytest.mark.django_db
def test_unknown_fields_and_the_program_on_edit_are_refused(applicant_client, applicant, program):
    application = make_application(program=program, applicant=applicant)
    response = applicant_client.patch(detail(application), {"is_vip": True})
    assert response.json()["errors"] == [
        {"field": "is_vip", "code": "unknown", "message": "Unknown field."}
    ]
    moved = applicant_client.patch(detail(application), {"program": str(make_program().pk)})
    assert moved.status_code == 400
    assert moved.json()["errors"][0]["field"] == "program"


@pytest.mark.django_db
def test_the_applicant_edits_a_draft_and_the_version_moves(applicant_client, applicant, program):
    application = make_application(program=program, applicant=applicant)
    response = applicant_client.patch(
        detail(application), {"pitch": "Mới hơn", "tax_code": "0312345673001"}
    )
    assert response.status_code == 200
    assert (response.json()["pitch"], response.json()["tax_code"]) == ("Mới hơn", "0312345673-001")
    assert response.json()["version"] == 2
    assert response["ETag"] == '"2"'


@pytest.mark.django_db
def test_a_submitted_application_is_frozen(applicant_client, applicant, program):
    application = make_application(program=program, applicant=applicant, state="submitted")
    response = applicant_client.patch(detail(application), {"pitch": "Sửa sau khi nộp"})
    assert response.status_code == 409
    assert response.json() == problem(
        409,
        "invalid_transition",
        "State change not allowed",
        "A submitted application is frozen; only drafts change.",
        detail(application),
        allowed=["withdrawn"],
    )
    application.refresh_from_db()
    assert application.pitch != "Sửa sau khi nộp"


@pytest.mark.django_db
def test_a_bad_tax_code_is_named(applicant_client, program):
    response = applicant_client.post(LIST, draft_body(program, tax_code="0312345674"))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "tax_code"
    assert response.json()["errors"][0]["code"] == "invalid_checksum"


@pytest.mark.django_db
def test_a_team_over_ten_or_with_a_bad_email_is_refused(applicant_client, program):
    eleven = [{"name": f"Người {n}"} for n in range(11)]
    assert applicant_client.post(LIST, draft_body(program, team=eleven)).status_code == 400
    response = applicant_client.post(
        LIST, draft_body(program, team=[{"name": "A", "email": "not-an-email"}])
    )
    assert response.json()["errors"] == [
        {"field": "team.0.email", "code": "invalid", "message": "Enter a valid email address."}
    ]


@pytest.mark.django_db
def test_submitting_names_every_missing_field(applicant_client, applicant, program):
    response = applicant_client.post(LIST, {"program": str(program.pk), "startup_name": "X"})
    application = Application.objects.get(pk=response.json()["id"])

    response = applicant_client.post(detail(application, "submit"))

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "pitch", "code": "required", "message": "Required to submit."},
        {"field": "sector", "code": "required", "message": "Required to submit."},
        {"field": "stage", "code": "required", "message": "Required to submit."},
        {"field": "team", "code": "required", "message": "Name at least one team member."},
    ]
    application.refresh_from_db()
    assert application.state == "draft"
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_program_that_asks_for_a_pitch_deck_refuses_a_submit_without_one(
    applicant_client, applicant
):
    program = make_program(requires_pitch_deck=True)
    application = make_application(program=program, applicant=applicant)

    response = applicant_client.post(detail(application, "submit"))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "attachments",
            "code": "required",
            "message": "This program asks for a pitch deck (PDF).",
        }
    ]

    from django.core.files.uploadedfile import SimpleUploadedFile

    deck = SimpleUploadedFile("deck.pdf", make_pdf(), content_type="application/pdf")
    upload = applicant_client.post(
        detail(application, "attachments"), {"file": deck}, format="multipart"
    )
    assert upload.status_code == 201
    assert applicant_client.post(detail(application, "submit")).json()["state"] == "submitted"


@pytest.mark.django_db
def test_submitting_one_second_before_closing_is_accepted(applicant_client, applicant, program):
    application = make_application(program=program, applicant=applicant)
    program_update(
        program=program, data={"closes_at": timezone.now() + timedelta(seconds=1)}, actor=None
    )

    response = applicant_client.post(detail(application, "submit"))

    assert response.status_code == 200
    assert response.json()["state"] == "submitted"
    assert response.json()["submitted_at"] is not None


@pytest.mark.django_db
def test_submitting_one_second_after_closing_is_program_closed(
    applicant_client, applicant, program
):
    application = make_application(program=program, applicant=applicant)
    closes_at = timezone.now() - timedelta(seconds=1)
    program_update(program=program, data={"closes_at": closes_at}, actor=None)

    response = applicant_client.post(detail(application, "submit"))

    assert response.status_code == 409
    local = timezone.localtime(closes_at).isoformat()
    assert local.endswith("+07:00")  # the park's time zone
    assert response.json() == problem(
        409,
        "program_closed",
        "Program closed",
        f"Mekong Startup Incubation 2027 takes submissions until {local}; it is closed.",
        detail(application, "submit"),
    )
    application.refresh_from_db()
    assert (application.state, application.submitted_at) == ("draft", None)
    assert ApplicationEvent.objects.filter(application=application).count() == 1


@pytest.mark.django_db
def test_submitting_before_the_program_opens_is_program_closed(applicant_client, applicant):
    program = make_program(
        opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=9)
    )
    application = make_application(program=program, applicant=applicant)
    response = applicant_client.post(detail(application, "submit"))
    assert response.json()["code"] == "program_closed"


@pytest.mark.django_db
def test_the_applicant_withdraws_and_the_event_says_so(applicant_client, applicant, program):
    application = make_application(program=program, applicant=applicant, state="screening")
    response = applicant_client.post(detail(application, "withdraw"), {"note": "Đã gọi vốn"})
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"
    events = applicant_client.get(detail(application, "events")).json()
    assert [(e["from_state"], e["to_state"]) for e in events] == [
        (None, "draft"),
        ("draft", "submitted"),
        ("submitted", "screening"),
        ("screening", "withdrawn"),
    ]
    assert events[-1]["note"] == "Đã gọi vốn"
    assert events[-1]["actor"] == str(applicant.pk)


@pytest.mark.django_db
def test_a_manager_cannot_submit_or_withdraw_for_the_applicant(manager_client, program):
    application = make_application(program=program)
    for action in ["submit", "withdraw"]:
        response = manager_client.post(detail(application, action))
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
    application.refresh_from_db()
    assert application.state == "draft"


@pytest.mark.django_db
def test_applications_are_never_deleted(applicant_client, applicant, program):
    application = make_application(program=program, applicant=applicant)
    assert applicant_client.delete(detail(application)).status_code == 405
    assert Application.objects.count() == 1


# --- scope: another applicant's application is a 404 everywhere ------------------------------


@pytest.mark.django_db
def test_another_applicants_application_is_404_on_every_endpoint(
    other_applicant_client, applicant, program
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    application = make_application(program=program, applicant=applicant)
    from incubator.services import attachment_add

    attachment = attachment_add(
        application=application,
        file=SimpleUploadedFile("deck.pdf", make_pdf()),
        actor=applicant,
    )
    reviewer_id = make_assignment(application).reviewer_id
    client = other_applicant_client
    calls = [
        ("get", detail(application), None),
        ("patch", detail(application), {"pitch": "x"}),
        ("post", detail(application, "submit"), None),
        ("post", detail(application, "withdraw"), None),
        ("post", detail(application, "transition"), {"to": "withdrawn"}),
        ("post", detail(application, "onboard"), {"start_date": "2027-01-01"}),
        ("get", detail(application, "events"), None),
        ("post", detail(application, "conflict"), {"reason": "x"}),
        ("get", detail(application, "reviewers"), None),
        ("post", detail(application, "reviewers"), {"user": str(reviewer_id)}),
        ("delete", f"{detail(application, 'reviewers')}{reviewer_id}/", None),
        ("get", f"{detail(application, 'attachments')}{attachment.pk}/", None),
        (
            "post",
            detail(application, "attachments"),
            {"file": SimpleUploadedFile("d.pdf", make_pdf())},
        ),
    ]
    for method, path, body in calls:
        kwargs = {"format": "multipart"} if body and "file" in body else {}
        response = getattr(client, method)(path, body, **kwargs)
        assert response.status_code == 404, (method, path, response.status_code)
        assert response.json()["code"] == "not_found"
    assert client.get(LIST).json()["results"] == []
    assert client.get(LIST, {"program": str(program.pk)}).json()["count"] == 0
    review = client.post(
        "/api/v1/reviews/",
        {"application": str(application.pk), "scores": {}, "recommendation": "accept"},
    )
    assert review.status_code == 400
    assert review.json()["errors"][0]["field"] == "application"
    application.refresh_from_db()
    assert (application.state, application.version) == ("draft", 2)


@pytest.mark.django_db
def test_an_assigned_reviewer_sees_the_application_and_others_do_not(reviewer_user, program):
    assigned = make_application(program=program)
    make_application(program=program)
    make_assignment(assigned, reviewer_user)
    response = client_for(reviewer_user).get(LIST)
    assert [row["id"] for row in response.json()["results"]] == [str(assigned.pk)]


@pytest.mark.django_db
def test_anonymous_callers_get_401(api_client, program):
    assert api_client.get(LIST).status_code == 401
    assert api_client.post(LIST, draft_body(program)).status_code == 401


# --- lists: filters, search, ordering, query counts ------------------------------------------


@pytest.mark.django_db
def test_lists_filter_by_program_state_and_accent_free_search(manager_client, program):
    hit = make_application(program=program, startup_name="Đồng Tháp Nông Nghiệp Số")
    make_application(program=program, startup_name="Cần Thơ AI", state="submitted")
    other = make_application(startup_name="Đồng Tháp Khác")

    def ids(**params):
        return [row["id"] for row in manager_client.get(LIST, params).json()["results"]]

    assert ids(search="dong thap", program=str(program.pk)) == [str(hit.pk)]
    assert ids(search="DONG THAP") == [str(hit.pk), str(other.pk)]
    assert len(ids(state="submitted", program=str(program.pk))) == 1
    bad = manager_client.get(LIST, {"state": "famous"})
    assert bad.status_code == 400
    assert manager_client.get(LIST, {"ordering": "startup_name"}).status_code == 400


@pytest.mark.django_db
def test_lists_order_by_submitted_at_and_score(manager_client, program):
    first = make_application(program=program, state="submitted")
    second = make_application(program=program, state="submitted")
    rows = manager_client.get(LIST, {"ordering": "-submitted_at"}).json()["results"]
    assert [row["id"] for row in rows] == [str(second.pk), str(first.pk)]
    assert manager_client.get(LIST, {"ordering": "-score"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 50])
def test_the_manager_list_runs_constant_queries(count, django_assert_max_num_queries):
    program = make_program()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from incubator.services import attachment_add

    for _ in range(count):
        application = make_application(program=program)
        attachment_add(
            application=application,
            file=SimpleUploadedFile("deck.pdf", make_pdf()),
            actor=application.applicant,
        )
    client = client_for(make_manager())
    # the manager's groups, the throttle's 6, the count, the page, the attachments
    with django_assert_max_num_queries(10):
        response = client.get(LIST, {"page_size": 100})
    assert len(response.json()["results"]) == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 50])
def test_the_applicant_and_reviewer_lists_run_constant_queries(
    count, reviewer_user, django_assert_max_num_queries
):
    applicant = make_user()
    for _ in range(count):
        make_assignment(make_application(applicant=applicant), reviewer_user)
    for user in [applicant, reviewer_user]:
        with django_assert_max_num_queries(10):
            response = client_for(user).get(LIST, {"page_size": 100})
        assert len(response.json()["results"]) == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 50])
def test_the_events_list_runs_constant_queries(
    count, manager, program, django_assert_max_num_queries
):
    application = make_application(program=program)
    for index in range(count - 1):
        ApplicationEvent.objects.create(
            application=application, from_state="draft", to_state="draft", note=str(index)
        )
    with django_assert_max_num_queries(10):
        response = client_for(manager).get(detail(application, "events"))
    assert len(response.json()) == count
