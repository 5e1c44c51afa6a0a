"""The two park rules of design/bookings.md: a bookable room is never leased, and a room with
a lease in force is not made bookable; only meeting rooms are bookable. Through the API, so
the problem bodies are checked too; plus the booking settings and `?bookable=true`."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from park.models import Lease, Unit
from tests.factories import make_company, make_lease, make_park, make_unit

pytestmark = pytest.mark.django_db


def test_a_bookable_room_cannot_be_leased(manager_client):
    room = make_unit(kind="meeting_room", bookable=True)
    body = {"unit": str(room.pk), "company": str(make_company().pk), "start_date": "2027-01-01"}

    response = manager_client.post("/api/v1/leases/", body, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "type": "/problems/unit-unavailable",
        "title": "Unit not available",
        "status": 409,
        "detail": f"Meeting room {room.code} is booked by the hour, not leased.",
        "code": "unit_unavailable",
        "instance": "/api/v1/leases/",
        "conflicts": [],
        "reason": "bookable",
    }
    assert Lease.objects.count() == 0


@pytest.mark.parametrize(
    ("start", "end"),
    [(-30, None), (-30, 0), (10, 40)],  # running open-ended, ending today, upcoming
)
def test_a_room_with_a_lease_in_force_cannot_be_made_bookable(manager_client, start, end):
    today = timezone.localdate()
    room = make_unit(kind="meeting_room")
    make_lease(
        unit=room,
        start_date=today + timedelta(days=start),
        end_date=None if end is None else today + timedelta(days=end),
    )

    response = manager_client.patch(f"/api/v1/units/{room.pk}/", {"bookable": True}, format="json")

    assert (response.status_code, response.json()["code"]) == (409, "in_use")
    assert Unit.objects.get(pk=room.pk).bookable is False


def test_a_room_whose_leases_ended_becomes_bookable_with_an_hourly_rate(manager_client):
    room = make_unit(kind="meeting_room")
    make_lease(unit=room, start_date=date(2020, 1, 1), end_date=date(2020, 12, 31))

    response = manager_client.patch(
        f"/api/v1/units/{room.pk}/", {"bookable": True, "hourly_rate_vnd": 250_000}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["bookable"], response.json()["hourly_rate_vnd"]) == (True, 250_000)


def test_only_a_meeting_room_is_bookable(manager_client):
    office = make_unit(kind="office")
    response = manager_client.patch(
        f"/api/v1/units/{office.pk}/", {"bookable": True}, format="json"
    )
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("bookable", "invalid")]

    room = make_unit(kind="meeting_room", bookable=True)
    kind = manager_client.patch(f"/api/v1/units/{room.pk}/", {"kind": "office"}, format="json")
    assert kind.status_code == 400
    assert Unit.objects.get(pk=room.pk).kind == "meeting_room"


def test_the_unit_list_filters_bookable_rooms(manager_client):
    room = make_unit(kind="meeting_room", bookable=True)
    make_unit(floor=room.floor)
    response = manager_client.get("/api/v1/units/?bookable=true")
    assert [row["id"] for row in response.json()["results"]] == [str(room.pk)]
    assert manager_client.get("/api/v1/units/?bookable=maybe").status_code == 400


def test_a_parks_booking_settings_are_written_by_managers(manager_client):
    park = make_park()
    response = manager_client.patch(
        f"/api/v1/parks/{park.pk}/",
        {
            "booking_opens": "08:00",
            "booking_closes": "20:30",
            "booking_horizon_days": 60,
            "booking_free_cancel_hours": 12,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["booking_opens"], body["booking_closes"]) == ("08:00", "20:30")
    assert (body["booking_horizon_days"], body["booking_free_cancel_hours"]) == (60, 12)

    backwards = manager_client.patch(
        f"/api/v1/parks/{park.pk}/", {"booking_closes": "07:00"}, format="json"
    )
    assert backwards.status_code == 400
    assert backwards.json()["errors"][0]["field"] == "booking_closes"


def test_a_leases_meeting_hours_are_written_on_create_and_by_patch(manager_client):
    office = make_unit()
    body = {
        "unit": str(office.pk),
        "company": str(make_company().pk),
        "start_date": "2027-01-01",
        "meeting_hours_monthly": 4.5,
    }
    created = manager_client.post("/api/v1/leases/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["meeting_hours_monthly"] == 4.5

    url = f"/api/v1/leases/{created.json()['id']}/"
    changed = manager_client.patch(url, {"meeting_hours_monthly": 6}, format="json")
    assert changed.json()["meeting_hours_monthly"] == 6.0
    negative = manager_client.patch(url, {"meeting_hours_monthly": -1}, format="json")
    assert negative.status_code == 400
