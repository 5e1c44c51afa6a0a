"""Leases: keyed by contract number, else unit + company + start date.

New leases go through `park.services.leases_create_many`, which holds every rule of
`lease_create` (locks, overlaps with the database and with earlier rows of the file, pool
capacity, contract numbers) for all rows at once. An import never changes an existing lease's
dates, unit, company or desks (terminate, renew and cancel do): such a row is an
`invalid_transition` on that column. Its terms (rent, deposit, meeting hours, contract
number) change through `lease_update`.
"""

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from functools import partial
from itertools import islice
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import InvalidTransition
from imports.resources.base import (
    NEW,
    UNCHANGED,
    UPDATED,
    Column,
    ImportResource,
    NotFound,
    Row,
    Run,
    changes,
)
from imports.resources.companies import companies_by_tax_code, company_of, parse_tax_code
from imports.values import parse_date, parse_decimal, parse_int, parse_money
from park.exceptions import UnitUnavailable
from park.models import Lease, Park, Unit
from park.services import LeaseDraft, lease_update, leases_create_many

CHUNK = 2000


def _chunks(values: Iterable, size: int = CHUNK) -> Iterator[list]:
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk


class LeaseResource(ImportResource):
    name = "leases"
    verbose_name = gettext_lazy("leases")
    model = Lease
    columns = (
        Column("park", "Khu", required=True, aliases=("park slug",)),
        Column("unit", "Mã phòng", required=True, aliases=("phòng", "unit code")),
        Column(
            "company",
            "Mã số thuế",
            parse=parse_tax_code,
            required=True,
            aliases=("mst", "company tax code"),
        ),
        Column(
            "start_date",
            "Ngày bắt đầu",
            parse=parse_date,
            required=True,
            aliases=("từ ngày", "start"),
        ),
        Column("end_date", "Ngày kết thúc", parse=parse_date, aliases=("đến ngày", "end")),
        Column("desks", "Số chỗ", parse=parse_int, aliases=("số bàn",)),
        Column(
            "monthly_rent_vnd",
            "Giá thuê/tháng",
            parse=parse_money,
            aliases=("tiền thuê/tháng", "giá thuê", "monthly rent"),
        ),
        Column("deposit_vnd", "Tiền đặt cọc", parse=parse_money, aliases=("đặt cọc", "deposit")),
        Column("contract_number", "Số hợp đồng", aliases=("hợp đồng", "contract")),
        Column(
            "meeting_hours_monthly",
            "Giờ họp/tháng",
            parse=partial(parse_decimal, places=2),
            aliases=("giờ phòng họp/tháng",),
        ),
    )
    TERMS = ("monthly_rent_vnd", "deposit_vnd", "meeting_hours_monthly", "contract_number")
    FIXED = ("start_date", "end_date", "desks")

    def key(self, row: Row) -> tuple | None:
        values = row.values
        if "contract_number" in values:
            return ("contract", values["contract_number"])
        if {"park", "unit", "company", "start_date"} <= values.keys():
            return (
                values["park"],
                values["unit"].casefold(),
                values["company"],
                values["start_date"],
            )
        return None

    def key_column(self, row: Row | None = None) -> str:
        return "contract_number" if row is not None and "contract_number" in row.values else "unit"

    def prepare(self, run: Run, rows: list[Row]) -> None:
        slugs = {row.values["park"] for row in rows if "park" in row.values}
        parks = {park.slug: park for park in Park.objects.filter(slug__in=slugs)}
        units = {
            (unit.park_id, unit.code.casefold()): unit
            for unit in Unit.objects.filter(park__in=parks.values())
        }
        companies: dict = {}
        tax_codes = {row.values["company"] for row in rows if "company" in row.values}
        for chunk in _chunks(tax_codes):
            companies.update(companies_by_tax_code(chunk))
        run.cache.update(parks=parks, units=units, companies=companies)

        # The leases the rows may name: by contract number, or by unit, company and start.
        numbers = {row.values["contract_number"] for row in rows if "contract_number" in row.values}
        by_number: dict[str, Lease] = {}
        for chunk in _chunks(numbers):
            for lease in Lease.objects.filter(contract_number__in=chunk):
                by_number[lease.contract_number] = lease
        starts: dict[tuple, Lease] = {}
        wanted_units = set()
        for row in rows:
            if "contract_number" in row.values or "park" not in row.values:
                continue
            park = parks.get(row.values["park"])
            unit = park and units.get((park.pk, row.values.get("unit", "").casefold()))
            if unit is not None:
                wanted_units.add(unit.pk)
        for chunk in _chunks(wanted_units):
            found = Lease.objects.filter(unit_id__in=chunk, cancelled_at__isnull=True)
            for lease in found:
                starts[(lease.unit_id, lease.company_id, lease.start_date)] = lease
        run.cache.update(by_number=by_number, by_start=starts)

    def _resolve(self, run: Run, row: Row) -> tuple[Unit, Any]:
        values = row.values
        park = run.cache["parks"].get(values["park"])
        if park is None:
            raise NotFound(_("No park %(slug)s.") % {"slug": values["park"]}, field="park")
        unit = run.cache["units"].get((park.pk, values["unit"].casefold()))
        if unit is None:
            raise NotFound(
                _("Park %(park)s has no unit %(code)s.")
                % {"park": park.slug, "code": values["unit"]},
                field="unit",
            )
        return unit, company_of(run, values["company"])

    def _existing(self, run: Run, row: Row, unit: Unit, company) -> Lease | None:
        number = row.values.get("contract_number")
        if number is not None and number in run.cache["by_number"]:
            return run.cache["by_number"][number]
        return run.cache["by_start"].get((unit.pk, company.pk, row.values["start_date"]))

    def apply(self, run: Run, rows: list[Row]) -> None:
        drafts: list[tuple[Row, LeaseDraft]] = []
        for row in rows:
            try:
                unit, company = self._resolve(run, row)
                lease = self._existing(run, row, unit, company)
                if lease is None:
                    drafts.append((row, self._draft(row, unit, company)))
                else:
                    row.instance = lease
                    row.outcome = self._update(run, row, lease, unit, company)
            except Exception as error:
                if not _is_refusal(error):
                    raise
                run.fail_with(row, error, column="unit")
        if not drafts:
            return
        results = leases_create_many(drafts=[draft for _row, draft in drafts], actor=run.actor)
        for (row, _draft), result in zip(drafts, results, strict=True):
            if isinstance(result, Lease):
                row.instance, row.outcome = result, NEW
            elif isinstance(result, UnitUnavailable):
                run.fail(row, "unit", result.code, _conflict_message(result))
            else:
                run.fail_with(row, result, column="unit")

    def _draft(self, row: Row, unit: Unit, company) -> LeaseDraft:
        values = row.values
        return LeaseDraft(
            unit=unit,
            company=company,
            start_date=values["start_date"],
            end_date=values.get("end_date"),
            desks=values.get("desks"),
            monthly_rent_vnd=values.get("monthly_rent_vnd"),
            deposit_vnd=values.get("deposit_vnd", 0),
            contract_number=values.get("contract_number"),
            meeting_hours_monthly=values.get("meeting_hours_monthly", Decimal(0)),
            tag=row.number,
        )

    def _update(self, run: Run, row: Row, lease: Lease, unit: Unit, company) -> str:
        values = row.values
        fixed = {"unit": (lease.unit_id, unit.pk), "company": (lease.company_id, company.pk)}
        for name in self.FIXED:
            if name in values:
                fixed[name] = (getattr(lease, name), values[name])
        for name, (current, wanted) in fixed.items():
            if current != wanted:
                raise InvalidTransition(
                    _(
                        "Lease %(lease)s exists with another %(field)s; an import does not "
                        "change it (terminate, renew or cancel the lease instead)."
                    )
                    % {"lease": lease.contract_number or lease.pk, "field": name},
                    allowed=[],
                    field=name,
                )
        data = {name: values[name] for name in self.TERMS if name in values}
        changed = changes(lease, data)
        if not changed:
            return UNCHANGED
        lease_update(lease=lease, data=changed, actor=run.actor)
        return UPDATED

    def export_queryset(self, *, park=None):
        leases = (
            Lease.objects.filter(cancelled_at__isnull=True)
            .select_related("unit__park", "company")
            .order_by("unit__park__slug", "unit__code", "start_date", "id")
        )
        return leases.filter(unit__park=park) if park is not None else leases

    def export_row(self, lease: Lease) -> list[Any]:
        return [
            lease.unit.park.slug,
            lease.unit.code,
            lease.company.tax_code,
            lease.start_date,
            lease.end_date,
            lease.desks,
            lease.monthly_rent_vnd,
            lease.deposit_vnd,
            lease.contract_number,
            lease.meeting_hours_monthly,
        ]

    def example_row(self) -> list[Any]:
        return [
            "mekong",
            "A-301",
            "0312345673",
            date(2027, 1, 1),
            date(2027, 12, 31),
            8,
            12_000_000,
            24_000_000,
            "HĐ-2027-001",
            Decimal("4.0"),
        ]


def _is_refusal(error: Exception) -> bool:
    from django.core.exceptions import ValidationError

    from core.errors import DomainError

    return isinstance(error, DomainError | ValidationError)


def _conflict_message(error: UnitUnavailable) -> str:
    """The refusal, naming the row of the file or the lease it overlaps."""
    names = []
    for lease in error.leases:
        tag = getattr(lease, "import_tag", None)
        if tag is not None:
            names.append(_("row %(row)s") % {"row": tag})
        else:
            names.append(
                _("lease %(lease)s (%(start)s to %(end)s)")
                % {
                    "lease": lease.contract_number or lease.pk,
                    "start": lease.start_date,
                    "end": lease.end_date or "…",
                }
            )
    if not names:
        return error.detail
    return f"{error.detail} " + _("Overlaps %(what)s.") % {"what": ", ".join(names)}
