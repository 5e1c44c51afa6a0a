"""`/programs/`: published ones for everyone, CRUD for managers, criteria inline."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incubator.models import Criterion, Program
from tests.factories import make_application, make_pool, make_program, make_unit

LIST = "/api/v1/programs/"


def detail(program):
    return f"{LIST}{program.pk}/"


def program_body(**overrides):
    body = {
        "name": "Mekong Startup Incubation 2027",
        "slug": "mekong-2027",
        "description": "Sáu tháng ươm tạo cho khởi nghiệp số vùng Đồng bằng sông Cửu Long.",
        "opens_at": "2027-01-01T08:00:00+07:00",
        "closes_at": "2027-03-31T17:00:00+07:00",
        "seats": 8,
        "incubation_months": 6,
        "is_published": True,
        "requires_pitch_deck": True,
        "criteria": [
            {"name": "Đội ngũ", "description": "", "weight": 2, "max_score": 10, "order": 1},
            {"name": "Thị trường", "description": "", "weight": 1.5, "max_score": 5, "order": 2},
        ],
    }
    body.update(overrides)
    return body


@pytest.mark.django_db
def test_a_manager_creates_a_program_with_its_criteria(manager_client):
    pool = make_pool(desks=20)
    response = manager_client.post(LIST, program_body(workspace_unit=str(pool.pk)))

    assert response.status_code == 201
    program = Program.objects.get()
    team, market = program.criteria.order_by("order")
    body = response.json()
    assert body == {
        "id": str(program.pk),
        "name": "Mekong Startup Incubation 2027",
        "slug": "mekong-2027",
        "description": "Sáu tháng ươm tạo cho khởi nghiệp số vùng Đồng bằng sông Cửu Long.",
        "opens_at": "2027-01-01T08:00:00+07:00",
        "closes_at": "2027-03-31T17:00:00+07:00",
        "seats": 8,
        "incubation_months": 6,
        "workspace_unit": str(pool.pk),
        "is_published": True,
        "requires_pitch_deck": True,
        "status": "upcoming",
        "criteria": [
            {
                "id": str(team.pk),
                "name": "Đội ngũ",
                "description": "",
                "weight": 2.0,
                "max_score": 10,
                "order": 1,
            },
            {
                "id": str(market.pk),
                "name": "Thị trường",
                "description": "",
                "weight": 1.5,
                "max_score": 5,
                "order": 2,
            },
        ],
        "version": 1,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }


@pytest.mark.django_db
def test_sending_criteria_replaces_the_whole_list_keeping_named_ones(manager_client):
    program = make_program()
    team, market = program.criteria.order_by("order")
    response = manager_client.patch(
        detail(program),
        {
            "criteria": [
                {"id": str(team.pk), "name": "Đội ngũ sáng lập", "weight": 3, "max_score": 10},
                {"name": "Công nghệ", "weight": 1, "max_score": 10, "order": 5},
            ]
        },
    )
    assert response.status_code == 200
    names = [(row["name"], row["weight"]) for row in response.json()["criteria"]]
    assert names == [("Đội ngũ sáng lập", 3.0), ("Công nghệ", 1.0)]
    assert response.json()["criteria"][0]["id"] == str(team.pk)
    assert not Criterion.objects.filter(pk=market.pk).exists()


@pytest.mark.django_db
def test_program_rules_are_named(manager_client):
    office = make_unit(kind="office")
    cases = [
        (
            program_body(closes_at="2026-12-01T00:00:00+07:00"),
            "closes_at",
            "invalid",
        ),
        (program_body(workspace_unit=str(office.pk)), "workspace_unit", "not_coworking"),
        (program_body(seats=0), "seats", "min_value"),
        (program_body(opens_at="0014-01-24T16:54:52-07:45"), "opens_at", "out_of_range"),
        (
            program_body(criteria=[{"name": "X", "weight": 0, "max_score": 10}]),
            "criteria.0.weight",
            "min_value",
        ),
        (program_body(status="open"), "status", "read_only"),
    ]
    for body, field, code in cases:
        response = manager_client.post(LIST, body)
        assert response.status_code == 400, field
        assert (response.json()["errors"][0]["field"], response.json()["errors"][0]["code"]) == (
            field,
            code,
        )
    make_program(slug="mekong-2027")
    taken = manager_client.post(LIST, program_body())
    assert taken.json()["errors"][0] == {
        "field": "slug",
        "code": "unique",
        "message": "Another program has the slug mekong-2027.",
    }
    assert Program.objects.count() == 1


@pytest.mark.django_db
def test_anonymous_callers_and_applicants_see_only_published_programs(api_client, user_client):
    published = make_program(name="Công khai")
    hidden = make_program(name="Nháp", is_published=False)
    for client in [api_client, user_client]:
        rows = client.get(LIST).json()["results"]
        assert [row["id"] for row in rows] == [str(published.pk)]
        assert client.get(detail(hidden)).status_code == 404
        assert client.get(detail(published)).json()["status"] == "open"


@pytest.mark.django_db
def test_only_managers_write_programs(api_client, user_client):
    program = make_program()
    assert api_client.post(LIST, program_body()).status_code == 401
    assert user_client.post(LIST, program_body()).status_code == 403
    assert user_client.patch(detail(program), {"seats": 99}).status_code == 403
    assert user_client.delete(detail(program)).status_code == 403
    program.refresh_from_db()
    assert program.seats == 10


@pytest.mark.django_db
def test_a_program_with_applications_cannot_be_deleted(manager_client):
    program = make_program()
    make_application(program=program)
    response = manager_client.delete(detail(program))
    assert response.status_code == 409
    assert response.json()["code"] == "in_use"
    empty = make_program()
    assert manager_client.delete(detail(empty)).status_code == 204


@pytest.mark.django_db
def test_program_status_follows_the_window(manager_client):
    now = timezone.now()
    closed = make_program(opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1))
    upcoming = make_program(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=9))
    draft = make_program(is_published=False)
    assert manager_client.get(detail(closed)).json()["status"] == "closed"
    assert manager_client.get(detail(upcoming)).json()["status"] == "upcoming"
    assert manager_client.get(detail(draft)).json()["status"] == "draft"


@pytest.mark.django_db
def test_drafting_for_a_closed_program_is_program_closed(user_client):
    now = timezone.now()
    closed = make_program(opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1))
    response = user_client.post(
        "/api/v1/applications/", {"program": str(closed.pk), "startup_name": "Trễ hạn"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "program_closed"


@pytest.mark.django_db
def test_an_applicant_cannot_apply_to_an_unpublished_program(user_client):
    hidden = make_program(is_published=False)
    response = user_client.post(
        "/api/v1/applications/", {"program": str(hidden.pk), "startup_name": "Sớm"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "program"


@pytest.mark.django_db
def test_the_ranking_is_for_managers(api_client, user_client, manager_client):
    program = make_program()
    url = f"{detail(program)}ranking/"
    assert api_client.get(url).status_code == 401
    assert user_client.get(url).status_code == 403
    assert manager_client.get(url).json() == []


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 50])
def test_the_program_list_runs_constant_queries(
    count, manager_client, api_client, django_assert_max_num_queries
):
    for _ in range(count):
        make_program()
    with django_assert_max_num_queries(10):
        response = manager_client.get(LIST, {"page_size": 100})
    assert len(response.json()["results"]) == count
    with django_assert_max_num_queries(10):
        response = api_client.get(LIST, {"page_size": 100})
    assert len(response.json()["results"]) == count


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "published"),
    [("true", True), ("1", True), ("false", False), ("0", False), ("TRUE", True)],
)
def test_is_published_reads_true_false_1_and_0_like_every_boolean_filter(
    manager_client, value, published
):
    shown = make_program(name="Công khai")
    hidden = make_program(name="Nháp", is_published=False)
    expected = shown if published else hidden

    response = manager_client.get(LIST, {"is_published": value})

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(expected.pk)]


@pytest.mark.django_db
def test_an_unreadable_is_published_is_a_400_not_every_program(api_client):
    make_program()

    response = api_client.get(LIST, {"is_published": "maybe"})

    assert response.status_code == 400
    assert response.json() == {
        "type": "/problems/validation-error",
        "title": "Invalid request",
        "status": 400,
        "detail": "is_published: Must be true or false.",
        "code": "validation_error",
        "instance": LIST,
        "errors": [
            {"field": "is_published", "code": "invalid", "message": "Must be true or false."}
        ],
    }
