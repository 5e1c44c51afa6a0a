"""Bank statements: which company (and invoice) a transfer text names.

A transfer text is the free text a payer types at their bank, which reaches us upper case and
without accents, such as `CT TNHH ABC TT HD C27TSP 42 THANG 11`. It names a company

- by an invoice number: `1C27TSP-00000042`, `C27TSP-00000042`, `C27TSP 42`, `C27TSP-42` or
  `C27TSP42` (case ignored; the template code, when written, must be the series'; leading
  zeros optional, at most eight digits). Only the park's issued invoices count: a draft has
  no number, and a void invoice is no longer owed;
- else by a tax code: ten digits, or ten digits, a dash and a three-digit branch number, not
  part of a longer run of digits, valid by stdnum.vn.mst, equal to a company's `tax_code`.

An invoice number wins over a tax code (the match says `how`), but a text that names two
different companies, whichever way, matches none: a person sorts it out. A text naming two
invoices of the same company matches the company without an invoice.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from billing.models import Invoice, InvoiceStatus
from park.models import Park
from tenants.exceptions import InvalidTaxCode
from tenants.models import Company
from tenants.services import normalise_tax_code

# The optional template code (1-6), the six-character symbol (billing's SYMBOL_PATTERN), a
# short separator, and the number. Neither end may touch another digit, and the number may not
# run on as an amount (`C27TSP 1.500.000` names no invoice 1).
_INVOICE_NUMBER = re.compile(
    r"(?<![0-9])([1-6])?([CK][0-9]{2}[TDLMNBGH][A-Z0-9]{2})[ \-_./#:]{0,3}([0-9]{1,8})"
    r"(?![0-9])(?![.,][0-9])"
)
_TAX_CODE = re.compile(r"(?<![0-9])(?<![0-9]-)([0-9]{10}(?:-[0-9]{3})?)(?![0-9])(?!-[0-9])")


@dataclass(frozen=True)
class TransferMatch:
    company: Company
    # The invoice the text names (issued, not void, in this park, of that company), else None.
    invoice: Invoice | None
    how: str  # "invoice" or "tax_code"


@dataclass(frozen=True)
class _Reference:
    template_code: str | None
    symbol: str
    number: int


def _invoice_references(text: str) -> list[_Reference]:
    references = []
    for template_code, symbol, number in _INVOICE_NUMBER.findall(text):
        if int(number) > 0:
            references.append(_Reference(template_code or None, symbol, int(number)))
    return references


def _tax_codes(text: str) -> list[str]:
    codes = []
    for candidate in _TAX_CODE.findall(text):
        try:
            code = normalise_tax_code(candidate)
        except InvalidTaxCode:
            continue
        if code is not None:
            codes.append(code)
    return codes


def transfers_match(*, park: Park, contents: Sequence[str]) -> list[TransferMatch | None]:
    """The match of each transfer text in `contents`, in order (None: unmatched).

    At most two queries whatever the number of texts: the park's issued invoices with any of
    the numbers found, then the companies with any of the tax codes found. Reads only.
    """
    texts = [(content or "").upper() for content in contents]
    references = [_invoice_references(text) for text in texts]
    tax_codes = [_tax_codes(text) for text in texts]

    symbols = {ref.symbol for refs in references for ref in refs}
    numbers = {ref.number for refs in references for ref in refs}
    invoices: dict[tuple[str, int], list[Invoice]] = {}
    if symbols:
        found = Invoice.objects.filter(
            park=park,
            status=InvoiceStatus.ISSUED,
            series__park=park,
            series__symbol__in=symbols,
            number__in=numbers,
        ).select_related("series", "company")
        for invoice in found:
            invoices.setdefault((invoice.series.symbol, invoice.number), []).append(invoice)

    codes = {code for found_codes in tax_codes for code in found_codes}
    companies = {c.tax_code: c for c in Company.objects.filter(tax_code__in=codes)} if codes else {}

    matches: list[TransferMatch | None] = []
    for refs, found_codes in zip(references, tax_codes, strict=True):
        named = {}  # pk -> invoice
        for ref in refs:
            for invoice in invoices.get((ref.symbol, ref.number), ()):
                if ref.template_code in (None, invoice.series.template_code):
                    named[invoice.pk] = invoice
        by_invoice = {invoice.company_id: invoice.company for invoice in named.values()}
        by_tax_code = {companies[c].pk: companies[c] for c in found_codes if c in companies}
        named_companies = {**by_tax_code, **by_invoice}
        if len(named_companies) != 1:
            matches.append(None)  # none, or two different companies: ambiguous
            continue
        [company] = named_companies.values()
        if named:
            invoice = next(iter(named.values())) if len(named) == 1 else None
            matches.append(TransferMatch(company=company, invoice=invoice, how="invoice"))
        else:
            matches.append(TransferMatch(company=company, invoice=None, how="tax_code"))
    return matches
