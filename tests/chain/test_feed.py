from datetime import timedelta

from django.utils import timezone

from tenants.directory import DirectoryChange, directory_compact
from tenants.services import (
    company_delete,
    company_set_directory_visibility,
    company_set_status,
    company_update,
)
from tests.chain.factories import visible_company
from tests.factories import make_company, make_lease

__all__ = ["visible_company"]  # tests/concurrency still imports it from here


def feed_rows():
    return list(DirectoryChange.objects.values_list("company_id", "op", "version"))


def test_a_company_partners_never_saw_appends_nothing(db):
    company = make_company()
    company_set_status(company=company, to="active", actor=None)
    company_update(company=company, data={"short_name": "Ẩn"}, actor=None)
    make_lease(company=company)
    assert feed_rows() == []


def test_consent_appends_an_upsert_and_edits_append_more(db):
    company = visible_company()
    company = company_update(company=company, data={"short_name": "DTSoft"}, actor=None)
    assert feed_rows() == [(company.pk, "upsert", 3), (company.pk, "upsert", 4)]


def test_withdrawing_consent_appends_a_tombstone_and_then_nothing(db):
    company = visible_company()
    company = company_set_directory_visibility(company=company, visible=False, actor=None)
    company_update(company=company, data={"short_name": "Riêng tư"}, actor=None)
    assert feed_rows() == [(company.pk, "upsert", 3), (company.pk, "delete", 4)]


def test_an_exited_company_gets_a_tombstone_and_an_upsert_when_it_returns(db):
    company = visible_company()
    company = company_set_status(company=company, to="exited", actor=None)
    company = company_set_status(company=company, to="active", actor=None)
    assert feed_rows() == [
        (company.pk, "upsert", 3),
        (company.pk, "delete", 4),
        (company.pk, "upsert", 5),
    ]


def test_deleting_a_visible_company_appends_a_tombstone_past_its_version(db):
    company = visible_company()
    company_id = company.pk
    company_delete(company=company, actor=None)
    assert feed_rows() == [(company_id, "upsert", 3), (company_id, "delete", 4)]


def test_deleting_an_invisible_company_appends_nothing(db):
    company = make_company()
    company_delete(company=company, actor=None)
    assert feed_rows() == []


def test_seq_numbers_follow_the_order_of_the_changes(db):
    first, second = visible_company(), visible_company()
    company_update(company=first, data={"short_name": "Một"}, actor=None)
    rows = list(DirectoryChange.objects.order_by("seq").values_list("seq", "company_id"))
    assert rows == [(1, first.pk), (2, second.pk), (3, first.pk)]


def test_compaction_keeps_the_latest_change_per_company(db):
    company, other = visible_company(), visible_company()
    company_update(company=company, data={"short_name": "B"}, actor=None)
    removed = directory_compact(before=timezone.now() + timedelta(seconds=1))
    assert removed == 1
    assert list(DirectoryChange.objects.values_list("seq", "company_id")) == [
        (2, other.pk),
        (3, company.pk),
    ]


def test_marking_a_visible_company_incubated_tells_partners_once(db):
    from tenants.services import company_mark_incubated

    company = visible_company()
    company = company_mark_incubated(company=company, actor=None)
    again = company_mark_incubated(company=company, actor=None)

    assert (again.incubated, again.version) == (True, 4)
    assert feed_rows() == [(company.pk, "upsert", 3), (company.pk, "upsert", 4)]
