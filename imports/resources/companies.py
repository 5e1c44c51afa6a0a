"""Companies (keyed by tax code, else legal name) and their contacts (company tax code +
email)."""

from typing import Any

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imports.resources.base import (
    NEW,
    Column,
    ImportResource,
    NotFound,
    Required,
    Row,
    Run,
    choice_parser,
    update_if_changed,
)
from imports.values import CellError, parse_bool, parse_date, parse_int, parse_text
from tenants.exceptions import InvalidTaxCode
from tenants.models import Company, Contact, Sector
from tenants.services import (
    company_create,
    company_update,
    contact_create,
    contact_update,
    normalise_tax_code,
)


def parse_tax_code(value) -> str | None:
    """A tax code cell, normalised (`0312 345 673 001` -> `0312345673-001`), or
    `invalid_tax_code` saying why."""
    text = parse_text(value)
    if text is None:
        return None
    try:
        return normalise_tax_code(text)
    except InvalidTaxCode as error:
        raise CellError("invalid_tax_code", error.detail) from None


def companies_by_tax_code(tax_codes) -> dict[str, Company]:
    return {c.tax_code: c for c in Company.objects.filter(tax_code__in=set(tax_codes))}


def company_of(run: Run, tax_code: str) -> Company:
    company = run.cache["companies"].get(tax_code)
    if company is None:
        raise NotFound(_("No company has tax code %(code)s.") % {"code": tax_code}, field="company")
    return company


class CompanyResource(ImportResource):
    name = "companies"
    verbose_name = gettext_lazy("companies")
    model = Company
    columns = (
        Column("tax_code", "Mã số thuế", parse=parse_tax_code, aliases=("mst",)),
        Column(
            "legal_name", "Tên doanh nghiệp", required=True, blank=True, aliases=("tên công ty",)
        ),
        Column("short_name", "Tên viết tắt", aliases=("tên giao dịch",)),
        Column("sector", "Lĩnh vực", parse=choice_parser(Sector), aliases=("ngành",)),
        Column("email", "Email", aliases=("thư điện tử",)),
        Column("phone", "Điện thoại", aliases=("số điện thoại", "sđt")),
        Column("address", "Địa chỉ"),
        Column("website", "Trang web", aliases=("website",)),
        Column("founded_on", "Ngày thành lập", parse=parse_date),
        Column("headcount", "Số nhân viên", parse=parse_int, aliases=("số lao động",)),
    )
    FIELDS = tuple(column.name for column in columns)

    def key(self, row: Row) -> tuple | None:
        if "tax_code" in row.values:
            return ("tax_code", row.values["tax_code"])
        if "legal_name" in row.values:
            return ("legal_name", row.values["legal_name"].casefold())
        return None

    def key_column(self, row: Row | None = None) -> str:
        return "tax_code"

    def prepare(self, run: Run, rows: list[Row]) -> None:
        tax_codes = {row.values["tax_code"] for row in rows if "tax_code" in row.values}
        written = {
            row.values["legal_name"]
            for row in rows
            if "tax_code" not in row.values and "legal_name" in row.values
        }
        names = {name.casefold() for name in written}
        run.cache["companies"] = companies_by_tax_code(tax_codes)
        by_name: dict[str, Company] = {}
        if names:
            # LOWER() folds only ASCII on SQLite (and on PostgreSQL under the C locale):
            # the names as written catch "Hộ kinh doanh Ảnh" there too.
            found = Company.objects.annotate(lower_name=Lower("legal_name")).filter(
                Q(lower_name__in=names) | Q(legal_name__in=written)
            )
            for company in found.order_by("created_at"):
                by_name.setdefault(company.legal_name.casefold(), company)
        run.cache["names"] = by_name

    def apply_row(self, run: Run, row: Row) -> str:
        data: dict[str, Any] = {
            name: row.values[name] for name in self.FIELDS if name in row.values
        }
        if "tax_code" in data:
            company = run.cache["companies"].get(data["tax_code"])
        elif "legal_name" not in data:
            raise Required(
                _("A company without a tax code is named by its legal name."), field="legal_name"
            )
        else:
            company = run.cache["names"].get(data["legal_name"].casefold())
        if company is None:
            company = company_create(data=data, actor=run.actor)
            row.instance = company
            if company.tax_code:
                run.cache["companies"][company.tax_code] = company
            return NEW
        return update_if_changed(
            row,
            company,
            data,
            lambda changed: company_update(company=company, data=changed, actor=run.actor),
        )

    def export_queryset(self, *, park=None):
        return Company.objects.order_by("legal_name", "id")

    def export_row(self, company: Company) -> list[Any]:
        return [
            company.tax_code,
            company.legal_name,
            company.short_name,
            company.sector,
            company.email,
            company.phone,
            company.address,
            company.website,
            company.founded_on,
            company.headcount,
        ]

    def example_row(self) -> list[Any]:
        return [
            "0312345673",
            "Công ty TNHH Phần mềm Mê Kông",
            "Mekong Soft",
            "software",
            "hello@mekongsoft.vn",
            "0273 3871 234",
            "Khu phố 1, Phường 5, Mỹ Tho, Tiền Giang",
            "https://mekongsoft.vn",
            "2019-05-14",
            25,
        ]


class ContactResource(ImportResource):
    name = "contacts"
    verbose_name = gettext_lazy("contacts")
    model = Contact
    columns = (
        Column(
            "company",
            "Mã số thuế",
            parse=parse_tax_code,
            required=True,
            fields=("company",),
            aliases=("mst công ty", "company tax code"),
        ),
        Column("name", "Họ tên", required=True, blank=True, aliases=("họ và tên", "tên")),
        Column("email", "Email", required=True, aliases=("thư điện tử",)),
        Column("phone", "Điện thoại", aliases=("số điện thoại", "sđt")),
        Column("role", "Chức vụ"),
        Column("is_primary", "Liên hệ chính", parse=parse_bool),
        Column("is_billing", "Nhận hóa đơn", parse=parse_bool, aliases=("nhận hoá đơn",)),
    )
    FIELDS = ("name", "email", "phone", "role", "is_primary", "is_billing")

    def key(self, row: Row) -> tuple | None:
        if "company" not in row.values or "email" not in row.values:
            return None
        return (row.values["company"], row.values["email"].casefold())

    def key_column(self, row: Row | None = None) -> str:
        return "email"

    def prepare(self, run: Run, rows: list[Row]) -> None:
        companies = companies_by_tax_code(
            row.values["company"] for row in rows if "company" in row.values
        )
        run.cache["companies"] = companies
        contacts = Contact.objects.filter(company__in=companies.values()).exclude(email="")
        run.cache["contacts"] = {
            (contact.company_id, contact.email.casefold()): contact
            for contact in contacts.order_by("created_at")
        }

    def apply_row(self, run: Run, row: Row) -> str:
        company = company_of(run, row.values["company"])
        data = {name: row.values[name] for name in self.FIELDS if name in row.values}
        key = (company.pk, data["email"].casefold())
        contact = run.cache["contacts"].get(key)
        if contact is None:
            contact = contact_create(company=company, data=data, actor=run.actor)
            run.cache["contacts"][key] = contact
            row.instance = contact
            return NEW
        # A contact's email keeps the case it has; the key ignores case.
        data["email"] = contact.email
        return update_if_changed(
            row,
            contact,
            data,
            lambda changed: contact_update(contact=contact, data=changed, actor=run.actor),
        )

    def export_queryset(self, *, park=None):
        return Contact.objects.select_related("company").order_by(
            "company__legal_name", "name", "id"
        )

    def export_row(self, contact: Contact) -> list[Any]:
        return [
            contact.company.tax_code,
            contact.name,
            contact.email,
            contact.phone,
            contact.role,
            contact.is_primary,
            contact.is_billing,
        ]

    def example_row(self) -> list[Any]:
        return [
            "0312345673",
            "Nguyễn Thị Lan",
            "lan@mekongsoft.vn",
            "0903 123 456",
            "Kế toán",
            False,
            True,
        ]
