"""A park's booking hours are local times of day, written and read as `HH:MM`."""

from tests.factories import make_park


def test_booking_hours_read_as_hours_and_minutes_and_accept_seconds(manager_client):
    park = make_park()
    url = f"/api/v1/parks/{park.pk}/"
    assert manager_client.get(url).json()["booking_opens"] == "07:00"
    response = manager_client.patch(url, {"booking_opens": "06:30:00", "booking_closes": "21:30"})
    assert response.status_code == 200, response.json()
    assert (response.json()["booking_opens"], response.json()["booking_closes"]) == (
        "06:30",
        "21:30",
    )
    park.refresh_from_db()
    assert (park.booking_opens.isoformat(), park.booking_closes.isoformat()) == (
        "06:30:00",
        "21:30:00",
    )


def test_a_time_that_is_not_one_is_a_400_on_its_field(manager_client):
    park = make_park()
    response = manager_client.patch(f"/api/v1/parks/{park.pk}/", {"booking_opens": "25:00"})
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["booking_opens"]
