"""`BaseModel.from_db`'s short path builds the instances Django's own `from_db` builds."""

from datetime import date

import pytest
from django.db import models
from django.db.models.signals import post_init

from park.models import Lease, Unit
from tenants.models import Company
from tests.factories import make_company, make_lease, make_unit

pytestmark = pytest.mark.django_db


def _company_with_logo():
    company = make_company()
    Company.objects.filter(pk=company.pk).update(logo="logos/a.png")
    return Company.objects.get(pk=company.pk)


def _state(instance) -> dict:
    values = {key: value for key, value in instance.__dict__.items() if key != "_state"}
    return {**values, "adding": instance._state.adding, "db": instance._state.db}


def _djangos(instance):
    """The same row as Django's from_db (through __init__) builds it."""
    model = type(instance)
    names = [field.attname for field in model._meta.concrete_fields]
    values = [getattr(instance, name) for name in names]
    return models.Model.from_db.__func__(model, "default", names, values)


@pytest.mark.parametrize("model", [Company, Unit, Lease])
def test_a_whole_row_is_the_instance_django_builds(model, monkeypatch):
    make_lease(
        unit=make_unit(), company=_company_with_logo(), start_date=date(2031, 1, 1), end_date=None
    )
    built_by_init = []
    init = model.__init__

    def counting_init(self, *args, **kwargs):
        built_by_init.append(self)
        init(self, *args, **kwargs)

    monkeypatch.setattr(model, "__init__", counting_init)
    [read] = model.objects.all()[:1]
    monkeypatch.undo()
    assert built_by_init == []  # the short path
    assert type(read) is model
    assert _state(read) == _state(_djangos(read))
    assert read._state.adding is False
    assert read._state.db == "default"


def test_a_company_reads_its_logo_and_relations_as_before():
    company = _company_with_logo()
    lease = make_lease(
        unit=make_unit(), company=company, start_date=date(2031, 1, 1), end_date=None
    )
    read = Lease.objects.get(pk=lease.pk)
    assert read.company == company  # the foreign key's id, then its object
    assert read.company.logo.name == "logos/a.png"
    read.note = "changed"
    read.save(update_fields=["note"])
    assert Lease.objects.get(pk=lease.pk).note == "changed"


def test_deferred_columns_and_init_listeners_take_djangos_path():
    make_company(legal_name="Công ty Sông Tiền")
    partial = Company.objects.only("legal_name").get()
    assert partial.get_deferred_fields()  # not the short path: those columns stay deferred
    assert partial.legal_name == "Công ty Sông Tiền"

    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(listener, sender=Company)
    try:
        read = Company.objects.get()
    finally:
        post_init.disconnect(listener, sender=Company)
    assert seen == [read]
