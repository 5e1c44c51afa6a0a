"""contact_create and contact_update: the declared fields and the one primary contact."""

import pytest

from tenants.models import CONTACT_WRITABLE, Contact
from tenants.services import contact_create, contact_update
from tests.factories import make_company, make_contact


def test_the_writable_contact_fields():
    assert CONTACT_WRITABLE == ("name", "role", "email", "phone", "is_primary", "is_billing")


def test_a_contact_is_created_from_data(db):
    company = make_company()
    contact = contact_create(
        company=company, data={"name": "Lê Thị Hoa", "is_primary": True}, actor=None
    )
    assert list(Contact.objects.values_list("name", "is_primary", "company")) == [
        ("Lê Thị Hoa", True, company.pk)
    ]
    assert contact.version == 1


def test_create_refuses_a_field_outside_the_contact_and_writes_nothing(db):
    company = make_company()
    with pytest.raises(TypeError):
        contact_create(company=company, data={"name": "A", "company": company}, actor=None)
    assert Contact.objects.count() == 0


def test_becoming_primary_demotes_the_old_primary_contact(db):
    company = make_company()
    first = make_contact(company, name="A", is_primary=True)
    second = make_contact(company, name="B")
    second = contact_update(contact=second, data={"is_primary": True}, actor=None)
    first.refresh_from_db()
    assert (first.is_primary, first.version, second.is_primary, second.version) == (
        False,
        2,
        True,
        2,
    )


def test_an_update_that_changes_nothing_writes_nothing(db):
    contact = make_contact(make_company(), name="A", phone="0901")
    contact_update(contact=contact, data={"name": "A", "phone": "0901"}, actor=None)
    contact = Contact.objects.get(pk=contact.pk)
    assert (contact.version, contact.history.count()) == (1, 1)


def test_update_refuses_a_field_outside_the_contact(db):
    contact = make_contact(make_company(), name="A")
    with pytest.raises(TypeError):
        contact_update(contact=contact, data={"name": "B", "version": 9}, actor=None)
    assert Contact.objects.get(pk=contact.pk).name == "A"
