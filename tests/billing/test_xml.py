"""The unsigned Circular 78 `HDon` of an issued invoice: it parses, holds the invoice's figures
and validates against the project's own XSD (billing/schemas/hdon.xsd)."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from billing.documents.xml import invoice_xml
from billing.models import InvoiceKind, LineKind
from billing.services.lines import invoice_totals_set, line_build
from core.errors import InvalidTransition
from tests.billing.factories import make_billing_settings, make_invoice
from tests.factories import make_company, make_park

XSD = Path(__file__).resolve().parents[2] / "billing" / "schemas" / "hdon.xsd"


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(XSD)))


def add_usage_line(invoice, *, quantity: str, unit_price_vnd: int, vat_rate: str):
    """A metered line on a fixture invoice, totals kept equal to the sums of its lines."""
    line = line_build(
        invoice=invoice,
        position=invoice.lines.count() + 1,
        kind=LineKind.USAGE,
        description="Điện năng tháng 01/2027",
        quantity=Decimal(quantity),
        unit_of_measure="kWh",
        unit_price_vnd=unit_price_vnd,
        vat_rate=vat_rate,
    )
    line.save()
    invoice_totals_set(invoice, invoice.lines.all())
    invoice.save()
    return line


@pytest.fixture
def issued(db):
    park = make_park()
    make_billing_settings(park, legal_name="Công ty TNHH Công viên Phần mềm Mekong")
    company = make_company(legal_name="Công ty Cổ phần Giải pháp Số Đồng Tháp")
    invoice = make_invoice(
        park=park,
        company=company,
        lines=[(15_000_000, "10"), (2_345_678, "8"), (1_000_000, "10"), (500_000, "KCT")],
        status="issued",
        issue_date=date(2027, 1, 31),
        buyer_address="12 Nguyễn Huệ, Phường 1, Mỹ Tho",
    )
    add_usage_line(invoice, quantity="120.500", unit_price_vnd=3_500, vat_rate="10")
    return invoice


def parse(invoice):
    return etree.fromstring(invoice_xml(invoice))


def texts(root, path: str) -> list[str]:
    return [element.text or "" for element in root.findall(path)]


def test_the_xml_of_an_issued_invoice_validates_against_the_projects_xsd(issued, schema):
    document = parse(issued)
    schema.assertValid(document)


def test_the_xml_is_utf8_with_a_declaration(issued):
    raw = invoice_xml(issued)
    assert raw.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "Công ty Cổ phần Giải pháp Số Đồng Tháp".encode() in raw


def test_the_general_information_names_the_series_number_and_issue_date(issued):
    general = parse(issued).find("DLHDon/TTChung")
    assert [(child.tag, child.text or "") for child in general] == [
        ("PBan", "2.0.1"),
        ("THDon", "Hóa đơn giá trị gia tăng"),
        ("KHMSHDon", "1"),
        ("KHHDon", "C27TSP"),
        ("SHDon", str(issued.number)),
        ("NLap", "2027-01-31"),
        ("DVTTe", "VND"),
        ("TGia", "1"),
        ("HTTToan", "TM/CK"),
        ("MSTTCGP", ""),
    ]


def test_the_provider_tax_code_comes_from_the_settings(issued, settings):
    settings.EINVOICE_PROVIDER_TAX_CODE = "0101243150"
    assert texts(parse(issued), "DLHDon/TTChung/MSTTCGP") == ["0101243150"]


def test_seller_and_buyer_come_from_the_settings_and_the_buyer_snapshot(issued):
    root = parse(issued)
    seller = issued.park.billing_settings
    assert texts(root, "DLHDon/NDHDon/NBan/*") == [
        "Công ty TNHH Công viên Phần mềm Mekong",
        seller.tax_code,
        seller.address,
    ]
    assert texts(root, "DLHDon/NDHDon/NMua/*") == [
        "Công ty Cổ phần Giải pháp Số Đồng Tháp",
        issued.buyer_tax_code,
        "12 Nguyễn Huệ, Phường 1, Mỹ Tho",
    ]


def test_each_line_is_one_item_with_its_figures(issued):
    items = parse(issued).findall("DLHDon/NDHDon/DSHHDVu/HHDVu")
    assert [[child.text for child in item] for item in items] == [
        ["1", "1", "Dòng 1", "tháng", "1", "15000000", "15000000", "10%"],
        ["1", "2", "Dòng 2", "tháng", "1", "2345678", "2345678", "8%"],
        ["1", "3", "Dòng 3", "tháng", "1", "1000000", "1000000", "10%"],
        ["1", "4", "Dòng 4", "tháng", "1", "500000", "500000", "KCT"],
        # 120.5 kWh * 3,500 = 421,750
        ["1", "5", "Điện năng tháng 01/2027", "kWh", "120.5", "3500", "421750", "10%"],
    ]
    assert [child.tag for child in items[0]] == [
        "TChat", "STT", "THHDVu", "DVTinh", "SLuong", "DGia", "ThTien", "TSuat"
    ]  # fmt: skip


def test_the_totals_per_rate_and_of_the_invoice_are_computed_by_hand(issued):
    # 10 %: 15,000,000 + 1,000,000 + 421,750 = 16,421,750, VAT 1,500,000 + 100,000 + 42,175
    # 8 %: 2,345,678 * 8 % = 187,654.24 -> 187,654; KCT: 500,000 without VAT.
    totals = parse(issued).find("DLHDon/NDHDon/TToan")
    rates = totals.findall("THTTLTSuat/LTSuat")
    assert [[child.text for child in rate] for rate in rates] == [
        ["10%", "16421750", "1642175"],
        ["8%", "2345678", "187654"],
        ["KCT", "500000", "0"],
    ]
    assert [(child.tag, child.text) for child in totals if child.tag != "THTTLTSuat"] == [
        ("TgTCThue", "19267428"),
        ("TgTThue", "1829829"),
        ("TgTTTBSo", "21097257"),
        (
            "TgTTTBChu",
            "Hai mươi mốt triệu không trăm chín mươi bảy nghìn hai trăm năm mươi bảy đồng",
        ),
    ]
    assert (issued.subtotal_vnd, issued.vat_vnd, issued.total_vnd) == (
        19_267_428,
        1_829_829,
        21_097_257,
    )


def test_the_sum_of_the_items_equals_the_invoice_totals(issued):
    root = parse(issued)
    amounts = [int(text) for text in texts(root, "DLHDon/NDHDon/DSHHDVu/HHDVu/ThTien")]
    per_rate = [int(text) for text in texts(root, "DLHDon/NDHDon/TToan/THTTLTSuat/LTSuat/ThTien")]
    taxes = [int(text) for text in texts(root, "DLHDon/NDHDon/TToan/THTTLTSuat/LTSuat/TThue")]
    assert sum(amounts) == sum(per_rate) == issued.subtotal_vnd
    assert sum(taxes) == issued.vat_vnd


def test_a_wrong_tax_rate_fails_validation(issued, schema):
    document = parse(issued)
    document.find("DLHDon/NDHDon/DSHHDVu/HHDVu/TSuat").text = "7%"
    assert not schema.validate(document)
    assert "TSuat" in str(schema.error_log.last_error)


def test_a_missing_total_in_words_fails_validation(issued, schema):
    document = parse(issued)
    totals = document.find("DLHDon/NDHDon/TToan")
    totals.remove(totals.find("TgTTTBChu"))
    assert not schema.validate(document)


def test_two_totals_for_one_rate_fail_validation(issued, schema):
    document = parse(issued)
    rates = document.find("DLHDon/NDHDon/TToan/THTTLTSuat")
    rates.findall("LTSuat")[1].find("TSuat").text = "10%"
    assert not schema.validate(document)


def test_a_buyer_without_a_tax_code_has_an_empty_mst_and_validates(db, schema):
    park = make_park()
    make_billing_settings(park)
    company = make_company(tax_code=None)
    invoice = make_invoice(park=park, company=company, status="issued")
    document = parse(invoice)
    assert texts(document, "DLHDon/NDHDon/NMua/MST") == [""]
    schema.assertValid(document)


def test_an_adjustment_with_a_credit_line_validates_with_negative_figures(db, schema):
    park = make_park()
    make_billing_settings(park)
    original = make_invoice(park=park, status="issued")
    adjustment = make_invoice(
        park=park,
        company=original.company,
        lines=[(-333_333, "10")],
        status="issued",
        kind=InvoiceKind.ADJUSTMENT,
        replaces=original,
    )
    document = parse(adjustment)
    schema.assertValid(document)
    # -333,333 * 10 % = -33,333.3 -> -33,333 (half up, away from zero)
    assert texts(document, "DLHDon/NDHDon/TToan/*")[1:] == [
        "-333333",
        "-33333",
        "-366666",
        "Âm ba trăm sáu mươi sáu nghìn sáu trăm sáu mươi sáu đồng",
    ]


def test_a_draft_has_no_xml(db):
    park = make_park()
    make_billing_settings(park)
    draft = make_invoice(park=park)
    with pytest.raises(InvalidTransition) as refused:
        invoice_xml(draft)
    assert refused.value.extra == {"allowed": ["issued"]}


def test_control_characters_pasted_into_free_text_are_left_out_of_the_xml(db, schema):
    park = make_park()
    make_billing_settings(park, address="Số 1 Hùng Vương\x0b, Mỹ Tho")
    invoice = make_invoice(park=park, status="issued", buyer_address="12 Nguyễn Huệ\x01\x1f")
    document = parse(invoice)
    assert texts(document, "DLHDon/NDHDon/NBan/DChi") == ["Số 1 Hùng Vương, Mỹ Tho"]
    assert texts(document, "DLHDon/NDHDon/NMua/DChi") == ["12 Nguyễn Huệ"]
    schema.assertValid(document)
