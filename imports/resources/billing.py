"""Billing's spreadsheets, imported into one park (a form field): metered usage per company,
charge and month, and the bank's statement, whose transfers become payments."""

import re
from datetime import date, datetime
from functools import partial
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.models import Charge, Payment, Usage
from billing.money import parse_month
from billing.services.config import usage_create, usage_update
from billing.services.payments import payment_record_transfer
from billing.statements import transfers_match
from core.errors import DomainError
from imports.resources.base import (
    NEW,
    UNCHANGED,
    UNMATCHED,
    Column,
    ImportResource,
    NotFound,
    Required,
    Row,
    Run,
    update_if_changed,
)
from imports.resources.companies import companies_by_tax_code, company_of, parse_tax_code
from imports.values import CellError, parse_date, parse_decimal, parse_money, parse_text

_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")  # 01/2027, Vietnamese order


def parse_month_cell(value) -> date | None:
    """`2027-01`, `01/2027`, or any date of the month (as a date cell or text)."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.replace(day=1)
    text = parse_text(value)
    if text is None:
        return None
    if match := _MONTH_YEAR.match(text):
        month = parse_month(f"{match[2]}-{int(match[1]):02d}")
    else:
        month = parse_month(text)
        if month is None:
            try:
                day = parse_date(text)
            except CellError:
                day = None
            month = day.replace(day=1) if day else None
    if month is None:
        raise CellError("invalid_month", _("A month is written 2027-01 or 01/2027."))
    return month


class UsageResource(ImportResource):
    name = "usage"
    verbose_name = gettext_lazy("usage")
    model = Usage
    needs_park = True
    columns = (
        Column(
            "company",
            "Mã số thuế",
            parse=parse_tax_code,
            required=True,
            aliases=("mst", "company tax code"),
        ),
        Column("charge", "Mã phí", required=True, aliases=("khoản phí", "dịch vụ")),
        Column("month", "Tháng", parse=parse_month_cell, required=True, aliases=("kỳ",)),
        Column(
            "quantity",
            "Số lượng",
            parse=partial(parse_decimal, places=3),
            required=True,
            aliases=("chỉ số",),
        ),
        Column("note", "Ghi chú"),
    )

    def key(self, row: Row) -> tuple | None:
        if not {"company", "charge", "month"} <= row.values.keys():
            return None
        return (row.values["company"], row.values["charge"].casefold(), row.values["month"])

    def key_column(self, row: Row | None = None) -> str:
        return "charge"

    def prepare(self, run: Run, rows: list[Row]) -> None:
        companies = companies_by_tax_code(
            r.values["company"] for r in rows if "company" in r.values
        )
        charges = {c.code.casefold(): c for c in Charge.objects.filter(park=run.park)}
        usage = Usage.objects.filter(charge__park=run.park, company__in=companies.values())
        months = {r.values["month"] for r in rows if "month" in r.values}
        run.cache.update(
            companies=companies,
            charges=charges,
            usage={(u.company_id, u.charge_id, u.month): u for u in usage.filter(month__in=months)},
        )

    def apply_row(self, run: Run, row: Row) -> str:
        values = row.values
        company = company_of(run, values["company"])
        charge = run.cache["charges"].get(values["charge"].casefold())
        if charge is None:
            raise NotFound(
                _("The park has no charge %(code)s.") % {"code": values["charge"]}, field="charge"
            )
        data = {name: values[name] for name in ("quantity", "note") if name in values}
        usage = run.cache["usage"].get((company.pk, charge.pk, values["month"]))
        if usage is None:
            usage = usage_create(
                data={"company": company, "charge": charge, "month": values["month"], **data},
                actor=run.actor,
            )
            run.cache["usage"][(company.pk, charge.pk, values["month"])] = usage
            row.instance = usage
            return NEW
        return update_if_changed(
            row,
            usage,
            data,
            lambda changed: usage_update(usage=usage, data=changed, actor=run.actor),
        )

    def export_queryset(self, *, park=None):
        usage = Usage.objects.select_related("company", "charge").order_by(
            "-month", "company__legal_name", "charge__code", "id"
        )
        return usage.filter(charge__park=park) if park is not None else usage

    def export_row(self, usage: Usage) -> list[Any]:
        return [
            usage.company.tax_code,
            usage.charge.code,
            usage.month.strftime("%Y-%m"),
            usage.quantity,
            usage.note,
        ]

    def example_row(self) -> list[Any]:
        return ["0312345673", "electricity", "2027-01", "1250.5", "Công tơ tầng 3"]


class PaymentTaken(DomainError):
    """A row error only: the statement names a recorded transfer with other figures."""

    code = "unique"


class PaymentResource(ImportResource):
    """A bank statement: each transfer is matched to a company by the invoice number or the
    tax code its text names; unmatched transfers are reported (not errors) and left out."""

    name = "payments"
    verbose_name = gettext_lazy("payments (bank statement)")
    model = Payment
    needs_park = True
    columns = (
        Column(
            "received_on",
            "Ngày giao dịch",
            parse=parse_date,
            required=True,
            aliases=("ngày", "ngày nhận", "date"),
        ),
        Column(
            "amount_vnd",
            "Số tiền",
            parse=parse_money,
            required=True,
            aliases=("số tiền ghi có", "ghi có", "amount"),
        ),
        Column(
            "reference",
            "Số tham chiếu",
            required=True,
            aliases=("mã giao dịch", "số bút toán", "reference number"),
        ),
        Column(
            "content",
            "Nội dung",
            required=True,
            blank=True,
            aliases=("nội dung chuyển khoản", "diễn giải", "description"),
        ),
    )

    def key(self, row: Row) -> tuple | None:
        return ("reference", row.values["reference"]) if "reference" in row.values else None

    def key_column(self, row: Row | None = None) -> str:
        return "reference"

    def prepare(self, run: Run, rows: list[Row]) -> None:
        references = {r.values["reference"] for r in rows if "reference" in r.values}
        payments = Payment.objects.filter(park=run.park, reference__in=references)
        matches = transfers_match(
            park=run.park, contents=[r.values.get("content", "") for r in rows]
        )
        run.cache.update(
            payments={p.reference: p for p in payments.select_related("company")},
            matches={row.number: match for row, match in zip(rows, matches, strict=True)},
        )

    def apply_row(self, run: Run, row: Row) -> str:
        values = row.values
        for name in ("received_on", "amount_vnd", "reference"):
            if name not in values:
                raise Required(_("This cell is required."), field=name)
        existing = run.cache["payments"].get(values["reference"])
        if existing is not None:
            row.instance = existing
            if (existing.amount_vnd, existing.received_on) == (
                values["amount_vnd"],
                values["received_on"],
            ):
                return UNCHANGED
            raise PaymentTaken(
                _("Payment %(reference)s is recorded with another amount or date.")
                % {"reference": values["reference"]},
                field="reference",
            )
        match = run.cache["matches"].get(row.number)
        if match is None:
            return UNMATCHED
        row.instance = payment_record_transfer(
            park=run.park,
            match=match,
            amount_vnd=values["amount_vnd"],
            received_on=values["received_on"],
            reference=values["reference"],
            content=values.get("content", ""),
            actor=run.actor,
        )
        return NEW

    def export_queryset(self, *, park=None):
        # A statement row is keyed by its reference: payments without one (cash, card) are
        # not bank transfers and are left out, so every exported row imports back.
        payments = Payment.objects.filter(reference__isnull=False).order_by("-received_on", "id")
        return payments.filter(park=park) if park is not None else payments

    def export_row(self, payment: Payment) -> list[Any]:
        return [payment.received_on, payment.amount_vnd, payment.reference, payment.note]

    def example_row(self) -> list[Any]:
        return [
            date(2027, 1, 20),
            13_200_000,
            "FT27020123456",
            "CT TNHH PHAN MEM MEKONG TT HD C27TSP 42",
        ]
