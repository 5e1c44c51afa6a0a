"""program_create / program_update / program_criteria_set: PROGRAM_WRITABLE and the rubric."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from incubator.exceptions import InvalidProgram
from incubator.models import Criterion, Program
from incubator.services import program_create, program_criteria_set, program_update
from tests.factories import make_application, make_manager, make_program, make_review, make_unit


def program_data(**overrides):
    data = {
        "name": "Mekong 2028",
        "slug": "mekong-2028",
        "opens_at": timezone.now() + timedelta(days=400),
        "closes_at": timezone.now() + timedelta(days=490),
        "seats": 5,
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_field_outside_program_writable_is_a_type_error_and_writes_nothing():
    before = Program.objects.count()

    with pytest.raises(TypeError, match="version"):
        program_create(data=program_data(version=7), actor=None)

    assert Program.objects.count() == before


@pytest.mark.django_db
def test_a_criterion_field_outside_criterion_writable_is_a_type_error_and_writes_nothing():
    program = make_program()
    before = list(Criterion.objects.filter(program=program).values_list("pk", "name"))

    with pytest.raises(TypeError, match="program"):
        program_criteria_set(
            program=program, criteria=[{"name": "X", "program": program}], actor=None
        )

    assert list(Criterion.objects.filter(program=program).values_list("pk", "name")) == before


@pytest.mark.django_db
def test_an_update_saves_only_what_changed_with_its_actor():
    program, manager = make_program(seats=10), make_manager()
    rows = program.history.count()

    program_update(program=program, data={"seats": 10, "name": program.name}, actor=manager)
    assert program.history.count() == rows  # nothing changed: no write, no history row

    updated = program_update(program=program, data={"seats": 12}, actor=manager)

    assert (updated.seats, updated.version) == (12, program.version + 1)
    assert program.history.count() == rows + 1
    assert program.history.first().history_user == manager


@pytest.mark.django_db
def test_an_update_is_checked_on_the_values_to_be_saved_and_a_refusal_changes_nothing():
    program = make_program()
    office = make_unit(kind="office")

    with pytest.raises(InvalidProgram) as refused:
        program_update(program=program, data={"workspace_unit": office}, actor=None)
    with pytest.raises(InvalidProgram) as backwards:
        program_update(program=program, data={"closes_at": program.opens_at}, actor=None)

    assert (refused.value.code, refused.value.field) == ("not_coworking", "workspace_unit")
    assert (backwards.value.code, backwards.value.field) == ("invalid", "closes_at")
    fresh = Program.objects.get(pk=program.pk)
    assert (fresh.workspace_unit, fresh.closes_at, fresh.version) == (
        None,
        program.closes_at,
        program.version,
    )


@pytest.mark.django_db
def test_setting_the_criteria_keeps_named_ones_and_rescores_the_reviews():
    program = make_program()
    team, market = program.criteria.order_by("order")
    application = make_application(program=program, state="submitted")
    review = make_review(application, scores={str(team.pk): 5, str(market.pk): 5})
    assert review.score == Decimal("66.67")  # (2 * 5/10 + 1 * 5/5) / 3 * 100

    program_criteria_set(
        program=program,
        criteria=[{"id": team.pk, "name": "Team", "weight": 2, "max_score": 10, "order": 1}],
        actor=None,
    )

    assert list(program.criteria.values_list("pk", flat=True)) == [team.pk]
    review.refresh_from_db()
    application.refresh_from_db()
    assert (review.score, application.score) == (50, 50)
