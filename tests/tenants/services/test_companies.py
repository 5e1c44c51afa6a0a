"""company_create and company_update: the declared profile fields, the tax code rules and the
directory feed."""

import pytest

from tenants.directory import DirectoryChange
from tenants.exceptions import FieldNotWritable, TaxCodeTaken
from tenants.models import COMPANY_PROFILE_WRITABLE, Company
from tenants.services import (
    company_create,
    company_set_directory_visibility,
    company_set_status,
    company_update,
)
from tests.factories import make_company, make_manager, make_representative, make_tax_code


def test_the_profile_is_the_identity_then_the_public_profile():
    assert COMPANY_PROFILE_WRITABLE == (
        "legal_name",
        "short_name",
        "tax_code",
        "sector",
        "website",
        "email",
        "phone",
        "address",
        "founded_on",
        "headcount",
        "description",
    )


def test_a_company_is_created_from_its_profile_with_the_tax_code_normalised(db):
    manager = make_manager()
    company = company_create(
        data={"legal_name": "Công ty TNHH Sông Hàn", "tax_code": "0312345673001"}, actor=manager
    )
    company = Company.objects.get(pk=company.pk)
    assert (company.legal_name, company.tax_code, company.status, company.version) == (
        "Công ty TNHH Sông Hàn",
        "0312345673-001",
        "prospect",
        1,
    )
    assert company.history.get().history_user == manager


@pytest.mark.parametrize("field", ["status", "incubated", "directory_visible", "logo"])
def test_create_refuses_a_field_outside_the_profile_and_writes_nothing(db, field):
    with pytest.raises(TypeError):
        company_create(data={"legal_name": "X", field: "active"}, actor=None)
    assert Company.objects.count() == 0


def test_update_refuses_a_field_outside_the_profile_and_changes_nothing(db):
    company = make_company(short_name="A")
    with pytest.raises(TypeError):
        company_update(company=company, data={"short_name": "B", "status": "active"}, actor=None)
    company = Company.objects.get(pk=company.pk)
    assert (company.short_name, company.status, company.version) == ("A", "prospect", 1)


def test_an_update_saves_only_what_differs_with_one_version_and_one_history_row(db):
    company = make_company(short_name="A", headcount=10)
    manager = make_manager()
    company = company_update(
        company=company, data={"short_name": "B", "headcount": 10}, actor=manager
    )
    company = Company.objects.get(pk=company.pk)
    assert (company.short_name, company.version, company.history.count()) == ("B", 2, 2)
    assert company.history.latest().history_user == manager


def test_an_update_that_changes_nothing_writes_nothing(db):
    company = make_company(short_name="A")
    company_update(company=company, data={"short_name": "A"}, actor=None)
    company = Company.objects.get(pk=company.pk)
    assert (company.version, company.history.count()) == (1, 1)


def test_the_older_keyword_spelling_sets_the_same_fields(db):
    company = make_company(short_name="A")
    company = company_update(company=company, data={"short_name": "B"}, actor=None)
    assert Company.objects.get(pk=company.pk).short_name == "B"


def test_an_update_of_a_visible_company_appends_its_directory_change(db):
    company = make_company()
    company = company_set_status(company=company, to="active", actor=None)
    company = company_set_directory_visibility(company=company, visible=True, actor=None)
    before = DirectoryChange.objects.filter(company_id=company.pk).count()
    company = company_update(company=company, data={"short_name": "Mới"}, actor=None)
    changes = DirectoryChange.objects.filter(company_id=company.pk).order_by("seq")
    assert (changes.count(), changes.last().version) == (before + 1, company.version)


def test_a_representative_may_not_change_a_set_tax_code(db):
    company = make_company()
    representative = make_representative(company)
    with pytest.raises(FieldNotWritable):
        company_update(company=company, data={"tax_code": make_tax_code()}, actor=representative)
    assert Company.objects.get(pk=company.pk).version == 1


def test_a_representative_may_set_a_missing_tax_code(db):
    company = make_company(tax_code=None)
    representative = make_representative(company)
    tax_code = make_tax_code()
    company_update(company=company, data={"tax_code": tax_code}, actor=representative)
    assert Company.objects.get(pk=company.pk).tax_code == tax_code


def test_a_tax_code_another_company_holds_is_refused_on_update(db):
    taken = make_company().tax_code
    company = make_company()
    with pytest.raises(TaxCodeTaken):
        company_update(company=company, data={"tax_code": taken}, actor=make_manager())
    assert Company.objects.get(pk=company.pk).version == 1
