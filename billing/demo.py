"""Demo billing for `manage.py seed_demo`: Mekong Software Park as a seller, its invoice
series, a price list, and the last three months billed, issued and (mostly) paid.

Run it after `park.demo` (the invoices come from its leases). Everything goes through the
services: the invoice run drafts each month, `invoices_issue` numbers the drafts on the first
day of the next month, and `payment_create` records each company's bank transfer ten days
later, as long as that day has come. Tân Thuận Chip, a suspended tenant, pays nothing: it is
the demo's overdue company. Idempotent: settings, series and charges are found by their
natural keys, and a park that already has invoices gets no more.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from billing.models import BillingSettings, Charge, Invoice, InvoiceSeries, InvoiceStatus, Usage
from billing.services.config import (
    billing_settings_save,
    charge_create,
    series_create,
    usage_create,
)
from billing.services.invoices import invoices_issue
from billing.services.payments import payment_create
from billing.services.runs import invoice_run
from park.demo import DEMO_PARK, months_from
from park.models import Park
from tenants.demo import demo_tax_code
from tenants.models import Company

DEMO_SELLER = {
    "legal_name": "Công ty TNHH Công viên Phần mềm Mekong",
    "tax_code": demo_tax_code(1000, "12"),  # 12: Tiền Giang
    "address": "Số 1 Đường Hùng Vương, Phường 1, Thành phố Mỹ Tho, Tỉnh Tiền Giang",
    "bank_name": "Vietcombank - Chi nhánh Tiền Giang",
    "bank_account": "0071000123456",
    "payment_terms_days": 15,
    "rent_vat_rate": "10",
    "management_fee_vnd_per_m2": 20_000,
    "management_fee_vat_rate": "10",
}

# code, name, unit of measure, unit price, VAT rate (electricity at the reduced 8 %, clean
# water at 5 %, as Vietnamese VAT has them)
DEMO_CHARGES = [
    ("electricity", "Điện năng tiêu thụ", "kWh", 3_200, "8"),
    ("water", "Nước sạch", "m³", 14_500, "5"),
    ("parking", "Gửi xe máy", "xe", 120_000, "10"),
]

DEMO_MONTHS = 3  # billed and issued: the three months before this one
OVERDUE_COMPANY = "Tân Thuận Chip"  # short name: it never pays
PAID_AFTER_DAYS = 10


def _symbol(year: int) -> str:
    return f"C{year % 100:02d}TSP"


def _settings(park: Park, actor) -> BillingSettings:
    found = BillingSettings.objects.filter(park=park).first()
    return found or billing_settings_save(park=park, data=DEMO_SELLER, actor=actor)


def _series(park: Park, years: set[int], actor) -> None:
    for year in sorted(years):
        if not InvoiceSeries.objects.filter(park=park, year=year).exists():
            series_create(
                park=park,
                data={"template_code": "1", "symbol": _symbol(year), "year": year},
                actor=actor,
            )


def _charges(park: Park, actor) -> dict[str, Charge]:
    charges = {}
    for code, name, unit_of_measure, price, vat_rate in DEMO_CHARGES:
        charges[code] = Charge.objects.filter(park=park, code=code).first() or charge_create(
            park=park,
            data={
                "code": code,
                "name": name,
                "unit_of_measure": unit_of_measure,
                "unit_price_vnd": price,
                "vat_rate": vat_rate,
                "is_active": True,
            },
            actor=actor,
        )
    return charges


def _usage(park: Park, month: date, charges: dict[str, Charge], actor) -> None:
    """Metered usage for each company billed that month: figures that vary by company and
    month but are the same on every run."""
    preview = invoice_run(park=park, month=month, dry_run=True, actor=actor)
    companies = Company.objects.filter(pk__in=[row.company_id for row in preview.rows])
    for index, company in enumerate(companies.order_by("legal_name")):
        quantities = {
            "electricity": Decimal(420 + 97 * index + 35 * month.month),
            "water": Decimal(12 + 3 * index) + Decimal("0.5") * (month.month % 3),
            "parking": Decimal(2 + index % 5),
        }
        for code, quantity in quantities.items():
            if code == "parking" and index % 3 == 2:
                continue  # not everyone parks with the park
            data = {"company": company, "charge": charges[code], "month": month}
            if not Usage.objects.filter(**data).exists():
                usage_create(data={**data, "quantity": quantity, "note": ""}, actor=actor)


def seed_billing(actor: User | None, *, today: date | None = None) -> Park | None:
    """The demo park's billing; nothing when the demo park is missing. Run it again and it
    adds only what is missing (never a second set of invoices)."""
    today = today or timezone.localdate()
    park = Park.objects.filter(slug=DEMO_PARK["slug"]).first()
    if park is None:
        return None
    this_month = months_from(today, 0)
    months = [months_from(this_month, -back) for back in range(DEMO_MONTHS, 0, -1)]
    issue_dates = [months_from(month, 1) for month in months]  # the first of the next month
    _settings(park, actor)
    _series(park, {day.year for day in issue_dates} | {today.year, today.year + 1}, actor)
    charges = _charges(park, actor)
    if Invoice.objects.filter(park=park).exists():
        return park
    overdue = Company.objects.filter(short_name=OVERDUE_COMPANY).first()
    for month, issue_date in zip(months, issue_dates, strict=True):
        _usage(park, month, charges, actor)
        invoice_run(park=park, month=month, actor=actor)
        drafts = Invoice.objects.filter(park=park, month=month, status=InvoiceStatus.DRAFT)
        issued = invoices_issue(
            invoices=list(drafts.order_by("created_at", "pk")), issue_date=issue_date, actor=actor
        )
        received_on = issue_date + timedelta(days=PAID_AFTER_DAYS)
        if received_on > today:
            continue  # not paid yet, nor due: the current bucket
        for invoice in issued:
            if invoice.company_id == getattr(overdue, "pk", None) or invoice.total_vnd <= 0:
                continue
            payment_create(
                park=park,
                company=invoice.company,
                amount_vnd=invoice.total_vnd,
                received_on=received_on,
                method="bank_transfer",
                reference=f"UNC-{invoice.number_display}",
                note="",
                invoices=[invoice],
                actor=actor,
            )
    return park
