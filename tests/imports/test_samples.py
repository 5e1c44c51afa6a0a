"""The sample files of docs/samples/ import into the demo park without an error, in the order
the README gives, and importing them again changes nothing.

The demo is seeded as `manage.py seed_demo` seeds it (accounts, tenants, the park, its
billing), on the day the samples were written: its invoices (series C26TSP, numbered as the
demo numbers them) are then the ones payments.csv pays.
"""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from accounts.demo import seed_accounts
from billing.demo import seed_billing
from billing.models import Invoice, Payment, Usage
from imports.services import import_file
from park.demo import DEMO_PARK, seed_park
from park.models import Building, Lease, Park, Unit
from tenants.demo import seed_tenants
from tenants.models import Company
from tests.factories import make_manager

pytestmark = pytest.mark.django_db

SAMPLES = Path(settings.BASE_DIR) / "docs" / "samples"
DEMO_DAY = date(2026, 12, 5)  # the demo's invoices are those of this day's seed
ORDER = [  # resource, file, rows
    ("units", "units.csv", 10),
    ("companies", "companies.csv", 6),
    ("leases", "leases.csv", 8),
    ("usage", "usage.csv", 6),
    ("payments", "payments.csv", 6),
]


@pytest.fixture
def demo() -> Park:
    admin = seed_accounts()
    seed_tenants(admin)
    seed_park(admin, today=DEMO_DAY)
    seed_billing(admin, today=DEMO_DAY)
    return Park.objects.get(slug=DEMO_PARK["slug"])


def _import(resource: str, name: str, *, park: Park, manager):
    _record, report = import_file(
        resource=resource,
        data=(SAMPLES / name).read_bytes(),
        file_name=name,
        commit=True,
        park=park if resource in ("usage", "payments") else None,
        actor=manager,
        run_now=True,
    )
    return report.as_dict()


def test_the_samples_import_into_the_demo_park_and_a_second_import_changes_nothing(demo):
    manager = make_manager()
    invoice = {
        number: Invoice.objects.get(park=demo, series__symbol="C26TSP", number=number)
        for number in (12, 48, 53, 66)
    }
    assert {number: i.company.short_name for number, i in invoice.items()} == {
        12: "Tân Thuận Chip",
        48: "TN Maps",
        53: "HP LogiSoft",
        66: "DT Digital",
    }  # the invoices payments.csv names

    for resource, name, rows in ORDER:
        body = _import(resource, name, park=demo, manager=manager)
        assert (body["errors"], body["committed"], body["rows"]) == ([], True, rows), name
        if resource == "payments":
            assert (body["new"], body["unmatched"]) == (5, [7]), body  # row 7 names nothing
        else:
            assert body["new"] == rows, body

    assert Building.objects.get(park=demo, code="C").name == "C"
    assert Unit.objects.filter(park=demo, code__startswith="C-").count() == 10
    assert Unit.objects.get(park=demo, code="C-2-01").kind == "coworking"
    assert (
        Company.objects.get(tax_code="1201234560").legal_name == "Công ty TNHH Phần mềm Rạch Miễu"
    )
    assert Lease.objects.filter(unit__code__startswith="C-", unit__park=demo).count() == 8
    assert (
        Usage.objects.get(
            company__tax_code="1201234560", charge__code="electricity", month=date(2026, 11, 1)
        ).quantity
        == 1250.5
    )
    for number, paid in invoice.items():
        paid.refresh_from_db()
        assert paid.paid_vnd == paid.total_vnd, number  # each transfer pays its invoice
    deposit = Payment.objects.get(reference="FT26349110237")
    assert (deposit.company.tax_code, deposit.amount_vnd) == ("1201234560", 23_280_000)

    history = sum(model.history.count() for model in (Unit, Company, Lease, Usage, Payment))
    for resource, name, rows in ORDER:
        body = _import(resource, name, park=demo, manager=manager)
        assert (body["errors"], body["new"], body["updated"]) == ([], 0, 0), name
        assert body["unchanged"] == (5 if resource == "payments" else rows), name
    assert sum(model.history.count() for model in (Unit, Company, Lease, Usage, Payment)) == history
