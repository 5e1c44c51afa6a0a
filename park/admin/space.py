"""Space in the admin: parks (with the occupancy dashboard), buildings, floors (with their
map) and units (with today's occupancy and tenant, and the free-on filter)."""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceAdmin, csv_export_action
from core.formatting import format_vnd
from park import services
from park.admin import dashboard, planning
from park.admin._shared import parse_day, today
from park.maps import floor_map_png
from park.models import (
    BUILDING_WRITABLE,
    EXCLUSIVE_KINDS,
    FLOOR_WRITABLE,
    PARK_WRITABLE,
    UNIT_WRITABLE,
    Building,
    Floor,
    LeaseStatus,
    Park,
    Unit,
    UnitKind,
)
from park.occupancy import TENANT_ORDER, tenant_name, tenants_label, unit_occupancy
from park.selectors import leased_desks_subquery, leases_covering, unit_leases


def _fields(data: dict, names) -> dict:
    return {name: data[name] for name in names if name in data}


# --- parks, buildings, floors -----------------------------------------------------------------


@admin.register(Park)
class ParkAdmin(ServiceAdmin):
    list_display = ["name", "slug", "city", "province", "land_area_m2", "is_home"]
    list_filter = ["is_home", "province"]
    search_fields = ["name", "slug", "city", "province"]
    fields = PARK_WRITABLE

    def create_record(self, data, *, actor):
        return services.park_create(data=_fields(data, PARK_WRITABLE), actor=actor)

    def update_record(self, record, changes, *, actor):
        return services.park_update(park=record, data=changes, actor=actor)

    def delete_record(self, record, *, actor):
        services.park_delete(park=record, actor=actor)

    def get_urls(self):
        occupancy = path(
            "occupancy/",
            self.admin_site.admin_view(self.occupancy_view),
            name="park_park_occupancy",
        )
        summary = path(
            "<uuid:park_id>/summary.csv",
            self.admin_site.admin_view(self.summary_view),
            name="park_park_summary_csv",
        )
        return [occupancy, summary, *super().get_urls()]

    def occupancy_view(self, request):
        return dashboard.occupancy_view(self, request)

    def summary_view(self, request, park_id):
        return dashboard.summary_csv_view(self, request, park_id)


@admin.register(Building)
class BuildingAdmin(ServiceAdmin):
    list_display = ["code", "name", "park", "gross_area_m2", "land_area_m2"]
    list_filter = ["park"]
    list_select_related = ["park"]
    search_fields = ["code", "name"]

    def get_fields(self, request, obj=None):
        return ["park", *BUILDING_WRITABLE]

    def get_readonly_fields(self, request, obj=None):
        return ["park"] if obj else []  # the units' copied park depends on it

    def create_record(self, data, *, actor):
        fields = _fields(data, BUILDING_WRITABLE)
        return services.building_create(park=data["park"], data=fields, actor=actor)

    def update_record(self, record, changes, *, actor):
        return services.building_update(building=record, data=changes, actor=actor)

    def delete_record(self, record, *, actor):
        services.building_delete(building=record, actor=actor)


@admin.register(Floor)
class FloorAdmin(ServiceAdmin):
    list_display = ["__str__", "building", "level", "name", "plan_width", "plan_height"]
    list_filter = ["building__park", "building"]
    list_select_related = ["building"]
    search_fields = ["name", "building__code", "building__name"]

    def get_fields(self, request, obj=None):
        return ["building", *FLOOR_WRITABLE, *(["floor_map"] if obj else [])]

    def get_readonly_fields(self, request, obj=None):
        return ["building", "floor_map"] if obj else []

    @admin.display(description=_("map today"))
    def floor_map(self, floor):
        url = reverse("admin:park_floor_map", args=[floor.pk])
        return format_html(
            '<a href="{url}"><img src="{url}" alt="{alt}" style="max-width:100%;height:auto;'
            'border:1px solid var(--hairline-color)"></a>',
            url=url,
            alt=gettext("Map of %(floor)s") % {"floor": floor},
        )

    def get_urls(self):
        map_png = path(
            "<uuid:object_id>/map.png",
            self.admin_site.admin_view(self.map_view),
            name="park_floor_map",
        )
        return [map_png, *super().get_urls()]

    def map_view(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        floor = get_object_or_404(Floor.objects.select_related("building"), pk=object_id)
        on = parse_day(request.GET.get("on")) or today()
        return HttpResponse(
            floor_map_png(floor=floor, on=on, viewer=request.user), content_type="image/png"
        )

    def create_record(self, data, *, actor):
        fields = _fields(data, FLOOR_WRITABLE)
        return services.floor_create(building=data["building"], data=fields, actor=actor)

    def update_record(self, record, changes, *, actor):
        return services.floor_update(floor=record, data=changes, actor=actor)

    def delete_record(self, record, *, actor):
        services.floor_delete(floor=record, actor=actor)


# --- units ------------------------------------------------------------------------------------


def _polygon_points(polygon) -> list[tuple[float, float]] | None:
    """The stored polygon as (x, y) numbers, or None when there is none to draw."""
    try:
        points = [(float(x), float(y)) for x, y in polygon]
    except (TypeError, ValueError):
        return None
    return points if len(points) >= 3 else None


class FreeOnDateFilter(admin.SimpleListFilter):
    """Units with room on a day: an active exclusive unit with no lease, or an active pool
    with at least one free desk. `?free_on=YYYY-MM-DD` takes any day."""

    title = _("free on")
    parameter_name = "free_on"

    def lookups(self, request, model_admin):
        day = today()
        next_month = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        choices = [
            (day, _("today")),
            (day + timedelta(days=7), _("in a week")),
            (next_month, _("the 1st of next month")),
            (day + timedelta(days=30), _("in 30 days")),
            (day + timedelta(days=90), _("in 90 days")),
        ]
        value = self.value()
        if value and value not in {choice.isoformat() for choice, _label in choices}:
            choices.append((value, value))  # a day typed into the URL shows as chosen
        return [(str(choice), label) for choice, label in choices]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        day = parse_day(self.value())
        if day is None:
            raise IncorrectLookupParameters(f"free_on={self.value()!r} is not a date")
        leased = queryset.annotate(desks_leased_that_day=leased_desks_subquery(day))
        return leased.filter(
            Q(kind__in=EXCLUSIVE_KINDS, desks_leased_that_day=0)
            | Q(kind=UnitKind.COWORKING, desks_leased_that_day__lt=F("capacity")),
            is_active=True,
        )


@admin.register(Unit)
class UnitAdmin(ServiceAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "floor",
        "capacity",
        "occupancy_today",
        "current_tenant",
        "is_active",
        "lease_link",
    ]
    list_filter = [
        FreeOnDateFilter,
        "floor__building__park",
        "floor__building",
        "floor",
        "kind",
        "is_active",
    ]
    list_select_related = ["floor__building"]
    search_fields = ["code", "name"]
    ordering = ["code"]
    shown_on_change = ["polygon_preview", "lease_history"]
    actions = [
        csv_export_action(
            fields=[
                "code",
                "name",
                (_("Building"), "floor__building__name"),
                "kind",
                "area_m2",
                "capacity",
                "monthly_rate_vnd",
                "is_active",
            ],
            filename="units.csv",
            prepare=lambda units: units.select_related("floor__building"),
        )
    ]

    def get_fields(self, request, obj=None):
        return [*UNIT_WRITABLE, *(self.shown_on_change if obj else [])]

    def get_readonly_fields(self, request, obj=None):
        return self.shown_on_change if obj else []

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "plan_polygon":  # a short line of points, not a JSON editor
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 60})
            kwargs["help_text"] = _(
                "Corners as [[x, y], …] in the floor plan's units; drawn below as the plan."
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("on the floor plan"))
    def polygon_preview(self, unit):
        """The unit's polygon drawn inside its floor's plan (an inline SVG)."""
        floor = unit.floor
        points = _polygon_points(unit.plan_polygon)
        if points is None:
            return gettext("No polygon: the unit is not drawn on the floor map.")
        drawn = " ".join(f"{x:g},{y:g}" for x, y in points)
        return format_html(
            '<svg class="unit-polygon" role="img" aria-label="{label}" width="360" '
            'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
            'style="max-width:100%;height:auto;border:1px solid var(--hairline-color)">'
            '<rect width="{width}" height="{height}" fill="#f6f6f6"/>'
            '<polygon points="{points}" fill="#4f81bd" fill-opacity="0.6" stroke="#2c4d75" '
            'stroke-width="{stroke}"/></svg>',
            label=gettext("%(unit)s on %(floor)s") % {"unit": unit.code, "floor": floor},
            width=floor.plan_width,
            height=floor.plan_height,
            points=drawn,
            stroke=max(floor.plan_width, floor.plan_height) // 200 or 1,
        )

    @admin.display(description=_("leases"))
    def lease_history(self, unit):
        """Every lease of the unit, newest first, each linked to its page."""
        leases = unit_leases(unit)
        if not leases:
            return gettext("No leases yet.")
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td>'
            '<td class="number">{}</td><td class="number">{}</td><td>{}</td></tr>',
            (
                (
                    reverse("admin:park_lease_change", args=[lease.pk]),
                    tenant_name(lease.company),
                    lease.start_date.isoformat(),
                    lease.end_date.isoformat() if lease.end_date else gettext("open end"),
                    LeaseStatus(lease.status_on(today())).label,
                    lease.desks,
                    format_vnd(lease.monthly_rent_vnd),
                    lease.contract_number or "",
                )
                for lease in leases
            ),
        )
        titles = (
            gettext("Company"),
            gettext("Start"),
            gettext("End"),
            gettext("Status today"),
            gettext("Desks"),
            gettext("Monthly rent"),
            gettext("Contract"),
        )
        headings = format_html_join("", "<th>{}</th>", ((title,) for title in titles))
        return format_html(
            '<table class="unit-leases"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
            headings,
            rows,
        )

    def get_queryset(self, request):
        # Today's leased desks and tenant come with the page's one query (no per-row queries).
        day = today()
        covering = leases_covering(day).filter(unit=OuterRef("pk"))
        first_tenant = (
            covering.order_by(*TENANT_ORDER)
            .annotate(
                tenant=Coalesce(NullIf("company__short_name", Value("")), "company__legal_name")
            )
            .values("tenant")[:1]
        )
        tenant_count = (
            covering.order_by()
            .values("unit")
            .annotate(companies=Count("company", distinct=True))
            .values("companies")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                desks_on_lease=leased_desks_subquery(day),
                tenant_today=Subquery(first_tenant),
                tenants_today=Coalesce(Subquery(tenant_count), Value(0)),
            )
        )

    @admin.display(description=_("occupancy today"))
    def occupancy_today(self, unit):
        figures = unit_occupancy(
            kind=unit.kind, capacity=unit.capacity, desks_on_lease=unit.desks_on_lease
        )
        return f"{figures['leased']}/{figures['capacity']} ({figures['rate'] * 100:.0f}%)"

    @admin.display(description=_("tenant today"))
    def current_tenant(self, unit):
        return tenants_label(unit.tenant_today or "", unit.tenants_today) or "-"

    @admin.display(description=_("lease"))
    def lease_link(self, unit):
        if not unit.is_active:
            return "-"
        url = reverse("admin:park_lease_add") + f"?unit={unit.pk}"
        return format_html('<a href="{}">{}</a>', url, gettext("Lease…"))

    def get_urls(self):
        pages = [
            path(
                "availability/",
                self.admin_site.admin_view(self.availability_view),
                name="park_unit_availability",
            ),
            path(
                "timeline/",
                self.admin_site.admin_view(self.timeline_view),
                name="park_unit_timeline",
            ),
        ]
        return [*pages, *super().get_urls()]

    def availability_view(self, request):
        return planning.availability_view(self, request)

    def timeline_view(self, request):
        return planning.timeline_view(self, request)

    def create_record(self, data, *, actor):
        return services.unit_create(data=_fields(data, UNIT_WRITABLE), actor=actor)

    def update_record(self, record, changes, *, actor):
        return services.unit_update(unit=record, data=changes, actor=actor)

    def delete_record(self, record, *, actor):
        services.unit_delete(unit=record, actor=actor)
