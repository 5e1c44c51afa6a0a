"""The unsigned e-invoice of Circular 78/2021/TT-BTC (`HDon`), for the park's licensed
e-invoice provider, which adds the tax authority's code (`MCCQT`) and the signatures.

Only the elements billing.md lists are emitted, in the standard's order; the project's own
`billing/schemas/hdon.xsd` describes exactly them. Choices where the design is silent:
- `TChat` (the line's nature) is 1, "goods and services", on every line, negative credit
  lines of an adjustment invoice included: 3 is a commercial discount (chiết khấu thương mại),
  which softpark does not grant.
- `MSTTCGP` (the provider's tax code) is `settings.EINVOICE_PROVIDER_TAX_CODE` when set,
  else empty: the provider fills it in when it signs.
"""

import re
from decimal import Decimal

from django.conf import settings
from lxml import etree

from billing.documents.words import amount_in_words
from billing.models import Invoice, InvoiceStatus, VatRate
from core.errors import InvalidTransition

INVOICE_TITLE = "Hóa đơn giá trị gia tăng"  # THDon of template code 1
FORMAT_VERSION = "2.0.1"  # PBan
PAYMENT_METHOD = "TM/CK"  # HTTToan: cash or bank transfer
GOODS_AND_SERVICES = "1"  # TChat

# TSuat as Circular 78 writes it, in the order the per-rate totals are listed.
TAX_RATE_LABELS = {
    VatRate.TEN: "10%",
    VatRate.EIGHT: "8%",
    VatRate.FIVE: "5%",
    VatRate.ZERO: "0%",
    VatRate.NOT_SUBJECT: "KCT",
}


def quantity_text(quantity) -> str:
    """A quantity without trailing zeros or an exponent: 1.000 -> "1", 120.500 -> "120.5"."""
    return format(Decimal(quantity).normalize(), "f")


def totals_by_rate(lines) -> list[tuple[str, int, int]]:
    """(rate, amount, VAT) for each rate present on `lines`, in TAX_RATE_LABELS' order."""
    sums: dict[str, list[int]] = {}
    for line in lines:
        rate_sum = sums.setdefault(line.vat_rate, [0, 0])
        rate_sum[0] += line.amount_vnd
        rate_sum[1] += line.vat_vnd
    return [(rate, *sums[rate]) for rate in TAX_RATE_LABELS if rate in sums]


# Characters XML 1.0 cannot hold (C0 controls but tab, line feed and carriage return; lone
# surrogates; U+FFFE/U+FFFF). Free text (an address, a line's description) may carry them
# from a pasted spreadsheet cell; they mean nothing on an invoice and are left out.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _add(parent, tag: str, text=None):
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = _NOT_XML.sub("", str(text))
    return element


def _party(parent, tag: str, *, name: str, tax_code: str, address: str) -> None:
    party = _add(parent, tag)
    _add(party, "Ten", name)
    _add(party, "MST", tax_code or "")
    _add(party, "DChi", address or "")


def invoice_xml(invoice: Invoice) -> bytes:
    """The invoice's `HDon`, UTF-8 with an XML declaration. A draft has none: it is not an
    invoice until issued (InvalidTransition, 409)."""
    if invoice.status == InvoiceStatus.DRAFT:
        raise InvalidTransition(
            "A draft has no e-invoice XML: issue it first.", allowed=[InvoiceStatus.ISSUED]
        )
    seller = invoice.park.billing_settings
    series = invoice.series
    lines = list(invoice.lines.order_by("position"))

    root = etree.Element("HDon")
    data = _add(root, "DLHDon")
    general = _add(data, "TTChung")
    _add(general, "PBan", FORMAT_VERSION)
    _add(general, "THDon", INVOICE_TITLE)
    _add(general, "KHMSHDon", series.template_code)
    _add(general, "KHHDon", series.symbol)
    _add(general, "SHDon", invoice.number)
    _add(general, "NLap", invoice.issue_date.isoformat())
    _add(general, "DVTTe", "VND")
    _add(general, "TGia", 1)
    _add(general, "HTTToan", PAYMENT_METHOD)
    _add(general, "MSTTCGP", getattr(settings, "EINVOICE_PROVIDER_TAX_CODE", "") or "")

    content = _add(data, "NDHDon")
    _party(
        content, "NBan", name=seller.legal_name, tax_code=seller.tax_code, address=seller.address
    )
    _party(
        content,
        "NMua",
        name=invoice.buyer_legal_name,
        tax_code=invoice.buyer_tax_code,
        address=invoice.buyer_address,
    )
    items = _add(content, "DSHHDVu")
    for number, line in enumerate(lines, start=1):
        item = _add(items, "HHDVu")
        _add(item, "TChat", GOODS_AND_SERVICES)
        _add(item, "STT", number)
        _add(item, "THHDVu", line.description)
        _add(item, "DVTinh", line.unit_of_measure)
        _add(item, "SLuong", quantity_text(line.quantity))
        _add(item, "DGia", line.unit_price_vnd)
        _add(item, "ThTien", line.amount_vnd)
        _add(item, "TSuat", TAX_RATE_LABELS[line.vat_rate])

    totals = _add(content, "TToan")
    by_rate = _add(totals, "THTTLTSuat")
    for rate, amount, vat in totals_by_rate(lines):
        rate_total = _add(by_rate, "LTSuat")
        _add(rate_total, "TSuat", TAX_RATE_LABELS[rate])
        _add(rate_total, "ThTien", amount)
        _add(rate_total, "TThue", vat)
    _add(totals, "TgTCThue", invoice.subtotal_vnd)
    _add(totals, "TgTThue", invoice.vat_vnd)
    _add(totals, "TgTTTBSo", invoice.total_vnd)
    _add(totals, "TgTTTBChu", amount_in_words(invoice.total_vnd))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
