from accounts.models import User
from tests.factories import make_user


def test_a_role_change_through_the_api_records_the_acting_manager_in_the_history(
    manager_client, manager
):
    colleague = make_user(email="colleague@example.vn")

    response = manager_client.patch(
        f"/api/v1/users/{colleague.pk}/", {"roles": ["manager"]}, format="json"
    )

    assert response.status_code == 200
    latest = User.history.filter(id=colleague.pk).latest("history_date")
    assert (latest.history_user, latest.is_staff, latest.version) == (manager, True, 2)


def test_a_token_authenticated_profile_edit_records_the_user_from_the_request(api_client, db):
    from knox.models import AuthToken

    person = make_user(email="founder@example.vn")
    _instance, token = AuthToken.objects.create(person)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = api_client.patch("/api/v1/auth/me/", {"full_name": "Lê Thị Mai"}, format="json")

    assert response.status_code == 200
    latest = User.history.filter(id=person.pk).latest("history_date")
    assert (latest.history_user, latest.full_name) == (person, "Lê Thị Mai")
