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


def test_a_manager_who_is_not_a_superuser_cannot_grant_superuser_in_the_admin(client, manager):
    colleague = make_user(email="colleague@example.vn")
    client.force_login(manager)

    page = client.get(f"/admin/accounts/user/{manager.pk}/change/").content.decode()
    responses = [
        client.post(
            f"/admin/accounts/user/{user.pk}/change/",
            {**_change_form(user), "is_superuser": "on", "is_staff": "on"},
        )
        for user in (manager, colleague)
    ]

    assert 'name="is_superuser"' not in page  # shown read-only
    assert [response.status_code for response in responses] == [302, 302]
    assert list(User.objects.filter(is_superuser=True)) == []
    assert User.objects.get(pk=colleague.pk).is_staff is False


def test_a_superuser_grants_superuser_in_the_admin(client):
    superuser = User.objects.create_superuser("root@example.vn", "softpark-root-1")
    colleague = make_user(email="colleague@example.vn")
    client.force_login(superuser)

    response = client.post(
        f"/admin/accounts/user/{colleague.pk}/change/",
        {**_change_form(colleague), "is_superuser": "on"},
    )

    assert response.status_code == 302
    assert User.objects.get(pk=colleague.pk).is_superuser is True


def test_a_manager_cannot_change_or_delete_a_superusers_account_in_the_admin(client, manager):
    # Setting a superuser's password would be a way to become one.
    superuser = User.objects.create_superuser("root@example.vn", "softpark-root-1")
    client.force_login(manager)
    base = f"/admin/accounts/user/{superuser.pk}"

    changed = client.post(f"{base}/change/", {**_change_form(superuser), "full_name": "X"})
    password = client.post(
        f"{base}/password/", {"password1": "taken-over-1234", "password2": "taken-over-1234"}
    )

    deleted = client.post(f"{base}/delete/", {"post": "yes"})

    assert (changed.status_code, password.status_code, deleted.status_code) == (403, 403, 403)
    superuser = User.objects.get(pk=superuser.pk)
    assert superuser.full_name == ""
    assert superuser.check_password("softpark-root-1")
    assert client.get(f"{base}/change/").status_code == 200  # still visible, read-only


def test_the_admin_shows_managers_no_tokens_task_results_or_groups(client, manager):
    client.force_login(manager)

    index = client.get("/admin/")
    shown = {
        model["model"]._meta.label for app in index.context["app_list"] for model in app["models"]
    }
    pages = [
        client.get(url).status_code
        for url in (
            "/admin/knox/authtoken/",
            "/admin/django_tasks_database/dbtaskresult/",
            "/admin/auth/group/",
        )
    ]

    assert shown & {"knox.AuthToken", "django_tasks_database.DBTaskResult", "auth.Group"} == set()
    assert "accounts.User" in shown
    assert pages == [404, 404, 404]


def test_view_site_leads_to_the_start_page(client, manager):
    client.force_login(manager)

    index = client.get("/admin/")

    assert index.context["site_url"] == "/"
    assert '<a href="/">View site</a>' in index.content.decode()
    assert client.get("/").status_code == 200
