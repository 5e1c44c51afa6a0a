import pytest
from rest_framework.test import APIClient

from chain.models import PartnerKey
from chain.services import partner_key_create, partner_key_revoke, partner_update
from tests.chain.factories import make_partner, visible_company
from tests.factories import make_manager, make_token

DIRECTORY = ["/api/v1/directory/changes/", "/api/v1/directory/snapshot/"]


def problem(status, code, title, detail, instance):
    return {
        "type": f"/problems/{code.replace('_', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": instance,
    }


@pytest.mark.parametrize("url", DIRECTORY)
def test_no_key_on_a_directory_endpoint_is_401(api_client, home_park, url):
    response = api_client.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("url", DIRECTORY)
def test_a_users_token_on_a_directory_endpoint_is_403(db, home_park, url):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(make_manager())}")
    response = client.get(url)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_a_revoked_key_is_401(partner, partner_key, home_park):
    partner_key_revoke(prefix=partner_key[:8], actor=None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {partner_key}")
    response = client.get(DIRECTORY[0])
    assert response.status_code == 401
    assert response.json() == problem(
        401,
        "authentication_failed",
        "Authentication failed",
        "Invalid or revoked partner key.",
        DIRECTORY[0],
    )


def test_a_wrong_key_with_a_known_prefix_is_401(partner_key, home_park):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {partner_key[:8]}{'x' * 43}")
    assert client.get(DIRECTORY[0]).status_code == 401


def test_a_key_of_an_inactive_partner_is_401(partner, partner_client, home_park):
    partner_update(partner=partner, data={"is_active": False}, actor=None)
    assert partner_client.get(DIRECTORY[0]).status_code == 401


@pytest.mark.parametrize(
    "url", ["/api/v1/companies/", "/api/v1/auth/me/", "/api/v1/chain/partners/"]
)
def test_a_partner_key_anywhere_else_is_401(partner_client, url):
    response = partner_client.get(url)
    assert response.status_code == 401
    assert response.json()["detail"] == "Partner keys are accepted on the directory endpoints only."


def test_a_valid_key_notes_when_it_was_last_used(partner, partner_key, partner_client, home_park):
    assert partner_client.get(DIRECTORY[0]).status_code == 200
    assert PartnerKey.objects.get(prefix=partner_key[:8]).last_used_at is not None


def test_a_cursor_from_another_partner_is_refused(partner_client, home_park):
    visible_company()
    other = make_partner(slug="da-nang", name="Đà Nẵng")
    _record, other_key = partner_key_create(partner=other, actor=None)
    other_client = APIClient()
    other_client.credentials(HTTP_AUTHORIZATION=f"Bearer {other_key}")
    cursor = other_client.get(DIRECTORY[0]).json()["next_cursor"]
    response = partner_client.get(DIRECTORY[0], {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "cursor",
            "code": "invalid",
            "message": "The cursor was issued to another partner.",
        }
    ]


def test_a_tampered_cursor_is_refused(partner_client, home_park):
    visible_company()
    cursor = partner_client.get(DIRECTORY[0]).json()["next_cursor"]
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    for bad in (tampered, "not-a-cursor"):
        response = partner_client.get(DIRECTORY[0], {"cursor": bad})
        assert response.status_code == 400
        assert response.json()["errors"] == [
            {"field": "cursor", "code": "invalid", "message": "The cursor is not valid."}
        ]


def test_partner_requests_are_throttled_per_partner(partner_client, home_park, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "partner": "2/min"}
    codes = [partner_client.get(DIRECTORY[0]).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
