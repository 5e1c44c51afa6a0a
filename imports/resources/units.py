"""Units: keyed by park slug and unit code. Buildings and floors named by code and level are
created when missing (their code or level is their name)."""

from functools import partial
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imports.resources.base import (
    NEW,
    Column,
    ImportResource,
    NotFound,
    Row,
    Run,
    choice_parser,
    update_if_changed,
)
from imports.values import parse_bool, parse_decimal, parse_int, parse_money
from park.models import Building, Floor, Park, Unit, UnitKind
from park.services import building_create, floor_create, unit_create, unit_update


class UnitResource(ImportResource):
    name = "units"
    verbose_name = gettext_lazy("units")
    model = Unit
    columns = (
        Column("park", "Khu", required=True, aliases=("khu công viên", "park slug")),
        Column("building", "Tòa nhà", required=True, aliases=("toà nhà",)),
        Column("floor", "Tầng", parse=parse_int, required=True),
        Column("code", "Mã phòng", required=True, aliases=("unit", "mã")),
        Column("kind", "Loại", parse=choice_parser(UnitKind), aliases=("loại phòng",)),
        Column(
            "area_m2",
            "Diện tích (m²)",
            parse=partial(parse_decimal, places=2),
            aliases=("diện tích", "diện tích m2", "area"),
        ),
        Column("capacity", "Sức chứa", parse=parse_int, aliases=("số chỗ",)),
        Column(
            "monthly_rate_vnd", "Giá thuê/tháng", parse=parse_money, aliases=("giá thuê", "đơn giá")
        ),
        Column("is_active", "Đang hoạt động", parse=parse_bool, aliases=("hoạt động",)),
    )
    UPDATABLE = ("kind", "area_m2", "capacity", "monthly_rate_vnd", "is_active")

    def key(self, row: Row) -> tuple | None:
        values = row.values
        if "park" not in values or "code" not in values:
            return None
        return (values["park"].casefold(), values["code"].casefold())

    def key_column(self, row: Row | None = None) -> str:
        return "code"

    def prepare(self, run: Run, rows: list[Row]) -> None:
        slugs = {row.values["park"] for row in rows if "park" in row.values}
        parks = {park.slug: park for park in Park.objects.filter(slug__in=slugs)}
        buildings = {
            (b.park_id, b.code.casefold()): b
            for b in Building.objects.filter(park__in=parks.values())
        }
        floors = {
            (f.building_id, f.level): f
            for f in Floor.objects.filter(building__park__in=parks.values())
        }
        units = {
            (u.park_id, u.code.casefold()): u
            for u in Unit.objects.filter(park__in=parks.values()).select_related("floor")
        }
        run.cache.update(parks=parks, buildings=buildings, floors=floors, units=units)

    def _floor(self, run: Run, row: Row, park: Park) -> Floor:
        """The row's floor, with its building, created when missing."""
        buildings, floors = run.cache["buildings"], run.cache["floors"]
        code, level = row.values["building"], row.values["floor"]
        building = buildings.get((park.pk, code.casefold()))
        if building is None:
            building = building_create(
                park=park, data={"code": code, "name": code}, actor=run.actor
            )
            buildings[(park.pk, code.casefold())] = building
            run.cache.setdefault("created", []).append(("building", (park.pk, code.casefold())))
        floor = floors.get((building.pk, level))
        if floor is None:
            floor = floor_create(
                building=building, data={"level": level, "name": str(level)}, actor=run.actor
            )
            floors[(building.pk, level)] = floor
            run.cache.setdefault("created", []).append(("floor", (building.pk, level)))
        return floor

    def apply(self, run: Run, rows: list[Row]) -> None:
        # A row refused after it created a building or floor rolls them back with its
        # savepoint: forget them too, so a later row creates them again.
        for row in rows:
            run.cache["created"] = []
            super().apply(run, [row])
            if row.failed:
                for kind, key in run.cache["created"]:
                    run.cache["buildings" if kind == "building" else "floors"].pop(key, None)

    def apply_row(self, run: Run, row: Row) -> str:
        values = row.values
        park = run.cache["parks"].get(values["park"])
        if park is None:
            raise NotFound(_("No park %(slug)s.") % {"slug": values["park"]}, field="park")
        floor = self._floor(run, row, park)
        data: dict[str, Any] = {name: values[name] for name in self.UPDATABLE if name in values}
        data["floor"] = floor
        unit = run.cache["units"].get((park.pk, values["code"].casefold()))
        if unit is None:
            unit = unit_create(data={**data, "code": values["code"]}, actor=run.actor)
            run.cache["units"][(park.pk, values["code"].casefold())] = unit
            row.instance = unit
            return NEW
        return update_if_changed(
            row, unit, data, lambda changed: unit_update(unit=unit, data=changed, actor=run.actor)
        )

    def export_queryset(self, *, park=None):
        units = Unit.objects.select_related("park", "floor__building").order_by(
            "park__slug", "code"
        )
        return units.filter(park=park) if park is not None else units

    def export_row(self, unit: Unit) -> list[Any]:
        return [
            unit.park.slug,
            unit.floor.building.code,
            unit.floor.level,
            unit.code,
            unit.kind,
            unit.area_m2,
            unit.capacity,
            unit.monthly_rate_vnd,
            unit.is_active,
        ]

    def example_row(self) -> list[Any]:
        return ["mekong", "A", 3, "A-301", "office", "48.50", 8, 12_000_000, True]
