"""/bookings/ (design/bookings.md, API): book, read, change the title, cancel; who may."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.models import Booking
from tests.bookings.factories import at, book, make_tenant
from tests.factories import make_company, make_representative, make_user

pytestmark = pytest.mark.django_db


def body(room, day, start=(9, 0), end=(10, 30), **extra):
    return {
        "unit": str(room.pk),
        "starts_at": at(day, *start).isoformat(),
        "ends_at": at(day, *end).isoformat(),
        "title": "Họp khách hàng",
        "attendees": 5,
        **extra,
    }


def test_a_representative_books_for_their_company_by_default(rep_client, room, company, day):
    response = rep_client.post("/api/v1/bookings/", body(room, day), format="json")

    assert response.status_code == 201, response.json()
    booking = Booking.objects.get()
    assert response.json() == {
        "id": str(booking.pk),
        "unit": str(room.pk),
        "unit_code": "M-201",
        "park": str(room.park_id),
        "company": str(company.pk),
        "company_name": company.legal_name,
        "booked_by": str(response.wsgi_request.user.pk),
        "starts_at": f"{day.isoformat()}T09:00:00+07:00",
        "ends_at": f"{day.isoformat()}T10:30:00+07:00",
        "hours": 1.5,
        "title": "Họp khách hàng",
        "attendees": 5,
        "status": "confirmed",
        "cancelled_at": None,
        "late_cancel": False,
        "version": 1,
        "created_at": response.json()["created_at"],
        "updated_at": response.json()["updated_at"],
    }
    assert response["ETag"] == '"1"'


def test_utc_and_plus_seven_offsets_name_the_same_instant(rep_client, room, day):
    utc = {
        "starts_at": f"{day.isoformat()}T02:00:00Z",  # 09:00 in the park
        "ends_at": f"{day.isoformat()}T03:00:00Z",
    }
    first = rep_client.post("/api/v1/bookings/", {**body(room, day), **utc}, format="json")
    assert first.status_code == 201
    assert first.json()["starts_at"] == f"{day.isoformat()}T09:00:00+07:00"

    again = rep_client.post("/api/v1/bookings/", body(room, day, (9, 0), (10, 0)), format="json")
    assert again.status_code == 409
    assert again.json()["conflicts"] == [
        {
            "starts_at": f"{day.isoformat()}T09:00:00+07:00",
            "ends_at": f"{day.isoformat()}T10:00:00+07:00",
        }
    ]


def test_an_overlap_is_a_409_showing_a_representative_only_the_times(
    rep_client, room, company, day
):
    other = make_tenant(room, start_date=timezone.localdate(), end_date=None)
    book(room, other, at(day, 10), at(day, 11), now=timezone.now(), title="Secret")

    response = rep_client.post("/api/v1/bookings/", body(room, day), format="json")

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "/problems/unit-unavailable",
        "title": "Unit not available",
        "status": 409,
        "detail": f"Room M-201 is booked from {day.isoformat()} 10:00 to 11:00.",
        "code": "unit_unavailable",
        "instance": "/api/v1/bookings/",
        "conflicts": [
            {
                "starts_at": f"{day.isoformat()}T10:00:00+07:00",
                "ends_at": f"{day.isoformat()}T11:00:00+07:00",
            }
        ],
    }
    assert Booking.objects.filter(company=company).count() == 0


def test_a_manager_books_for_a_named_company_and_sees_who_is_in_the_way(
    manager_client, room, company, day
):
    first = manager_client.post(
        "/api/v1/bookings/", body(room, day, company=str(company.pk)), format="json"
    )
    assert first.status_code == 201
    other = make_tenant(room, start_date=timezone.localdate(), end_date=None)

    clash = manager_client.post(
        "/api/v1/bookings/", body(room, day, company=str(other.pk)), format="json"
    )

    assert clash.status_code == 409
    assert clash.json()["conflicts"] == [
        {
            "starts_at": f"{day.isoformat()}T09:00:00+07:00",
            "ends_at": f"{day.isoformat()}T10:30:00+07:00",
            "company": str(company.pk),
            "title": "Họp khách hàng",
        }
    ]


def test_a_manager_must_name_the_company(manager_client, room, day):
    response = manager_client.post("/api/v1/bookings/", body(room, day), format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "company", "code": "required", "message": "Name the company."}
    ]


def test_a_representative_booking_for_another_company_gets_404(rep_client, room, day):
    other = make_tenant(room, start_date=timezone.localdate(), end_date=None)
    response = rep_client.post(
        "/api/v1/bookings/", body(room, day, company=str(other.pk)), format="json"
    )
    assert response.status_code == 404
    assert Booking.objects.count() == 0


def test_an_applicant_may_not_book(user_client, room, day):
    response = user_client.post("/api/v1/bookings/", body(room, day), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_a_company_without_a_lease_that_day_gets_403(api_client, room, day):
    company = make_company()
    api_client.force_authenticate(make_representative(company))
    response = api_client.post("/api/v1/bookings/", body(room, day), format="json")
    # A prospect company: not active, refused before the lease is looked at.
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["allowed"] == []


def test_an_active_company_leasing_elsewhere_gets_403(api_client, room, day):
    from tests.bookings.factories import make_park_with_room

    _park, elsewhere = make_park_with_room()
    company = make_tenant(elsewhere, start_date=timezone.localdate(), end_date=None)
    api_client.force_authenticate(make_representative(company))
    response = api_client.post("/api/v1/bookings/", body(room, day), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize(
    ("start", "end", "field", "code"),
    [
        ((9, 15), (10, 0), "starts_at", "not_on_half_hour"),
        ((9, 0), (9, 0), "ends_at", "ends_before_start"),
        ((8, 0), (18, 30), "ends_at", "too_long"),
        ((6, 0), (8, 0), "starts_at", "outside_opening_hours"),
        ((21, 0), (22, 30), "ends_at", "outside_opening_hours"),
    ],
)
def test_a_rule_broken_is_a_400_on_its_field(rep_client, room, day, start, end, field, code):
    response = rep_client.post("/api/v1/bookings/", body(room, day, start, end), format="json")
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, code)]


def test_the_horizon_and_the_past_are_400s_on_starts_at(rep_client, room):
    far = timezone.localdate() + timedelta(days=91)
    past = timezone.localdate() - timedelta(days=1)
    for day, code in ((far, "beyond_horizon"), (past, "in_past")):
        response = rep_client.post("/api/v1/bookings/", body(room, day), format="json")
        assert response.status_code == 400
        assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("starts_at", code)]


def test_attendees_over_capacity_are_a_400_max_value(rep_client, room, day):
    response = rep_client.post("/api/v1/bookings/", body(room, day, attendees=9), format="json")
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("attendees", "max_value")
    ]


def test_a_booking_across_midnight_is_a_400(rep_client, room, day):
    data = body(room, day, (21, 0), (21, 30))
    data["ends_at"] = at(day + timedelta(days=1), 1).isoformat()
    response = rep_client.post("/api/v1/bookings/", data, format="json")
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("ends_at", "across_days")
    ]


def test_others_bookings_are_invisible(rep_client, room, company, day):
    other = make_tenant(room, start_date=timezone.localdate(), end_date=None)
    theirs = book(room, other, at(day, 10), at(day, 11), now=timezone.now())
    mine = book(room, company, at(day, 12), at(day, 13), now=timezone.now())

    listed = rep_client.get("/api/v1/bookings/").json()["results"]
    assert [row["id"] for row in listed] == [str(mine.pk)]
    assert rep_client.get(f"/api/v1/bookings/{theirs.pk}/").status_code == 404


def test_applicants_read_nothing(user_client, room, company, day):
    booking = book(room, company, at(day, 10), at(day, 11), now=timezone.now())
    assert user_client.get("/api/v1/bookings/").json()["results"] == []
    assert user_client.get(f"/api/v1/bookings/{booking.pk}/").status_code == 404


def test_the_list_filters_by_local_day_status_and_room(manager_client, room, company, day):
    first = book(room, company, at(day, 9), at(day, 10), now=timezone.now())
    later = book(
        room,
        company,
        at(day + timedelta(days=1), 9),
        at(day + timedelta(days=1), 10),
        now=timezone.now(),
    )
    # 07:00 local is 00:00 UTC: the local day decides.
    early = book(room, company, at(day, 7), at(day, 8), now=timezone.now())

    def ids(query):
        response = manager_client.get(f"/api/v1/bookings/?{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids(f"from={day}&to={day}") == [str(early.pk), str(first.pk)]
    assert ids(f"from={day + timedelta(days=1)}") == [str(later.pk)]
    assert ids(f"unit={room.pk}&status=confirmed&ordering=-starts_at") == [
        str(later.pk),
        str(first.pk),
        str(early.pk),
    ]
    assert ids("status=cancelled") == []
    assert manager_client.get("/api/v1/bookings/?status=maybe").status_code == 400
    assert manager_client.get("/api/v1/bookings/?from=tomorrow").status_code == 400


@pytest.mark.parametrize("count", [1, 20])
def test_the_list_runs_the_same_queries_for_one_booking_or_many(
    manager_client, room, company, count, django_assert_max_num_queries
):
    start = at(timezone.localdate() + timedelta(days=2), 7)
    for index in range(count):
        begin = start + timedelta(minutes=30 * index)
        book(room, company, begin, begin + timedelta(minutes=30), now=timezone.now())
    # the manager's groups, the throttle's 6 (database cache), the count and the page; on
    # PostgreSQL the paginator's EXPLAIN estimate before the count
    with django_assert_max_num_queries(10):
        response = manager_client.get("/api/v1/bookings/")
    assert len(response.json()["results"]) == count


def test_a_patch_changes_the_title_and_refuses_the_times(rep_client, room, company, day):
    booking = book(room, company, at(day, 9), at(day, 10), now=timezone.now())
    url = f"/api/v1/bookings/{booking.pk}/"

    changed = rep_client.patch(url, {"title": "Phỏng vấn"}, format="json", HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200
    assert (changed.json()["title"], changed["ETag"]) == ("Phỏng vấn", '"2"')

    times = rep_client.patch(url, {"starts_at": at(day, 11).isoformat()}, format="json")
    assert times.status_code == 400
    assert times.json()["errors"][0]["field"] == "starts_at"
    assert rep_client.put(url, {"title": "x"}, format="json").status_code == 405
    assert rep_client.delete(url).status_code == 405
    assert Booking.objects.get().starts_at == at(day, 9)


def test_cancel_answers_the_cancelled_booking(rep_client, room, company, day):
    booking = book(room, company, at(day, 9), at(day, 10), now=timezone.now())

    response = rep_client.post(f"/api/v1/bookings/{booking.pk}/cancel/")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["late_cancel"]) == ("cancelled", False)
    again = rep_client.post(f"/api/v1/bookings/{booking.pk}/cancel/")
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")


def test_a_non_representative_sees_no_one_elses_booking_to_cancel(api_client, room, company, day):
    booking = book(room, company, at(day, 9), at(day, 10), now=timezone.now())
    api_client.force_authenticate(make_user())
    assert api_client.post(f"/api/v1/bookings/{booking.pk}/cancel/").status_code == 404
    assert Booking.objects.get().status == "confirmed"
