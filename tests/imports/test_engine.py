"""The engine every resource shares: headers in either language, dry run, all or nothing,
row numbers, duplicate keys, empty cells, and re-imports that write nothing."""

from datetime import date
from decimal import Decimal

import pytest

from imports.reading import MissingColumn
from imports.services import import_file
from park.models import Building, Floor, Lease, Unit
from tenants.models import Company, Contact
from tests.factories import make_company, make_manager, make_park, make_tax_code

pytestmark = pytest.mark.django_db


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def run(resource, data, **kwargs):
    kwargs.setdefault("run_now", True)
    return import_file(resource=resource, data=data, file_name=f"{resource}.csv", **kwargs)[1]


def errors(report):
    return [(e["row"], e["column"], e["code"]) for e in report.as_dict()["errors"]]


def test_units_in_vietnamese_are_a_dry_run_by_default_and_commit_creates_buildings_and_floors():
    park = make_park(slug="mekong")
    manager = make_manager()
    data = csv(
        "Khu,Tòa nhà,Tầng,Mã phòng,Loại,Diện tích (m²),Sức chứa,Giá thuê/tháng,Đang hoạt động",
        'mekong,A,1,A-101,Văn phòng,"48,5",6,"12.000.000 đ",có',
        "mekong,A,2,A-201,coworking,120,20,1.500.000,x",
        'mekong,B,1,B-101,office,30,4,"9,000,000 VND",không',
    )

    dry = run("units", data, actor=manager)
    assert (dry.new, dry.errors, dry.committed) == (3, [], False)
    assert not Unit.objects.exists()
    assert not Building.objects.exists()

    report = run("units", data, actor=manager, commit=True)
    assert (report.rows, report.new, report.committed) == (3, 3, True)
    a101 = Unit.objects.get(code="A-101")
    assert (a101.kind, a101.area_m2, a101.capacity, a101.monthly_rate_vnd, a101.is_active) == (
        "office",
        Decimal("48.50"),
        6,
        12_000_000,
        True,
    )
    assert Unit.objects.get(code="B-101").is_active is False
    assert sorted(Building.objects.filter(park=park).values_list("code", "name")) == [
        ("A", "A"),
        ("B", "B"),
    ]
    assert Floor.objects.filter(building__park=park).count() == 3
    assert a101.history.get().history_user == manager

    again = run("units", data, actor=manager, commit=True)
    assert (again.unchanged, again.new, again.updated) == (3, 0, 0)
    assert Unit.history.count() == 3
    assert Unit.objects.get(code="A-101").version == 1


def test_one_bad_row_writes_nothing_and_the_report_names_row_and_column_as_written():
    make_park(slug="mekong")
    data = csv(
        "park,building,floor,code,kind,area_m2,capacity,monthly_rate_vnd",
        "mekong,A,1,A-101,office,40,4,1000000",
        "mekong,A,1,A-102,office,40,4,1000000",
        "mekong,A,one,A-103,office,40,4,1000000",
        "mekong,A,1,A-101,office,40,4,1000000",
        "nowhere,A,1,A-104,office,40,4,1000000",
    )
    report = run("units", data, commit=True)
    assert errors(report) == [
        (4, "floor", "invalid"),
        (5, "code", "duplicate_row"),
        (6, "park", "not_found"),
    ]
    assert "Row 2" in report.errors[1].message
    assert report.committed is False
    assert not Unit.objects.exists()
    assert not Building.objects.exists()


def test_a_template_header_in_both_languages_is_read():
    make_park(slug="mekong")
    data = csv(
        "Khu / park,Tòa nhà / building,Tầng / floor,Mã phòng / code,Loại / kind",
        "mekong,A,1,A-101,lab",
    )
    assert run("units", data, commit=True).new == 1
    assert Unit.objects.get().kind == "lab"


def test_a_missing_required_column_refuses_the_file():
    with pytest.raises(MissingColumn) as refused:
        run("units", csv("park,building,code", "mekong,A,A-1"))
    assert refused.value.field == "file"
    assert "floor" in refused.value.detail


def test_an_empty_cell_keeps_the_value_on_update_and_takes_the_default_on_create():
    company = make_company(legal_name="Công ty Cũ", phone="0273 111", tax_code=make_tax_code())
    data = csv(
        "tax_code,legal_name,phone,headcount",
        f"{company.tax_code},Công ty Mới,,",
        f"{make_tax_code()},Công ty Thứ Hai,,",
    )
    report = run("companies", data, commit=True)
    assert (report.updated, report.new) == (1, 1)
    company.refresh_from_db()
    assert (company.legal_name, company.phone) == ("Công ty Mới", "0273 111")
    second = Company.objects.get(legal_name="Công ty Thứ Hai")
    assert (second.phone, second.headcount, second.sector) == ("", None, "software")


def test_a_bad_tax_code_is_invalid_tax_code_on_its_cell():
    report = run("companies", csv("Mã số thuế,Tên doanh nghiệp", "0312345670,Công ty A"))
    assert errors(report) == [(2, "Mã số thuế", "invalid_tax_code")]


def test_companies_without_tax_code_are_keyed_by_legal_name():
    make_company(legal_name="Hợp tác xã Mỹ Tho", tax_code=None, short_name="")
    report = run("companies", csv("legal_name,short_name", "hợp tác xã mỹ tho,HTX"), commit=True)
    assert (report.updated, report.new) == (1, 0)
    assert Company.objects.get().short_name == "HTX"


def test_contacts_are_keyed_by_company_and_email_ignoring_case():
    company = make_company(tax_code=make_tax_code())
    data = csv(
        "company,name,email,is_primary,is_billing",
        f"{company.tax_code},Lan,Lan@Example.vn,1,0",
        f"{company.tax_code},Minh,minh@example.vn,0,1",
    )
    assert run("contacts", data, commit=True).new == 2
    again = csv("company,name,email,is_billing", f"{company.tax_code},Lan,lan@example.vn,true")
    report = run("contacts", again, commit=True)
    assert report.updated == 1
    lan = Contact.objects.get(name="Lan")
    assert (lan.email, lan.is_billing, lan.is_primary) == ("Lan@Example.vn", True, True)
    unknown = run("contacts", csv("company,name,email", f"{make_tax_code()},X,x@example.vn"))
    assert errors(unknown) == [(2, "company", "not_found")]


def test_leases_overlapping_the_database_or_an_earlier_row_name_it():
    from tests.factories import make_lease, make_unit

    park = make_park(slug="mekong")
    unit = make_unit(park=park, code="A-101")
    other = make_unit(park=park, code="A-102")
    company = make_company(tax_code=make_tax_code())
    make_lease(
        unit=unit,
        company=company,
        start_date=date(2027, 1, 1),
        end_date=None,
        contract_number="HD-1",
    )
    data = csv(
        "Khu,Mã phòng,Mã số thuế,Ngày bắt đầu,Ngày kết thúc,Giá thuê/tháng",
        f"mekong,A-101,{company.tax_code},01/06/2027,31/12/2027,1.000.000",
        f"mekong,A-102,{company.tax_code},01/01/2027,30/06/2027,1.000.000",
        f"mekong,A-102,{company.tax_code},01/06/2027,31/12/2027,1.000.000",
        f"mekong,A-103,{company.tax_code},01/06/2027,,1.000.000",
    )
    report = run("leases", data, commit=True)
    assert errors(report) == [
        (2, "Mã phòng", "unit_unavailable"),
        (4, "Mã phòng", "unit_unavailable"),
        (5, "Mã phòng", "not_found"),
    ]
    assert "HD-1" in report.errors[0].message
    assert "row 3" in report.errors[1].message
    assert Lease.objects.filter(unit=other).count() == 0


def test_a_lease_reimport_may_change_terms_but_not_dates():
    from tests.factories import make_unit

    park = make_park(slug="mekong")
    make_unit(park=park, code="A-101", capacity=4)
    company = make_company(tax_code=make_tax_code())
    data = csv(
        "park,unit,company,start_date,end_date,monthly_rent_vnd,contract_number",
        f"mekong,A-101,{company.tax_code},2027-01-01,2027-12-31,5000000,HD-9",
    )
    assert run("leases", data, commit=True).new == 1
    lease = Lease.objects.get()
    assert (lease.desks, lease.monthly_rent_vnd) == (4, 5_000_000)

    rent = data.replace(b"5000000", b"5500000")
    assert run("leases", rent, commit=True).updated == 1
    lease.refresh_from_db()
    assert (lease.monthly_rent_vnd, lease.version) == (5_500_000, 2)

    moved = rent.replace(b"2027-12-31", b"2028-06-30")
    report = run("leases", moved, commit=True)
    assert errors(report) == [(2, "end_date", "invalid_transition")]
    lease.refresh_from_db()
    assert lease.end_date == date(2027, 12, 31)


def test_usage_needs_a_park():
    from imports.services import ParkRequired

    with pytest.raises(ParkRequired):
        run("usage", csv("company,charge,month,quantity", "x,y,2027-01,1"))
