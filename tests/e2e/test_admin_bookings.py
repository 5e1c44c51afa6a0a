"""The bookings day view in a real browser (headless Chromium, as tests/e2e/test_admin_browser
.py): a manager books a free half hour from the grid, sees the block, then sees the conflict
for a taken slot as a form error."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.models import Booking
from tests.bookings.factories import at, book, make_room, make_tenant
from tests.e2e.test_admin_browser import browser, log_in, page  # noqa: F401 - fixtures
from tests.factories import make_floor, make_manager, make_park

pytestmark = pytest.mark.browser


def test_a_manager_books_a_room_in_the_day_view_and_sees_the_conflict(page, live_server):  # noqa: F811
    manager = make_manager()
    park = make_park(name="Mekong Software Park", is_home=True)
    room = make_room(floor=make_floor(park=park), code="M-301", capacity=12)
    since = timezone.localdate() - timedelta(days=30)
    holder = make_tenant(room, start_date=since, end_date=None, short_name="Mỹ Tho Soft")
    newcomer = make_tenant(room, start_date=since, end_date=None, short_name="Đồng Tháp AI")
    day = timezone.localdate() + timedelta(days=3)
    book(room, holder, at(day, 10), at(day, 11), now=timezone.now(), title="Họp quý")

    log_in(page, live_server, manager)
    page.goto(f"{live_server.url}/admin/bookings/booking/day/?day={day}&park={park.pk}")
    row = page.locator("tr[data-room='M-301']")
    assert row.locator("td.booked").inner_text() == "Mỹ Tho Soft"

    # A free half hour opens the booking form for it; the manager makes it an hour.
    row.locator("td.free[data-start='09:00'] a").click()
    assert page.input_value("#id_starts_at") == "09:00"
    page.select_option("#id_ends_at", "10:00")
    page.select_option("#id_company", str(newcomer.pk))
    page.fill("#id_title", "Gặp khách hàng")
    page.fill("#id_attendees", "6")
    page.click("input[name=_save]")

    page.wait_for_url("**/admin/bookings/booking/day/**")
    blocks = page.locator("tr[data-room='M-301'] td.booked")
    assert blocks.all_inner_texts() == ["Đồng Tháp AI", "Mỹ Tho Soft"]
    booked = Booking.objects.get(company=newcomer)
    assert (booked.starts_at, booked.ends_at) == (at(day, 9), at(day, 10))

    # 10:30 to 11:30 runs into the holder's meeting: a form error, nothing saved.
    page.locator("tr[data-room='M-301'] td.free[data-start='11:00'] a").click()
    page.select_option("#id_starts_at", "10:30")
    page.select_option("#id_ends_at", "11:30")
    page.select_option("#id_company", str(newcomer.pk))
    page.fill("#id_title", "Trùng lịch")
    page.click("input[name=_save]")

    error = page.locator(".errornote + ul.errorlist, ul.errorlist.nonfield").first
    assert error.inner_text() == f"Room M-301 is booked from {day} 10:00 to 11:00."
    assert Booking.objects.filter(company=newcomer).count() == 1
