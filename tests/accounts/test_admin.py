from accounts.models import User
from tests.factories import make_user


def _change_form(user) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }


def test_granting_manager_in_the_admin_opens_the_admin_to_that_person(client, manager):
    colleague = make_user(email="colleague@example.vn")
    client.force_login(manager)

    response = client.post(
        f"/admin/accounts/user/{colleague.pk}/change/",
        {**_change_form(colleague), "roles": ["manager"]},
    )

    assert response.status_code == 302
    colleague = User.objects.get(pk=colleague.pk)
    assert (colleague.is_staff, colleague.is_manager()) == (True, True)


def test_a_manager_cannot_remove_their_own_manager_role_in_the_admin(client, manager):
    client.force_login(manager)

    response = client.post(
        f"/admin/accounts/user/{manager.pk}/change/",
        {**_change_form(manager), "roles": []},
        follow=True,
    )

    manager = User.objects.get(pk=manager.pk)
    assert response.status_code == 200
    assert "cannot remove your own manager role" in response.content.decode()
    assert (manager.is_staff, manager.is_manager()) == (True, True)
