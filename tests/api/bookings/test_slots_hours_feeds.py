"""`/units/{id}/slots/`, `/companies/{id}/hours/`, the calendar token and the iCalendar feeds
(parsed with the `icalendar` library) of design/bookings.md."""

from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from icalendar import Calendar

from bookings.services import booking_cancel
from tests.bookings.factories import at, book, make_tenant
from tests.factories import make_manager, make_representative, make_unit, make_user

pytestmark = pytest.mark.django_db


def test_the_free_slots_of_a_day_are_merged_around_the_bookings(rep_client, room, company, day):
    book(room, company, at(day, 9), at(day, 10), now=timezone.now())
    book(room, company, at(day, 10), at(day, 11, 30), now=timezone.now())  # back to back
    book(room, company, at(day, 14), at(day, 15), now=timezone.now())

    response = rep_client.get(f"/api/v1/units/{room.pk}/slots/", {"date": day.isoformat()})

    assert response.status_code == 200
    d = day.isoformat()
    assert response.json() == [
        {"starts_at": f"{d}T07:00:00+07:00", "ends_at": f"{d}T09:00:00+07:00"},
        {"starts_at": f"{d}T11:30:00+07:00", "ends_at": f"{d}T14:00:00+07:00"},
        {"starts_at": f"{d}T15:00:00+07:00", "ends_at": f"{d}T22:00:00+07:00"},
    ]


def test_slots_need_a_date_and_a_bookable_room(rep_client, room):
    missing = rep_client.get(f"/api/v1/units/{room.pk}/slots/")
    assert missing.json()["errors"][0]["field"] == "date"
    office = make_unit(floor=room.floor)
    assert rep_client.get(f"/api/v1/units/{office.pk}/slots/?date=2027-01-04").status_code == 404


def test_a_companys_hours_of_a_month(rep_client, room, company, day):
    company.leases.update(meeting_hours_monthly=Decimal("1.5"))
    book(room, company, at(day, 9), at(day, 11), now=timezone.now())
    month = f"{day:%Y-%m}"

    response = rep_client.get(f"/api/v1/companies/{company.pk}/hours/", {"month": month})

    assert response.status_code == 200
    assert response.json() == {
        "allowance": 1.5,
        "used": 2.0,
        "overage": 0.5,
        "overage_vnd": 100_000,  # half an hour at 200 000 VND
    }
    assert rep_client.get(f"/api/v1/companies/{company.pk}/hours/?month=2027-13").status_code == 400


def test_others_read_no_companys_hours(api_client, room, company):
    other = make_tenant(room, start_date=timezone.localdate(), end_date=None)
    api_client.force_authenticate(make_representative(other))
    response = api_client.get(f"/api/v1/companies/{company.pk}/hours/?month=2027-01")
    assert response.status_code == 404
    api_client.force_authenticate(make_manager())
    assert api_client.get(f"/api/v1/companies/{company.pk}/hours/?month=2027-01").status_code == 200


def test_the_calendar_token_is_made_once_then_the_same_until_revoked(api_client):
    api_client.force_authenticate(make_user())
    first = api_client.get("/api/v1/auth/me/calendar-token/").json()["token"]
    assert api_client.get("/api/v1/auth/me/calendar-token/").json() == {"token": first}

    from bookings.models import CalendarToken

    stored = CalendarToken.objects.get()
    assert first not in stored.token_encrypted  # not in clear
    assert stored.token_hash != first

    assert api_client.delete("/api/v1/auth/me/calendar-token/").status_code == 204
    assert api_client.get("/api/v1/auth/me/calendar-token/").json()["token"] != first


def _token(user) -> str:
    from bookings.services import calendar_token_get

    return calendar_token_get(user=user)


def _events(response) -> dict[str, dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {
        str(event["UID"]): {
            "summary": str(event["SUMMARY"]),
            "status": str(event["STATUS"]),
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "location": str(event["LOCATION"]),
            "description": str(event.get("DESCRIPTION", "")),
        }
        for event in calendar.walk("VEVENT")
    }


@pytest.fixture
def bookings(room, company, day):
    now = timezone.now()
    other = make_tenant(room, start_date=timezone.localdate(), end_date=None)
    mine = book(room, company, at(day, 9), at(day, 10), now=now, title="Our standup")
    theirs = book(room, other, at(day, 10), at(day, 11), now=now, title="Their secret")
    dropped = book(room, company, at(day, 14), at(day, 15), now=now, title="Dropped")
    booking_cancel(booking=dropped, actor=None)
    return {"mine": mine, "theirs": theirs, "dropped": dropped, "other": other}


def test_a_representatives_room_feed_shows_other_companies_as_busy(
    api_client, representative, room, company, bookings
):
    response = api_client.get(
        f"/api/v1/calendars/rooms/{room.pk}.ics?token={_token(representative)}"
    )

    events = _events(response)
    mine, theirs, dropped = bookings["mine"], bookings["theirs"], bookings["dropped"]
    location = f"M-201, {room.floor.building}"
    assert events == {
        f"{mine.pk}@softpark": {
            "summary": "Our standup",
            "status": "CONFIRMED",
            "start": mine.starts_at.astimezone(UTC),
            "end": mine.ends_at.astimezone(UTC),
            "location": location,
            "description": company.legal_name,
        },
        f"{theirs.pk}@softpark": {
            "summary": "Busy",
            "status": "CONFIRMED",
            "start": theirs.starts_at.astimezone(UTC),
            "end": theirs.ends_at.astimezone(UTC),
            "location": location,
            "description": "",
        },
        f"{dropped.pk}@softpark": {
            "summary": "Dropped",
            "status": "CANCELLED",
            "start": dropped.starts_at.astimezone(UTC),
            "end": dropped.ends_at.astimezone(UTC),
            "location": location,
            "description": company.legal_name,
        },
    }
    assert b"Their secret" not in response.content
    assert bookings["other"].legal_name.encode() not in response.content
    starts = [line for line in response.content.splitlines() if line.startswith(b"DTSTART")]
    assert all(line.endswith(b"Z") for line in starts)  # in UTC
    assert len(starts) == 3


def test_a_company_feed_is_for_its_representatives_and_managers(
    api_client, representative, company, bookings
):
    url = f"/api/v1/calendars/companies/{company.pk}.ics?token="
    mine = _events(api_client.get(url + _token(representative)))
    assert set(mine) == {f"{bookings['mine'].pk}@softpark", f"{bookings['dropped'].pk}@softpark"}
    assert _events(api_client.get(url + _token(make_manager()))) == mine

    stranger = make_representative(bookings["other"])
    assert api_client.get(url + _token(stranger)).status_code == 404
    other_url = f"/api/v1/calendars/companies/{bookings['other'].pk}.ics?token="
    assert set(_events(api_client.get(other_url + _token(stranger)))) == {
        f"{bookings['theirs'].pk}@softpark"
    }


def test_a_cancelled_booking_leaves_the_feeds_thirty_days_after_its_start(
    api_client, representative, company, bookings
):
    from bookings.feeds import company_feed

    later = bookings["dropped"].starts_at + timedelta(days=30, minutes=1)
    calendar = Calendar.from_ical(company_feed(company=company, now=later))
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [f"{bookings['mine'].pk}@softpark"]


def test_a_manager_reads_every_title_in_a_room_feed(api_client, room, bookings):
    events = _events(
        api_client.get(f"/api/v1/calendars/rooms/{room.pk}.ics?token={_token(make_manager())}")
    )
    assert sorted(e["summary"] for e in events.values()) == [
        "Dropped",
        "Our standup",
        "Their secret",
    ]


def test_applicants_and_revoked_or_missing_tokens_get_404(
    api_client, representative, room, company, bookings
):
    from bookings.services import calendar_token_revoke

    url = f"/api/v1/calendars/rooms/{room.pk}.ics"
    assert api_client.get(f"{url}?token={_token(make_user())}").status_code == 404
    token = _token(representative)
    assert api_client.get(f"{url}?token={token}").status_code == 200
    calendar_token_revoke(user=representative)
    revoked = api_client.get(f"{url}?token={token}")
    assert (revoked.status_code, revoked.json()["code"]) == (404, "not_found")
    assert api_client.get(url).status_code == 404
    assert api_client.get(f"{url}?token=guess").status_code == 404
