"""report_submit: the declared figures and the rules it keeps before the database does."""

from datetime import date

import pytest

from tenants.exceptions import InvalidReport
from tenants.models import REPORT_WRITABLE, TenantReport
from tenants.services import report_submit
from tests.factories import make_company, make_manager

FIGURES = {
    "year": 2024,
    "period": "H1",
    "revenue_vnd": 5_000_000_000,
    "headcount": 20,
    "it_headcount": 15,
}


def test_the_writable_report_fields():
    assert REPORT_WRITABLE == (
        "year",
        "period",
        "revenue_vnd",
        "export_revenue_usd",
        "headcount",
        "it_headcount",
        "rnd_spend_vnd",
    )


def test_a_report_is_filed_from_data_with_the_defaults_of_the_model(db):
    company, manager = make_company(), make_manager()
    report = report_submit(company=company, data=FIGURES, actor=manager, today=date(2025, 1, 15))
    report = TenantReport.objects.get(pk=report.pk)
    assert (report.period, report.export_revenue_usd, report.rnd_spend_vnd) == ("H1", 0, 0)
    assert report.submitted_by == manager


def test_a_figure_outside_the_report_is_refused_and_nothing_is_filed(db):
    with pytest.raises(TypeError):
        report_submit(company=make_company(), data={**FIGURES, "submitted_by": None}, actor=None)
    assert TenantReport.objects.count() == 0


def test_an_it_headcount_over_the_headcount_is_refused_on_it_headcount(db):
    with pytest.raises(InvalidReport) as refused:
        report_submit(company=make_company(), data={**FIGURES, "it_headcount": 21}, actor=None)
    assert (refused.value.field, refused.value.code) == (
        "it_headcount",
        "it_headcount_exceeds_headcount",
    )
    assert TenantReport.objects.count() == 0
