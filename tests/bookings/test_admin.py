"""The bookings admin without a browser: the day view's blocks, the month's hours, cancel as
a list action, the form's refusals as form errors, and no deleting."""

from datetime import date

import pytest

from bookings.models import Booking
from tests.bookings.factories import DAY, at, book, make_park_with_room, make_tenant

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def booking():
    _park, room = make_park_with_room(code="M-9")
    company = make_tenant(room, short_name="Cửu Long AI", hours=1)
    return book(room, company, at(DAY, 9), at(DAY, 11), title="Họp HĐQT")


def test_the_day_view_shows_the_booking_as_a_block_spanning_its_half_hours(admin_client, booking):
    park = booking.unit.park
    page = admin_client.get(f"/admin/bookings/booking/day/?day={DAY}&park={park.pk}")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'colspan="4" title="Họp HĐQT"' in html
    assert ">Cửu Long AI</a>" in html
    # 07:00-22:00 is 30 half hours: 4 booked, 26 free.
    assert html.count('<td class="free"') == 26


def test_the_month_page_lists_each_companys_hours(admin_client, booking):
    page = admin_client.get("/admin/bookings/booking/hours/?month=2027-01").content.decode()
    assert "<td>1.00</td>" in page  # allowance
    assert "<td>2.00</td>" in page  # used


def test_cancel_is_a_list_action_and_there_is_no_delete(admin_client, booking):
    response = admin_client.post(
        "/admin/bookings/booking/",
        {"action": "cancel_bookings", "_selected_action": [str(booking.pk)]},
    )
    assert response.status_code == 302
    cancelled = Booking.objects.get()  # weeks ahead on the real clock: a free cancel
    assert (cancelled.status, cancelled.late_cancel) == ("cancelled", False)
    assert admin_client.get(f"/admin/bookings/booking/{booking.pk}/delete/").status_code == 403


def test_a_refusal_of_the_service_is_a_form_error(admin_client, booking):
    response = admin_client.post(
        "/admin/bookings/booking/add/",
        {
            "unit": str(booking.unit_id),
            "day": date(2020, 1, 6).isoformat(),
            "starts_at": "09:00",
            "ends_at": "10:00",
            "company": str(booking.company_id),
            "title": "Quá khứ",
            "attendees": "2",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"starts_at": ["That time has passed."]}
    assert Booking.objects.count() == 1
