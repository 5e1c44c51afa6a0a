"""Dated lease actions in the admin: "Terminate on a date…" / "Renew to a date…" from the list
(a date step first), and a lease's own terminate, renew and cancel pages."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from park.models import Lease
from tests.factories import make_lease, make_unit


@pytest.fixture
def admin_client(client, manager):
    client.force_login(manager)
    return client


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def selected(action, leases, **extra):
    return {"action": action, "_selected_action": [str(lease.pk) for lease in leases], **extra}


def test_terminate_on_a_date_asks_for_the_date_before_changing_anything(admin_client):
    lease = make_lease(start_date=date(2027, 1, 1), end_date=date(2027, 12, 31))

    response = admin_client.post("/admin/park/lease/", selected("lease_terminated_on", [lease]))

    assert response.status_code == 200
    assert response.templates[0].name == "admin/park/lease_dated_action.html"
    assert [label for _lease, label in response.context["leases"]] == [
        f"{lease.company}, 2027-01-01 to 2027-12-31, 8 desk(s)"
    ]
    page = response.content.decode()
    assert f'<input type="hidden" name="_selected_action" value="{lease.pk}">' in page
    assert '<input type="hidden" name="action" value="lease_terminated_on">' in page
    lease.refresh_from_db()
    assert lease.end_date == date(2027, 12, 31)


def test_terminate_on_a_date_ends_each_lease_that_day_and_explains_refusals(admin_client):
    running = make_lease(start_date=date(2027, 1, 1), end_date=date(2027, 12, 31))
    later = make_lease(start_date=date(2027, 9, 1), end_date=None)

    response = admin_client.post(
        "/admin/park/lease/",
        selected("lease_terminated_on", [running, later], apply="1", end_date="2027-06-30"),
        follow=True,
    )

    running.refresh_from_db()
    later.refresh_from_db()
    assert (running.end_date, later.end_date) == (date(2027, 6, 30), None)
    assert messages_of(response) == [
        f"{later.company}, 2027-09-01 to open end, 8 desk(s): The lease starts on 2027-09-01; "
        "it cannot end before that.",
        "1 lease(s) terminated.",
    ]


def test_a_bad_date_in_the_date_step_is_a_form_error_and_changes_nothing(admin_client):
    lease = make_lease(start_date=date(2027, 1, 1), end_date=date(2027, 12, 31))

    response = admin_client.post(
        "/admin/park/lease/",
        selected("lease_renewed_to", [lease], apply="1", end_date="2028-02-30"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"end_date": ["Enter a valid date."]}
    lease.refresh_from_db()
    assert lease.end_date == date(2027, 12, 31)


def test_renew_to_a_date_extends_and_refuses_a_conflict(admin_client):
    unit = make_unit(code="A-2-08")
    free = make_lease(start_date=date(2027, 1, 1), end_date=date(2027, 6, 30))
    blocked = make_lease(unit=unit, start_date=date(2027, 1, 1), end_date=date(2027, 6, 30))
    make_lease(unit=unit, start_date=date(2027, 10, 1), end_date=date(2027, 12, 31))

    response = admin_client.post(
        "/admin/park/lease/",
        selected("lease_renewed_to", [free, blocked], apply="1", end_date="2027-12-31"),
        follow=True,
    )

    free.refresh_from_db()
    blocked.refresh_from_db()
    assert (free.end_date, blocked.end_date) == (date(2027, 12, 31), date(2027, 6, 30))
    *refusals, count = messages_of(response)
    assert refusals == [
        f"{blocked.company}, 2027-01-01 to 2027-06-30, 8 desk(s): Unit A-2-08 is leased from "
        "2027-10-01 to 2027-12-31."
    ]
    assert count == "1 lease(s) renewed."


def test_the_lease_page_links_its_terminate_renew_and_cancel_pages(admin_client):
    lease = make_lease()

    page = admin_client.get(f"/admin/park/lease/{lease.pk}/change/").content.decode()

    for verb in ("terminate", "renew", "cancel"):
        assert f'href="/admin/park/lease/{lease.pk}/{verb}/"' in page


def test_a_lease_is_terminated_on_a_date_from_its_own_page(admin_client, manager):
    lease = make_lease(start_date=date(2027, 1, 1), end_date=date(2027, 12, 31))
    url = f"/admin/park/lease/{lease.pk}/terminate/"
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(url, {"end_date": "2027-03-31"}, follow=True)

    lease.refresh_from_db()
    assert lease.end_date == date(2027, 3, 31)
    assert response.redirect_chain == [(f"/admin/park/lease/{lease.pk}/change/", 302)]
    assert messages_of(response) == ["1 lease(s) terminated."]
    assert lease.history.latest().history_user == manager


def test_a_refused_renewal_on_the_lease_page_is_a_form_error_and_writes_nothing(admin_client):
    lease = make_lease(start_date=date(2027, 1, 1), end_date=date(2027, 12, 31))
    versions = lease.history.count()

    response = admin_client.post(f"/admin/park/lease/{lease.pk}/renew/", {"end_date": "2027-06-30"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"end_date": ["A renewal must end after 2027-12-31."]}
    lease.refresh_from_db()
    assert (lease.end_date, lease.history.count()) == (date(2027, 12, 31), versions)


def test_a_lease_is_cancelled_from_its_page_and_a_running_one_is_refused(admin_client):
    today = timezone.localdate()
    upcoming = make_lease(start_date=today + timedelta(days=5), end_date=None)
    running = make_lease(start_date=today - timedelta(days=5), end_date=None)

    admin_client.post(f"/admin/park/lease/{upcoming.pk}/cancel/", {})
    refused = admin_client.post(f"/admin/park/lease/{running.pk}/cancel/", {})

    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors() == [
        "Only an upcoming lease can be cancelled; this one is active."
    ]
    assert list(Lease.objects.filter(cancelled_at__isnull=False)) == [upcoming]


def test_an_unknown_lease_page_is_a_404(admin_client):
    missing = "00000000-0000-0000-0000-000000000000"
    assert admin_client.get(f"/admin/park/lease/{missing}/renew/").status_code == 404


def test_the_lease_pages_need_a_staff_login(client, user):
    lease = make_lease()
    client.force_login(user)
    response = client.post(f"/admin/park/lease/{lease.pk}/terminate/", {"end_date": "2027-03-31"})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    lease.refresh_from_db()
    assert lease.end_date == date(2027, 12, 31)
