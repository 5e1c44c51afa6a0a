"""The invoice PDF opens (poppler's pdftoppm renders it) with its Vietnamese text intact
(pdftotext reads it back)."""

import io
import subprocess
import unicodedata
from datetime import date

import pytest
from PIL import Image

from billing.documents.pdf import invoice_pdf
from billing.models import Invoice, InvoiceKind, InvoiceStatus
from tests.billing.factories import make_billing_settings, make_invoice
from tests.factories import make_company, make_park


def render(pdf: bytes, tmp_path) -> list[bytes]:
    """pdftoppm's PNG of each page."""
    source = tmp_path / "invoice.pdf"
    source.write_bytes(pdf)
    subprocess.run(  # noqa: S603 - a fixed command on our own file
        ["pdftoppm", "-r", "40", "-png", str(source), str(tmp_path / "page")],  # noqa: S607
        check=True,
        capture_output=True,
    )
    return [page.read_bytes() for page in sorted(tmp_path.glob("page-*.png"))]


def reddish_pixels(png: bytes) -> int:
    """The pixels of the red NHÁP / DRAFT watermark (the rest of the page is black on white)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for red, green, _ in image.get_flattened_data() if red - green > 20)


def text_of(pdf: bytes, tmp_path) -> str:
    """pdftotext's reading of the PDF, NFC and with runs of whitespace as one space."""
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    done = subprocess.run(  # noqa: S603 - a fixed command on our own file
        ["pdftotext", "-enc", "UTF-8", str(source), "-"],  # noqa: S607
        check=True,
        capture_output=True,
    )
    return " ".join(unicodedata.normalize("NFC", done.stdout.decode()).split())


@pytest.fixture
def park(db):
    park = make_park()
    make_billing_settings(
        park,
        legal_name="Công ty TNHH Công viên Phần mềm Mekong",
        tax_code="0312345675",
        bank_name="Vietcombank - Chi nhánh Tiền Giang",
        bank_account="0071000123456",
    )
    return park


@pytest.fixture
def issued(park):
    company = make_company(legal_name="Công ty Cổ phần Giải pháp Số Đồng Tháp")
    return make_invoice(
        park=park,
        company=company,
        lines=[(15_000_000, "10"), (2_345_678, "8"), (500_000, "KCT")],
        status="issued",
        issue_date=date(2027, 1, 31),
        due_date=date(2027, 2, 15),
        buyer_address="12 Nguyễn Huệ, Phường 1, Mỹ Tho",
    )


def test_an_issued_invoice_renders_as_one_a4_page(issued, tmp_path):
    pdf = invoice_pdf(issued)
    assert pdf.startswith(b"%PDF-")
    pages = render(pdf, tmp_path)
    assert len(pages) == 1
    assert pages[0].startswith(b"\x89PNG")


def test_the_vietnamese_text_of_an_issued_invoice_is_intact(issued, tmp_path):
    text = text_of(invoice_pdf(issued), tmp_path)
    # 17,845,678 + VAT 1,500,000 + 187,654 (2,345,678 * 8 % = 187,654.24) = 19,533,332
    for expected in (
        "Hóa đơn giá trị gia tăng",
        "VAT invoice",
        "Công ty TNHH Công viên Phần mềm Mekong",
        "Mã số thuế: 0312345675 Tax code",
        "Công ty Cổ phần Giải pháp Số Đồng Tháp",
        "12 Nguyễn Huệ, Phường 1, Mỹ Tho",
        "Ký hiệu / Symbol: C27TSP",
        f"Số / No.: {issued.number:08d}",
        "Ngày lập / Issue date: 31/01/2027",
        "Tên hàng hóa, dịch vụ",
        "Mười chín triệu năm trăm ba mươi ba nghìn ba trăm ba mươi hai đồng",
        "19.533.332 VND",
        "187.654",
        "15/02/2027",
        "0071000123456",
        issued.number_display,
    ):
        assert expected in text, expected
    assert "NHÁP" not in text


def test_a_draft_is_marked_draft_and_shows_the_company_today(park, tmp_path):
    company = make_company(legal_name="Công ty TNHH Đổi mới Sáng tạo Cửu Long")
    draft = make_invoice(park=park, company=company, lines=[(1_000_000, "10")])
    pdf = invoice_pdf(draft)
    assert len(render(pdf, tmp_path)) == 1
    text = text_of(pdf, tmp_path)
    assert "NHÁP / DRAFT" in text
    assert "Công ty TNHH Đổi mới Sáng tạo Cửu Long" in text
    assert "Ký hiệu" not in text  # no number until issued
    assert "Một triệu một trăm nghìn đồng" in text


def test_a_long_draft_continues_on_further_pages_each_marked_draft(park, tmp_path):
    draft = make_invoice(park=park, lines=[(100_000, "10")] * 70)
    pdf = invoice_pdf(draft)
    pages = render(pdf, tmp_path)
    assert len(pages) >= 2
    assert [reddish_pixels(page) > 1_000 for page in pages] == [True] * len(pages)
    assert "Bảy triệu bảy trăm nghìn đồng" in text_of(pdf, tmp_path)  # 70 * 110,000


def test_an_issued_invoice_has_no_watermark(issued, tmp_path):
    [page] = render(invoice_pdf(issued), tmp_path)
    assert reddish_pixels(page) == 0


def test_a_replacement_names_the_invoice_it_replaces(park, issued, tmp_path):
    Invoice.objects.filter(pk=issued.pk).update(status=InvoiceStatus.VOID)  # a fixture
    replacement = make_invoice(
        park=park,
        company=issued.company,
        status="issued",
        kind=InvoiceKind.REPLACEMENT,
        replaces=issued,
    )
    text = text_of(invoice_pdf(replacement), tmp_path)
    assert f"Thay thế hóa đơn / Replaces invoice {issued.number_display} (31/01/2027)" in text


def test_a_draft_of_a_park_without_billing_settings_names_the_park_as_seller(db, tmp_path):
    park = make_park(name="Khu công viên phần mềm Quang Trung")
    draft = make_invoice(park=park, lines=[(1_000_000, "KCT")])
    text = text_of(invoice_pdf(draft), tmp_path)
    assert text.startswith("Khu công viên phần mềm Quang Trung Mã số thuế: Tax code")
    assert "Một triệu đồng" in text
