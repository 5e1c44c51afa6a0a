"""Bookings in the admin (design/bookings.md, Admin): a day view of the bookable rooms (rooms
as rows, half hours as columns, bookings as blocks with the company's name), a booking form
through `booking_create` (a conflict is a form error), cancel as a list action, and the
month's hours per company. Bookings are never deleted."""

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import is_manager
from bookings import services
from bookings.models import BOOKING_WRITABLE, Booking, BookingStatus
from bookings.selectors import bookings_overlapping, month_hours
from core.admin import ServiceAdmin, ServiceForm, service_action
from core.formatting import format_vnd
from park.models import Park, Unit

HALF_HOUR = timedelta(minutes=30)
TIMES = [time(hour, minute) for hour in range(24) for minute in (0, 30)]
TIME_CHOICES = [(f"{t:%H:%M}", f"{t:%H:%M}") for t in TIMES]


def _parse_time(text: str) -> time:
    return datetime.strptime(text, "%H:%M").time()  # noqa: DTZ007 - a wall-clock time of day


class BookingAddForm(ServiceForm):
    """A room, a local day and half-hour start and end times; the service keeps every rule."""

    day = forms.DateField(
        label=_("day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    starts_at = forms.TypedChoiceField(label=_("from"), choices=TIME_CHOICES, coerce=_parse_time)
    ends_at = forms.TypedChoiceField(label=_("to"), choices=TIME_CHOICES, coerce=_parse_time)

    class Meta:
        model = Booking
        fields = ["unit", "company", "title", "attendees"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(bookable=True).order_by("code", "pk")


class BookingChangeForm(ServiceForm):
    class Meta:
        model = Booking
        fields = list(BOOKING_WRITABLE)


def _cancel(booking, *, actor):
    return services.booking_cancel(booking=booking, actor=actor)


class DayForm(forms.Form):
    day = forms.DateField(
        label=_("Day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    park = forms.ModelChoiceField(
        label=_("Park"), queryset=Park.objects.order_by("-is_home", "name"), required=False
    )


def _refuse_unless_manager(request):
    if not is_manager(request.user):
        raise PermissionDenied


def day_grid(*, park: Park, day: date) -> dict:
    """The day view's table: the half hours of the park's opening hours, and per bookable
    room its cells in order, each a booking block (spanning its half hours) or a free half
    hour."""
    opens = timezone.make_aware(datetime.combine(day, park.booking_opens))
    closes = timezone.make_aware(datetime.combine(day, park.booking_closes))
    slots = []
    moment = opens
    while moment < closes:
        slots.append(moment)
        moment += HALF_HOUR
    rooms = Unit.objects.filter(park=park, bookable=True).select_related("floor__building")
    rows = []
    for room in rooms.order_by("code", "pk"):
        taken = {}
        for booking in bookings_overlapping(unit=room, starts_at=opens, ends_at=closes):
            taken[max(booking.starts_at, opens)] = booking
        cells, index = [], 0
        while index < len(slots):
            start = slots[index]
            booking = taken.get(start)
            if booking is not None:
                span = max(1, int((min(booking.ends_at, closes) - start) / HALF_HOUR))
                cells.append({"booking": booking, "span": span})
                index += span
                continue
            end = start + HALF_HOUR
            query = {
                "unit": room.pk,
                "day": day.isoformat(),
                "starts_at": f"{timezone.localtime(start):%H:%M}",
                "ends_at": f"{timezone.localtime(end):%H:%M}",
            }
            link = reverse("admin:bookings_booking_add") + "?" + urlencode(query)
            cells.append({"booking": None, "span": 1, "start": start, "link": link})
            index += 1
        rows.append({"room": room, "cells": cells})
    return {"slots": slots, "rows": rows}


@admin.register(Booking)
class BookingAdmin(ServiceAdmin):
    list_display = ["unit", "company", "starts_at", "ends_at", "title", "status", "late_cancel"]
    list_filter = ["status", "late_cancel", "unit__park", "unit"]
    list_select_related = ["unit", "company"]
    search_fields = ["title", "company__legal_name", "unit__code"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at"]
    actions = [
        service_action(
            name="cancel_bookings",
            description=_("Cancel the selected bookings"),
            done_message=_("%(count)d booking(s) cancelled."),
            call=_cancel,
        )
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = BookingChangeForm if obj else BookingAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["unit", "day", "starts_at", "ends_at", "company", "title", "attendees"]
        return [
            "unit",
            "company",
            "starts_at",
            "ends_at",
            *BOOKING_WRITABLE,
            "status",
            "cancelled_at",
            "late_cancel",
            "booked_by",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "unit",
            "company",
            "starts_at",
            "ends_at",
            "status",
            "cancelled_at",
            "late_cancel",
            "booked_by",
        ]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("attendees", 1)
        return initial

    def has_delete_permission(self, request, obj=None):
        return False  # bookings are cancelled, never deleted

    def create_record(self, data, *, actor):
        day = data["day"]
        return services.booking_create(
            unit=data["unit"],
            company=data["company"],
            starts_at=timezone.make_aware(datetime.combine(day, data["starts_at"])),
            ends_at=timezone.make_aware(datetime.combine(day, data["ends_at"])),
            title=data["title"],
            attendees=data["attendees"],
            actor=actor,
        )

    def update_record(self, record, changes, *, actor):
        return services.booking_update(booking=record, data=changes, actor=actor)

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" in request.POST or "_continue" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        super().response_add(request, obj, post_url_continue)  # its success message
        day = timezone.localdate(obj.starts_at)
        query = urlencode({"day": day.isoformat(), "park": obj.unit.park_id})
        return HttpResponseRedirect(reverse("admin:bookings_booking_day") + "?" + query)

    def get_urls(self):
        return [
            path("day/", self.admin_site.admin_view(self.day_view), name="bookings_booking_day"),
            path(
                "hours/",
                self.admin_site.admin_view(self.hours_view),
                name="bookings_booking_hours",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    def day_view(self, request):
        """Bookable rooms as rows, the park's half hours as columns; a free half hour links
        to the booking form for it."""
        _refuse_unless_manager(request)
        form = DayForm(request.GET)
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
        day = data.get("day") or timezone.localdate()
        park = data.get("park") or Park.objects.order_by("-is_home", "name").first()
        grid = day_grid(park=park, day=day) if park else {"slots": [], "rows": []}
        context = self._context(
            request,
            title=gettext("Meeting rooms on %(day)s") % {"day": day.isoformat()},
            form=DayForm(initial={"day": day, "park": park}),
            day=day,
            park=park,
            grid=grid,
            previous_day=urlencode(
                {"day": day - timedelta(days=1), "park": park.pk if park else ""}
            ),
            next_day=urlencode({"day": day + timedelta(days=1), "park": park.pk if park else ""}),
            confirmed=BookingStatus.CONFIRMED,
        )
        return TemplateResponse(request, "admin/bookings/day.html", context)

    def hours_view(self, request):
        """The month's hours per company: allowance, used, overage and its price."""
        _refuse_unless_manager(request)
        try:
            month = datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()  # noqa: DTZ007
        except ValueError:
            month = timezone.localdate().replace(day=1)
        rows = [
            {**row, "overage_price": format_vnd(row["overage_vnd"])}
            for row in month_hours(month=month)
        ]
        context = self._context(
            request,
            title=gettext("Meeting-room hours of %(month)s") % {"month": f"{month:%m/%Y}"},
            month=month,
            rows=rows,
        )
        return TemplateResponse(request, "admin/bookings/hours.html", context)
