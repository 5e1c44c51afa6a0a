"""leases_create_many: lease_create's rules for a whole batch, in a constant number of queries."""

import math
import random
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.errors import DomainError
from park.exceptions import (
    ContractNumberTaken,
    InvalidDesks,
    OutsideLease,
    UnitInactive,
    UnitUnavailable,
)
from park.models import Lease
from park.services import LeaseDraft, lease_create, leases_create_many, today
from tenants.models import Company
from tests.concurrency.race import run_together
from tests.factories import make_company, make_floor, make_lease, make_pool, make_unit, make_user

pytestmark = pytest.mark.django_db

YEAR_2030 = {"start_date": date(2030, 1, 1), "end_date": date(2030, 12, 31)}


def _draft(unit, company, tag, **fields) -> LeaseDraft:
    return LeaseDraft(unit=unit, company=company, tag=tag, **{**YEAR_2030, **fields})


def _refusal_and_neighbours(refused: LeaseDraft, *, company, actor=None):
    """Run `refused` between two valid drafts (on fresh offices); the answer and those two."""
    before, after = make_unit(), make_unit()
    outcomes = leases_create_many(
        drafts=[_draft(before, company, 1), refused, _draft(after, company, 3)], actor=actor
    )
    assert [type(outcomes[0]), type(outcomes[2])] == [Lease, Lease]
    assert Lease.objects.filter(unit__in=[before, after]).count() == 2
    return outcomes[1]


# --- each refusal, in place, with the valid drafts around it inserted ------------------------


def test_valid_drafts_are_inserted_with_their_history_naming_the_actor():
    actor, company = make_user(), make_company()
    office, pool = make_unit(), make_pool(desks=10)

    outcomes = leases_create_many(
        drafts=[
            _draft(office, company, 2, contract_number="HD-2030-1", note="Tầng 1"),
            _draft(pool, company, 3, desks=4, end_date=None),
        ],
        actor=actor,
    )

    assert [type(outcome) for outcome in outcomes] == [Lease, Lease]
    assert [outcome.import_tag for outcome in outcomes] == [2, 3]
    saved = {lease.pk: lease for lease in Lease.objects.all()}
    assert set(saved) == {outcome.pk for outcome in outcomes}
    office_lease, pool_lease = saved[outcomes[0].pk], saved[outcomes[1].pk]
    assert (
        office_lease.desks,
        office_lease.is_exclusive,
        office_lease.monthly_rent_vnd,
        office_lease.contract_number,
        office_lease.note,
    ) == (8, True, 15_000_000, "HD-2030-1", "Tầng 1")
    assert (pool_lease.desks, pool_lease.is_exclusive, pool_lease.monthly_rent_vnd) == (
        4,
        False,
        6_000_000,
    )
    history = Lease.history.order_by("-desks")
    assert [(row.id, row.history_type, row.history_user) for row in history] == [
        (office_lease.pk, "+", actor),
        (pool_lease.pk, "+", actor),
    ]


def test_a_draft_ending_before_it_starts_is_refused_in_place():
    company = make_company()
    refused = _draft(make_unit(), company, 2, end_date=date(2029, 12, 31))

    outcome = _refusal_and_neighbours(refused, company=company)

    assert (type(outcome), outcome.field, outcome.detail) == (
        OutsideLease,
        "end_date",
        "The end date cannot be before the start date.",
    )
    assert not Lease.objects.filter(unit=refused.unit).exists()


def test_a_draft_on_an_inactive_unit_is_refused_in_place():
    company = make_company()
    refused = _draft(make_unit(is_active=False, code="K-9"), company, 2)

    outcome = _refusal_and_neighbours(refused, company=company)

    assert (type(outcome), outcome.detail) == (UnitInactive, "Unit K-9 is under maintenance.")
    assert not Lease.objects.filter(unit=refused.unit).exists()


def test_a_draft_on_a_bookable_meeting_room_is_refused_as_bookable():
    company = make_company()
    room = make_unit(kind="meeting_room", bookable=True, code="MR-1")
    refused = _draft(room, company, 2)

    outcome = _refusal_and_neighbours(refused, company=company)

    assert (type(outcome), outcome.extra) == (
        UnitUnavailable,
        {"conflicts": [], "reason": "bookable"},
    )
    assert not Lease.objects.filter(unit=room).exists()


def test_a_draft_asking_for_part_of_an_exclusive_unit_is_refused_on_desks():
    company = make_company()
    office = make_unit(capacity=8)
    refused = _draft(office, company, 2, desks=3)

    outcome = _refusal_and_neighbours(refused, company=company)

    assert (type(outcome), outcome.field) == (InvalidDesks, "desks")
    assert not Lease.objects.filter(unit=office).exists()


def test_a_pool_counts_its_existing_leases_and_the_earlier_drafts_of_the_batch():
    company = make_company()
    pool = make_pool(desks=5)
    existing = make_lease(unit=pool, company=company, desks=2, **YEAR_2030)

    outcomes = leases_create_many(
        drafts=[
            _draft(pool, company, 2, desks=2, start_date=date(2030, 3, 1)),
            _draft(pool, company, 3, desks=2, start_date=date(2030, 6, 1)),  # 2 + 2 + 2 > 5
            _draft(pool, company, 4, desks=1, start_date=date(2030, 6, 1)),  # exactly 5
        ],
        actor=None,
    )

    first, refused, last = outcomes
    assert [type(first), type(refused), type(last)] == [Lease, UnitUnavailable, Lease]
    assert refused.detail == (
        f"Pool {pool.code} has 1 free desk(s) on its busiest day of that range; 2 asked."
    )
    assert refused.leases == [existing, first]
    assert [getattr(lease, "import_tag", None) for lease in refused.leases] == [None, 2]
    assert sorted(Lease.objects.filter(unit=pool).values_list("desks", flat=True)) == [1, 2, 2]


def test_a_draft_overlapping_an_existing_lease_is_refused_naming_it():
    company = make_company()
    office = make_unit()
    existing = make_lease(unit=office, company=company, **YEAR_2030)
    refused = _draft(office, company, 2, start_date=date(2030, 12, 31), end_date=None)

    outcome = _refusal_and_neighbours(refused, company=company)

    assert type(outcome) is UnitUnavailable
    assert outcome.extra["conflicts"] == [
        {
            "lease": str(existing.pk),
            "start_date": "2030-01-01",
            "end_date": "2030-12-31",
            "desks": 8,
        }
    ]
    assert list(Lease.objects.filter(unit=office)) == [existing]


def test_a_draft_overlapping_an_earlier_draft_names_that_draft_by_its_tag():
    company = make_company()
    office = make_unit()

    first, refused, later = leases_create_many(
        drafts=[
            _draft(office, company, 7),
            _draft(office, company, 8, start_date=date(2030, 6, 1), end_date=date(2031, 5, 31)),
            _draft(office, company, 9, start_date=date(2031, 1, 1), end_date=None),
        ],
        actor=None,
    )

    assert [type(first), type(refused), type(later)] == [Lease, UnitUnavailable, Lease]
    assert [lease.import_tag for lease in refused.leases] == [7]
    assert refused.leases[0] is first
    assert refused.detail == f"Unit {office.code} is leased from 2030-01-01 to 2030-12-31."
    assert sorted(Lease.objects.filter(unit=office).values_list("pk", flat=True)) == sorted(
        [first.pk, later.pk]
    )


def test_a_contract_number_already_in_the_database_is_taken():
    company = make_company()
    make_lease(company=company, contract_number="HD-01", **YEAR_2030)
    refused = _draft(make_unit(), company, 2, contract_number="HD-01")

    outcome = _refusal_and_neighbours(refused, company=company)

    assert (type(outcome), outcome.field, outcome.detail) == (
        ContractNumberTaken,
        "contract_number",
        "Another lease has contract number HD-01.",
    )
    assert Lease.objects.filter(contract_number="HD-01").count() == 1
    assert not Lease.objects.filter(unit=refused.unit).exists()


def test_a_contract_number_repeated_in_the_batch_is_taken_the_second_time():
    company = make_company()
    first_office, second_office = make_unit(), make_unit()

    first, second = leases_create_many(
        drafts=[
            _draft(first_office, company, 2, contract_number="HD-07"),
            _draft(second_office, company, 3, contract_number="HD-07"),
        ],
        actor=None,
    )

    assert (type(first), type(second), second.field) == (
        Lease,
        ContractNumberTaken,
        "contract_number",
    )
    assert list(Lease.objects.filter(contract_number="HD-07")) == [first]
    assert not Lease.objects.filter(unit=second_office).exists()


def test_a_field_the_lease_model_refuses_is_a_validation_error_in_place():
    company = make_company()
    refused = _draft(make_unit(), company, 2, meeting_hours_monthly=Decimal(-1))

    outcome = _refusal_and_neighbours(refused, company=company)

    assert type(outcome) is ValidationError
    assert list(outcome.message_dict) == ["meeting_hours_monthly"]
    assert not Lease.objects.filter(unit=refused.unit).exists()


def test_a_refused_draft_does_not_hold_its_unit_for_the_drafts_after_it():
    company = make_company()
    office = make_unit()

    refused, accepted = leases_create_many(
        drafts=[
            _draft(office, company, 2, desks=3),  # refused: the office is leased whole
            _draft(office, company, 3),
        ],
        actor=None,
    )

    assert (type(refused), type(accepted)) == (InvalidDesks, Lease)


# --- queries ------------------------------------------------------------------------------------


def _inserts_expected(model, count: int) -> int:
    """How many INSERTs the backend splits `count` rows of `model` into (SQLite: ~60 a batch)."""
    fields = list(model._meta.concrete_fields)
    batch = min(1000, connection.ops.bulk_batch_size(fields, [None] * count))
    return math.ceil(count / batch)


def _queries_of(drafts) -> tuple[list[str], int]:
    with CaptureQueriesContext(connection) as captured:
        outcomes = leases_create_many(drafts=drafts, actor=None)
    assert all(type(outcome) is Lease for outcome in outcomes)
    statements = [query["sql"] for query in captured.captured_queries]
    inserts = [sql for sql in statements if sql.lstrip().upper().startswith("INSERT")]
    # Their shape: savepoint names and the ids listed after WHERE differ from call to call.
    others = [
        re.sub(r'"s\w+"', '"savepoint"', sql.split(" WHERE ")[0])
        for sql in statements
        if sql not in inserts
    ]
    expected = _inserts_expected(Lease, len(drafts)) + _inserts_expected(
        Lease.history.model, len(drafts)
    )
    assert len(inserts) == expected
    return others, len(statements)


def test_the_queries_are_the_same_for_ten_or_a_hundred_drafts_on_distinct_units():
    company, floor = make_company(), make_floor()
    units = [make_unit(floor=floor) for _ in range(110)]

    few, few_total = _queries_of([_draft(unit, company, n) for n, unit in enumerate(units[:10])])
    many, many_total = _queries_of([_draft(unit, company, n) for n, unit in enumerate(units[10:])])

    assert many == few
    assert len(few) <= 6  # a savepoint and its release twice, the lock, the leases
    if connection.vendor == "postgresql":  # one INSERT per 1,000 leases and history rows
        assert many_total == few_total


def test_the_queries_are_the_same_for_ten_or_a_hundred_drafts_on_one_pool():
    company = make_company()
    pool = make_pool(desks=200)
    make_lease(unit=pool, company=company, desks=5, start_date=date(2030, 1, 1), end_date=None)
    numbered = [
        _draft(pool, company, n, desks=1, end_date=None, contract_number=f"HD-{n}")
        for n in range(110)
    ]

    few, few_total = _queries_of(numbered[:10])
    many, many_total = _queries_of(numbered[10:])

    assert many == few
    if connection.vendor == "postgresql":
        assert many_total == few_total


# --- the same rules as lease_create -------------------------------------------------------------


def _random_drafts(seed: int, *, units, companies) -> list[LeaseDraft]:
    chance = random.Random(seed)  # noqa: S311 - a fixed sequence of drafts, not a secret
    drafts = []
    for row in range(2, 202):
        unit = chance.choice(units)
        # Starts and ends on a 30-day grid: many leases end on the day another starts.
        start = date(2030, 1, 1) + timedelta(days=30 * chance.randrange(0, 36))
        length = chance.choice([None, 0, 29, 30, 60, 90, 180, 360, -10])
        end = None if length is None else start + timedelta(days=length)
        if unit.kind == "coworking":
            desks = chance.choice([None, 1, 1, 2, 3, 5])
        else:
            desks = chance.choice([None] * 8 + [unit.capacity, 1])
        number = chance.choice([None, None, None, *[f"HD-{n}" for n in range(40)]])
        drafts.append(
            LeaseDraft(
                unit=unit,
                company=chance.choice(companies),
                start_date=start,
                end_date=end,
                desks=desks,
                monthly_rent_vnd=chance.choice([None, 9_000_000]),
                contract_number=number,
                meeting_hours_monthly=Decimal(chance.choice([0, 4, -1] + [0] * 10)),
                tag=row,
            )
        )
    return drafts


def _comparable(outcome) -> tuple:
    if isinstance(outcome, Lease):
        return (
            "created",
            outcome.unit.code,
            outcome.start_date,
            outcome.end_date,
            outcome.desks,
            outcome.monthly_rent_vnd,
            outcome.contract_number,
        )
    if isinstance(outcome, ValidationError):
        return ("ValidationError", outcome.message_dict)
    return (type(outcome).__name__, outcome.code, outcome.field, outcome.detail)


def _one_by_one(drafts) -> list[tuple]:
    outcomes = []
    for draft in drafts:
        fields = {name: value for name, value in vars(draft).items() if name != "tag"}
        try:
            outcomes.append(_comparable(lease_create(**fields, actor=None)))
        except (DomainError, ValidationError) as refusal:
            outcomes.append(_comparable(refusal))
    return outcomes


def test_a_batch_accepts_exactly_the_drafts_lease_create_accepts_one_by_one():
    companies = [make_company() for _ in range(3)]
    floor = make_floor()
    units = [
        make_unit(floor=floor, code="P-1"),
        make_unit(floor=floor, code="P-2", kind="lab", capacity=4),
        make_pool(desks=6, floor=floor, code="CW-1"),
        make_pool(desks=3, floor=floor, code="CW-2"),
    ]
    make_lease(unit=units[0], company=companies[0], start_date=date(2031, 1, 1), end_date=None)
    make_lease(unit=units[2], company=companies[1], desks=3, **YEAR_2030)
    make_lease(unit=make_unit(floor=floor), company=companies[2], contract_number="HD-3")
    drafts = _random_drafts(20270101, units=units, companies=companies)

    with transaction.atomic():
        batch = [_comparable(outcome) for outcome in leases_create_many(drafts=drafts, actor=None)]
        transaction.set_rollback(True)
    assert Lease.objects.count() == 3
    with transaction.atomic():
        one_by_one = _one_by_one(drafts)
        transaction.set_rollback(True)

    assert batch == one_by_one
    kinds = {outcome[0] for outcome in batch}
    assert kinds == {
        "created",
        "OutsideLease",
        "InvalidDesks",
        "UnitUnavailable",
        "ContractNumberTaken",
        "ValidationError",
    }
    assert 20 <= sum(outcome[0] == "created" for outcome in batch) <= 180


# --- side effects -------------------------------------------------------------------------------


def test_a_company_whose_new_leases_cover_today_becomes_active_once():
    actor = make_user()
    prospect, exited, suspended = make_company(), make_company(), make_company()
    Company.objects.filter(pk=exited.pk).update(status="exited")
    Company.objects.filter(pk=suspended.pk).update(status="suspended")
    current = {"start_date": today() - timedelta(days=30), "end_date": None}

    leases_create_many(
        drafts=[
            _draft(make_unit(), prospect, 2, **current),
            _draft(make_unit(), prospect, 3, **current),
            _draft(make_unit(), exited, 4, **current),
            _draft(make_unit(), suspended, 5, **current),
        ],
        actor=actor,
    )

    statuses = dict(Company.objects.values_list("pk", "status"))
    assert [statuses[prospect.pk], statuses[exited.pk], statuses[suspended.pk]] == [
        "active",
        "active",
        "suspended",
    ]
    changes = Company.history.filter(history_type="~").order_by("history_date")
    assert sorted((row.id, row.status, row.history_user) for row in changes) == sorted(
        [(prospect.pk, "active", actor), (exited.pk, "active", actor)]
    )


def test_future_leases_leave_a_prospect_a_prospect():
    company = make_company()

    leases_create_many(drafts=[_draft(make_unit(), company, 2)], actor=None)

    company.refresh_from_db()
    assert company.status == "prospect"


# --- a race on real connections -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_parallel_batches_booking_one_office_leave_exactly_one_lease():
    office = make_unit()
    companies = [make_company(), make_company()]

    def book(company) -> None:
        [outcome] = leases_create_many(drafts=[_draft(office, company, 2)], actor=None)
        if isinstance(outcome, DomainError):
            raise outcome

    outcomes = run_together(book, companies)

    assert outcomes == ["done", UnitUnavailable.code]
    assert Lease.objects.filter(unit=office).count() == 1
