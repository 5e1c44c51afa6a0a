"""An invoice as an A4 PDF: the park's copy of an issued invoice, or a draft to check.

fpdf2 draws it with DejaVu Sans (Debian's fonts-dejavu-core, as the floor maps use), which
has the Vietnamese glyphs. Labels are Vietnamese with English below, whatever the reader's
language, as bilingual invoices in Vietnam print them: they are the document's fixed form,
so they are not run through gettext. The PDF does not claim to be "Hóa đơn chuyển đổi từ
hóa đơn điện tử": the signed e-invoice is the provider's; this is the park's copy.
"""

import unicodedata
from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from fpdf.fonts import FontFace

from billing.documents.words import amount_in_words
from billing.documents.xml import TAX_RATE_LABELS, quantity_text, totals_by_rate
from billing.models import BillingSettings, Invoice, InvoiceKind, InvoiceStatus
from park.maps import FONT_FILES

FONT = "DejaVu"
DRAFT_MARK = "NHÁP / DRAFT"
WIDTH = 180  # mm between the 15 mm margins of A4
GREY = (110, 110, 110)
HEADINGS = FontFace(emphasis="BOLD", fill_color=(235, 235, 235), size_pt=8)


class FontMissing(RuntimeError):
    """No TrueType font with Vietnamese glyphs: install Debian's fonts-dejavu-core."""


def _font_file(style: str) -> str:
    for path in FONT_FILES[style]:
        if Path(path).is_file():
            return path
    raise FontMissing(
        "No font with Vietnamese glyphs: install fonts-dejavu-core (apt-get install -y "
        "fonts-dejavu-core)."
    )


def vnd(amount: int) -> str:
    """1234567 -> "1.234.567", as Vietnamese invoices group digits."""
    return f"{amount:,}".replace(",", ".")


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _text(value) -> str:
    return unicodedata.normalize("NFC", str(value or ""))


class _InvoicePdf(FPDF):
    def __init__(self, *, is_draft: bool):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.is_draft = is_draft
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=18)
        self.add_font(FONT, "", _font_file("regular"))
        self.add_font(FONT, "B", _font_file("bold"))

    def header(self):
        if self.is_draft:  # drawn first, so the page's content lies over it
            with self.local_context(fill_opacity=0.18, text_color=(200, 0, 0)):
                self.set_font(FONT, "B", 64)
                with self.rotation(35, x=105, y=150):
                    self.text(x=105 - self.get_string_width(DRAFT_MARK) / 2, y=160, text=DRAFT_MARK)
        self.set_font(FONT, "", 9)

    def footer(self):
        self.set_y(-13)
        self.set_font(FONT, "", 7)
        self.set_text_color(*GREY)
        self.cell(
            0,
            4,
            f"Bản lưu của khu công viên / The park's copy - {self.page_no()}/{{nb}}",
            align="C",
        )
        self.set_text_color(0, 0, 0)

    def label(self, vietnamese: str, english: str, value: str, *, width: float = 48) -> None:
        """A field: the Vietnamese label over its English, then the value on the right."""
        self.set_font(FONT, "B", 9)
        value_height = self.multi_cell(
            WIDTH - width, 4.2, _text(value), dry_run=True, output=MethodReturnValue.HEIGHT
        )
        if self.will_page_break(max(value_height, 7.8) + 0.6):  # keep a field on one page
            self.add_page()
        x, y = self.get_x(), self.get_y()
        self.set_font(FONT, "", 9)
        self.cell(width, 4.2, f"{vietnamese}:")
        self.set_font(FONT, "B", 9)
        self.multi_cell(WIDTH - width, 4.2, _text(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        bottom = self.get_y()
        self.set_xy(x, y + 4.2)
        self.set_font(FONT, "", 7)
        self.set_text_color(*GREY)
        self.cell(width, 3.4, english)
        self.set_text_color(0, 0, 0)
        self.set_xy(x, max(bottom, y + 7.8) + 0.6)


def seller_of(invoice: Invoice) -> BillingSettings:
    """The park's billing settings; a draft of a park that has none yet (issuing needs them)
    shows the park's name and no tax code or bank."""
    try:
        return invoice.park.billing_settings
    except BillingSettings.DoesNotExist:
        park = invoice.park
        return BillingSettings(park=park, legal_name=park.name, tax_code="", address="")


def _seller(pdf: _InvoicePdf, invoice: Invoice) -> None:
    seller = seller_of(invoice)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(WIDTH, 5.5, _text(seller.legal_name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    pdf.label("Mã số thuế", "Tax code", seller.tax_code)
    pdf.label("Địa chỉ", "Address", seller.address)
    if seller.bank_account:
        pdf.label("Số tài khoản", "Bank account", f"{seller.bank_account} - {seller.bank_name}")


def _title(pdf: _InvoicePdf, invoice: Invoice) -> None:
    pdf.ln(3)
    pdf.set_font(FONT, "B", 17)
    pdf.cell(WIDTH, 8, "Hóa đơn giá trị gia tăng", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10)
    pdf.set_text_color(*GREY)
    pdf.cell(WIDTH, 5, "VAT invoice", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "", 9)
    if invoice.status == InvoiceStatus.DRAFT:
        pdf.set_font(FONT, "B", 12)
        pdf.set_text_color(200, 0, 0)
        pdf.cell(WIDTH, 6, DRAFT_MARK, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
    else:
        series = invoice.series
        numbered = (
            f"Mẫu số / Template: {series.template_code}    Ký hiệu / Symbol: {series.symbol}    "
            f"Số / No.: {invoice.number:08d}"
        )
        pdf.cell(WIDTH, 5, numbered, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.cell(
            WIDTH,
            5,
            f"Ngày lập / Issue date: {day(invoice.issue_date)}",
            align="C",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        if invoice.status == InvoiceStatus.VOID:
            pdf.set_font(FONT, "B", 11)
            pdf.set_text_color(200, 0, 0)
            pdf.cell(WIDTH, 6, "ĐÃ HỦY / VOID", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_text_color(0, 0, 0)
    if invoice.replaces_id is not None:
        original = invoice.replaces
        verb = (
            "Thay thế hóa đơn / Replaces invoice"
            if invoice.kind == InvoiceKind.REPLACEMENT
            else "Điều chỉnh hóa đơn / Adjusts invoice"
        )
        pdf.set_font(FONT, "", 9)
        pdf.cell(
            WIDTH,
            5,
            f"{verb} {original.number_display or ''} ({day(original.issue_date)})",
            align="C",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    pdf.ln(3)


def _buyer(pdf: _InvoicePdf, invoice: Invoice) -> None:
    if invoice.status == InvoiceStatus.DRAFT:  # no snapshot until issued: the company today
        company = invoice.company
        name, tax_code, address = company.legal_name, company.tax_code, company.address
    else:
        name = invoice.buyer_legal_name
        tax_code, address = invoice.buyer_tax_code, invoice.buyer_address
    pdf.label("Đơn vị mua hàng", "Buyer", name)
    pdf.label("Mã số thuế", "Tax code", tax_code or "")
    pdf.label("Địa chỉ", "Address", address or "")
    pdf.label("Kỳ", "Period", invoice.month.strftime("%m/%Y"))
    pdf.ln(2)


LINE_COLUMNS = (
    ("STT\nNo.", 10, "CENTER"),
    ("Tên hàng hóa, dịch vụ\nDescription", 60, "LEFT"),
    ("ĐVT\nUnit", 14, "CENTER"),
    ("Số lượng\nQuantity", 18, "RIGHT"),
    ("Đơn giá\nUnit price", 24, "RIGHT"),
    ("Thuế suất\nVAT rate", 20, "CENTER"),
    ("Thành tiền\nAmount", 34, "RIGHT"),
)


def _lines(pdf: _InvoicePdf, lines) -> None:
    pdf.set_font(FONT, "", 8.5)
    with pdf.table(
        col_widths=[width for _, width, _ in LINE_COLUMNS],
        text_align=[align for _, _, align in LINE_COLUMNS],
        line_height=4.4,
        width=WIDTH,
        headings_style=HEADINGS,
    ) as table:
        heading = table.row()
        for title, _, _ in LINE_COLUMNS:
            heading.cell(title, align="CENTER")
        for number, line in enumerate(lines, start=1):
            row = table.row()
            row.cell(str(number))
            row.cell(_text(line.description))
            row.cell(_text(line.unit_of_measure))
            row.cell(quantity_text(line.quantity).replace(".", ","))
            row.cell(vnd(line.unit_price_vnd))
            row.cell(TAX_RATE_LABELS[line.vat_rate])
            row.cell(vnd(line.amount_vnd))
    pdf.ln(3)


def _totals(pdf: _InvoicePdf, invoice: Invoice, lines) -> None:
    pdf.set_font(FONT, "", 8.5)
    with pdf.table(
        col_widths=(40, 50, 45, 45),
        text_align=("CENTER", "RIGHT", "RIGHT", "RIGHT"),
        line_height=4.4,
        width=WIDTH,
        headings_style=HEADINGS,
    ) as table:
        heading = table.row()
        for title in (
            "Thuế suất\nVAT rate",
            "Cộng tiền hàng\nAmount before VAT",
            "Tiền thuế GTGT\nVAT",
            "Cộng\nTotal",
        ):
            heading.cell(title, align="CENTER")
        for rate, amount, vat in totals_by_rate(lines):
            row = table.row()
            for value in (TAX_RATE_LABELS[rate], vnd(amount), vnd(vat), vnd(amount + vat)):
                row.cell(value)
        row = table.row()
        row.cell("Tổng cộng\nTotal")
        for value in (invoice.subtotal_vnd, invoice.vat_vnd, invoice.total_vnd):
            row.cell(vnd(value))
    pdf.ln(3)
    pdf.label("Tổng tiền thanh toán", "Total payable", f"{vnd(invoice.total_vnd)} VND")
    pdf.label("Số tiền viết bằng chữ", "Amount in words", amount_in_words(invoice.total_vnd))


def _payment(pdf: _InvoicePdf, invoice: Invoice) -> None:
    seller = seller_of(invoice)
    pdf.ln(2)
    if invoice.due_date:
        pdf.label("Hạn thanh toán", "Due date", day(invoice.due_date))
    pdf.label("Hình thức thanh toán", "Payment", "Tiền mặt / chuyển khoản - Cash / bank transfer")
    if seller.bank_account:
        pdf.label("Ngân hàng", "Bank", seller.bank_name)
        pdf.label("Số tài khoản", "Account number", seller.bank_account)
        pdf.label("Chủ tài khoản", "Account holder", seller.legal_name)
    if invoice.number_display:
        pdf.label("Nội dung chuyển khoản", "Transfer reference", invoice.number_display)
    if invoice.note:
        pdf.label("Ghi chú", "Note", invoice.note)


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as an A4 PDF; a draft is marked NHÁP / DRAFT on every page."""
    lines = list(invoice.lines.order_by("position"))
    pdf = _InvoicePdf(is_draft=invoice.status == InvoiceStatus.DRAFT)
    pdf.set_title(invoice.number_display or DRAFT_MARK)
    pdf.set_creator("softpark")
    pdf.set_lang("vi")
    pdf.add_page()
    _seller(pdf, invoice)
    _title(pdf, invoice)
    _buyer(pdf, invoice)
    _lines(pdf, lines)
    _totals(pdf, invoice, lines)
    _payment(pdf, invoice)
    return bytes(pdf.output())
