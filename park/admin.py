"""The park manager's daily tool: space, leases, occupancy and floor maps.

Every save and delete goes through park/services.py. A model form validates the fields and
then, in `clean()`, calls the service; a refusal (a taken code, a unit already leased) becomes
a form error on the page instead of a 500, and the service's own transaction means a refusal
writes nothing. Each record keeps its history (SimpleHistoryAdmin).
"""

import calendar
from datetime import date, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.errors import DomainError
from park import services
from park.exceptions import UnitUnavailable
from park.maps import floor_map_png
from park.models import EXCLUSIVE_KINDS, Building, Floor, Lease, LeaseStatus, Park, Unit, UnitKind
from park.occupancy import (
    leases_ending_within,
    occupancy_rows,
    occupancy_series,
    unit_occupancy,
)
from park.selectors import leased_desks_subquery, leases_covering, leases_in_status

ENDING_WITHIN_DAYS = 90

# The admin index links the occupancy dashboard (park/templates/admin/park/site_index.html extends
# Django's own index). Only set when nobody else has replaced the index.
if admin.site.index_template is None:
    admin.site.index_template = "admin/park/site_index.html"


def today() -> date:
    return timezone.localdate()


def parse_day(text: str | None) -> date | None:
    """`YYYY-MM-DD` as a date; None for anything else (2027-02-30 included)."""
    try:
        return parse_date(text or "")
    except ValueError:
        return None


# --- saving through the services --------------------------------------------------------------


class ServiceForm(forms.ModelForm):
    """A model form whose `clean()` saves through the admin's service calls.

    `service_admin` and `actor` are set by ServiceAdmin.get_form. Model validation is the
    service's (it calls full_clean), so `_post_clean` does not run it a second time on an
    instance that is already saved.
    """

    service_admin = None
    actor = None
    saved = False

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            if self.instance._state.adding:
                self.instance = self.service_admin.create_record(data, actor=self.actor)
            else:
                changes = {name: data[name] for name in self.changed_data if name in data}
                if changes:
                    self.instance = self.service_admin.update_record(
                        self.instance, changes, actor=self.actor
                    )
            self.saved = True
        except DomainError as error:
            self.add_error(
                error.field if error.field in self.fields else None,
                DjangoValidationError(self.service_admin.error_message(error), code=error.code),
            )
        except DjangoValidationError as error:
            self._add_model_errors(error)
        return data

    def _add_model_errors(self, error: DjangoValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)

    def _post_clean(self):
        pass


class ServiceAdmin(SimpleHistoryAdmin):
    """Saves and deletes through park.services; never a 500 for a refused change."""

    form = ServiceForm

    def create_record(self, data: dict, *, actor):
        raise NotImplementedError

    def update_record(self, record, changes: dict, *, actor):
        raise NotImplementedError

    def delete_record(self, record, *, actor) -> None:
        raise NotImplementedError

    def error_message(self, error: DomainError):
        return error.detail

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"service_admin": self, "actor": request.user})

    def save_model(self, request, obj, form, change):
        # The form's clean() has saved it through the service already.
        if not getattr(form, "saved", False):
            raise AssertionError("ServiceAdmin forms save in clean()")

    def delete_model(self, request, obj):
        self.delete_record(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for record in queryset.order_by("pk"):
            try:
                self.delete_record(record, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{record}: {error.detail}", messages.ERROR)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as error:  # e.g. in_use: the record stays, the manager is told why
            self.message_user(request, error.detail, messages.ERROR)
            return HttpResponseRedirect(request.path.rsplit("delete/", 1)[0] + "change/")


def _fields(data: dict, names) -> dict:
    return {name: data[name] for name in names if name in data}


# --- parks, buildings, floors -----------------------------------------------------------------


@admin.register(Park)
class ParkAdmin(ServiceAdmin):
    list_display = ["name", "slug", "city", "province", "land_area_m2", "is_home"]
    list_filter = ["is_home", "province"]
    search_fields = ["name", "slug", "city", "province"]
    fields = ["name", "slug", "city", "province", "land_area_m2", "is_home"]

    def create_record(self, data, *, actor):
        return services.park_create(actor=actor, **_fields(data, self.fields))

    def update_record(self, record, changes, *, actor):
        return services.park_update(park=record, actor=actor, **changes)

    def delete_record(self, record, *, actor):
        services.park_delete(park=record, actor=actor)

    def get_urls(self):
        dashboard = path(
            "occupancy/",
            self.admin_site.admin_view(self.occupancy_view),
            name="park_park_occupancy",
        )
        return [dashboard, *super().get_urls()]

    def occupancy_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        parks = list(Park.objects.order_by("-is_home", "name"))
        chosen = next((park for park in parks if str(park.pk) == request.GET.get("park")), None)
        park = chosen or (parks[0] if parks else None)
        on = parse_day(request.GET.get("on"))
        if request.GET.get("on") and on is None:
            self.message_user(request, gettext("Not a date; showing today."), messages.WARNING)
        on = on or today()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Occupancy"),
            "opts": self.model._meta,
            "parks": parks,
            "park": park,
            "on": on,
        }
        if park is not None:
            first_month = _months_before(on, 11)
            series = occupancy_series(park=park, start=first_month, end=on)
            context.update(
                by_building=occupancy_rows(park=park, on=on, group_by="building"),
                by_kind=occupancy_rows(park=park, on=on, group_by="kind"),
                totals=occupancy_rows(park=park, on=on, group_by="park"),
                chart=_bar_chart(series),
                series=series,
                ending=list(leases_ending_within(days=ENDING_WITHIN_DAYS, on=on, park=park)[:50]),
                ending_days=ENDING_WITHIN_DAYS,
                floors=Floor.objects.filter(building__park=park).select_related("building"),
            )
        return TemplateResponse(request, "admin/park/occupancy.html", context)


def _months_before(day: date, months: int) -> date:
    """The first day of the month `months` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _bar_chart(series: list[dict]) -> dict:
    """Bars of the monthly occupancy rate for an inline SVG (no JavaScript)."""
    width, height, left, bottom, top = 720, 240, 44, 28, 12
    plot = height - bottom - top
    step = (width - left - 8) / max(len(series), 1)
    bars = []
    for index, row in enumerate(series):
        bar_height = float(row["rate"]) * plot
        year, month = (int(part) for part in row["month"].split("-"))
        bars.append(
            {
                "x": round(left + index * step + step * 0.15, 1),
                "y": round(top + plot - bar_height, 1),
                "width": round(step * 0.7, 1),
                "height": round(bar_height, 1),
                "label": f"{calendar.month_abbr[month]} {year % 100:02d}",
                "label_x": round(left + index * step + step / 2, 1),
                "percent": f"{float(row['rate']) * 100:.0f}%",
                "title": f"{row['month']}: {row['leased']}/{row['capacity']}",
            }
        )
    grid = [
        {"y": round(top + plot - plot * fraction, 1), "label": f"{fraction * 100:.0f}%"}
        for fraction in (0, 0.25, 0.5, 0.75, 1)
    ]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - 8,
        "baseline": top + plot,
        "label_y": height - 8,
        "bars": bars,
        "grid": grid,
    }


@admin.register(Building)
class BuildingAdmin(ServiceAdmin):
    list_display = ["code", "name", "park", "gross_area_m2", "land_area_m2"]
    list_filter = ["park"]
    list_select_related = ["park"]
    search_fields = ["code", "name"]
    editable = ["code", "name", "gross_area_m2", "land_area_m2"]

    def get_fields(self, request, obj=None):
        return ["park", *self.editable]

    def get_readonly_fields(self, request, obj=None):
        return ["park"] if obj else []  # the units' copied park depends on it

    def create_record(self, data, *, actor):
        fields = _fields(data, self.editable)
        return services.building_create(park=data["park"], actor=actor, **fields)

    def update_record(self, record, changes, *, actor):
        return services.building_update(building=record, actor=actor, **changes)

    def delete_record(self, record, *, actor):
        services.building_delete(building=record, actor=actor)


@admin.register(Floor)
class FloorAdmin(ServiceAdmin):
    list_display = ["__str__", "building", "level", "name", "plan_width", "plan_height"]
    list_filter = ["building__park", "building"]
    list_select_related = ["building"]
    search_fields = ["name", "building__code", "building__name"]
    editable = ["level", "name", "plan_width", "plan_height"]

    def get_fields(self, request, obj=None):
        return ["building", *self.editable, *(["floor_map"] if obj else [])]

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
        return HttpResponse(floor_map_png(floor=floor, on=on), content_type="image/png")

    def create_record(self, data, *, actor):
        fields = _fields(data, self.editable)
        return services.floor_create(building=data["building"], actor=actor, **fields)

    def update_record(self, record, changes, *, actor):
        return services.floor_update(floor=record, actor=actor, **changes)

    def delete_record(self, record, *, actor):
        services.floor_delete(floor=record, actor=actor)


# --- units ------------------------------------------------------------------------------------


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
    fields = [
        "floor",
        "code",
        "name",
        "kind",
        "area_m2",
        "capacity",
        "monthly_rate_vnd",
        "is_active",
        "plan_polygon",
    ]
    ordering = ["code"]

    def get_queryset(self, request):
        # Today's leased desks and tenant come with the page's one query (no per-row queries).
        day = today()
        covering = leases_covering(day).filter(unit=OuterRef("pk"))
        first_tenant = (
            covering.order_by("start_date", "pk")
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
        if not unit.tenant_today:
            return "-"
        if unit.tenants_today > 1:
            return f"{unit.tenant_today} +{unit.tenants_today - 1}"
        return unit.tenant_today

    @admin.display(description=_("lease"))
    def lease_link(self, unit):
        if not unit.is_active:
            return "-"
        url = reverse("admin:park_lease_add") + f"?unit={unit.pk}"
        return format_html('<a href="{}">{}</a>', url, gettext("Lease…"))

    def create_record(self, data, *, actor):
        rest = _fields(
            data, [name for name in self.fields if name not in {"floor", "code", "kind"}]
        )
        return services.unit_create(
            floor=data["floor"], code=data["code"], kind=data["kind"], actor=actor, **rest
        )

    def update_record(self, record, changes, *, actor):
        return services.unit_update(unit=record, actor=actor, **changes)

    def delete_record(self, record, *, actor):
        services.unit_delete(unit=record, actor=actor)


# --- leases -----------------------------------------------------------------------------------


def lease_label(lease: Lease) -> str:
    label = gettext("%(company)s, %(start)s to %(end)s, %(desks)d desk(s)") % {
        "company": lease.company,
        "start": lease.start_date.isoformat(),
        "end": lease.end_date.isoformat() if lease.end_date else gettext("open end"),
        "desks": lease.desks,
    }
    if lease.contract_number:
        label += gettext(", contract %(number)s") % {"number": lease.contract_number}
    return label


class LeaseAddForm(ServiceForm):
    desks = forms.IntegerField(
        label=_("desks"),
        required=False,
        min_value=1,
        help_text=_("A coworking pool: how many desks (default 1). Other units: leave empty."),
    )
    monthly_rent_vnd = forms.IntegerField(
        label=_("monthly rent (VND)"),
        required=False,
        min_value=0,
        help_text=_("Empty: the unit's rate (per desk for a pool)."),
    )

    class Meta:
        model = Lease
        fields = [
            "unit",
            "company",
            "start_date",
            "end_date",
            "desks",
            "monthly_rent_vnd",
            "deposit_vnd",
            "contract_number",
            "note",
        ]


class LeaseStatusFilter(admin.SimpleListFilter):
    title = _("status today")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return LeaseStatus.choices

    def queryset(self, request, queryset):
        if self.value() not in LeaseStatus.values:
            return queryset
        return leases_in_status(queryset, self.value(), on=today())


class EndingSoonFilter(admin.SimpleListFilter):
    title = _("ending")
    parameter_name = "ending_within"

    def lookups(self, request, model_admin):
        return [
            ("30", _("within 30 days")),
            (str(ENDING_WITHIN_DAYS), _("within 90 days")),
            ("365", _("within a year")),
        ]

    def queryset(self, request, queryset):
        if self.value() not in {"30", str(ENDING_WITHIN_DAYS), "365"}:
            return queryset
        ending = leases_ending_within(days=int(self.value()), on=today())
        return queryset.filter(pk__in=ending.values("pk"))


def _lease_action(name: str, description, done_message, call):
    def run(modeladmin, request, queryset):
        done = 0
        for lease in queryset.select_related("unit", "company").order_by("pk"):
            try:
                call(lease=lease, actor=request.user)
                done += 1
            except DomainError as error:
                modeladmin.message_user(
                    request, f"{lease_label(lease)}: {error.detail}", messages.WARNING
                )
        if done:
            modeladmin.message_user(request, done_message % {"count": done})

    run.__name__ = f"lease_{name}"
    run.short_description = description
    return run


def _terminate_today(*, lease, actor):
    return services.lease_terminate(lease=lease, end_date=today(), actor=actor)


def _add_one_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February: the next year's 28th
        return day.replace(year=day.year + 1, day=28)


def _renew_one_year(*, lease, actor):
    if lease.end_date is None:
        return services.lease_renew(lease=lease, end_date=None, actor=actor)  # refused: says why
    return services.lease_renew(lease=lease, end_date=_add_one_year(lease.end_date), actor=actor)


def _cancel(*, lease, actor):
    return services.lease_cancel(lease=lease, actor=actor)


@admin.register(Lease)
class LeaseAdmin(ServiceAdmin):
    list_display = [
        "unit",
        "company",
        "desks",
        "start_date",
        "end_date",
        "status_today",
        "monthly_rent_vnd",
        "contract_number",
    ]
    list_filter = [
        LeaseStatusFilter,
        EndingSoonFilter,
        "unit__park",
        "unit__kind",
    ]
    list_select_related = ["unit", "company"]
    search_fields = ["unit__code", "company__search_text", "contract_number"]
    autocomplete_fields = ["unit", "company"]
    date_hierarchy = "start_date"
    ordering = ["-start_date", "pk"]
    actions = [
        _lease_action(
            "terminated",
            _("Terminate today"),
            _("%(count)d lease(s) terminated."),
            _terminate_today,
        ),
        _lease_action(
            "renewed", _("Renew by one year"), _("%(count)d lease(s) renewed."), _renew_one_year
        ),
        _lease_action(
            "cancelled",
            _("Cancel (before the start)"),
            _("%(count)d lease(s) cancelled."),
            _cancel,
        ),
    ]
    editable_on_change = ["note", "deposit_vnd", "contract_number", "monthly_rent_vnd"]
    shown_on_change = [
        "unit",
        "company",
        "desks",
        "start_date",
        "end_date",
        "status_today",
        "cancelled_at",
        "version",
    ]

    @admin.display(description=_("status today"))
    def status_today(self, lease):
        return LeaseStatus(lease.status_on(today())).label

    def get_fields(self, request, obj=None):
        if obj is None:
            return LeaseAddForm.Meta.fields
        return [*self.shown_on_change, *self.editable_on_change]

    def get_readonly_fields(self, request, obj=None):
        return self.shown_on_change if obj else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = LeaseAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # leases are cancelled or terminated, never deleted

    def create_record(self, data, *, actor):
        return services.lease_create(
            unit=data["unit"],
            company=data["company"],
            start_date=data["start_date"],
            end_date=data.get("end_date"),
            desks=data.get("desks"),
            monthly_rent_vnd=data.get("monthly_rent_vnd"),
            deposit_vnd=data.get("deposit_vnd") or 0,
            contract_number=data.get("contract_number") or None,
            note=data.get("note") or "",
            actor=actor,
        )

    def update_record(self, record, changes, *, actor):
        return services.lease_update(lease=record, actor=actor, **changes)

    def error_message(self, error):
        if not isinstance(error, UnitUnavailable):
            return error.detail
        links = format_html_join(
            "; ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:park_lease_change", args=[lease.pk]), lease_label(lease))
                for lease in Lease.objects.filter(pk__in=[lease.pk for lease in error.leases])
                .select_related("company")
                .order_by("start_date", "pk")
            ),
        )
        return format_html("{} {} {}", error.detail, gettext("Conflicting leases:"), links)
