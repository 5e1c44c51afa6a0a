"""`/users/`: the managers' accounts list, account creation and the grantable roles."""

import pytest
from django.utils import timezone

from accounts.models import User
from api.models import IdempotencyRecord
from tests.api.test_idempotency import _in_flight
from tests.factories import make_reviewer, make_user, make_users

PROBLEM = "application/problem+json"


def _row(user: User, roles: list[str]) -> dict:
    user.refresh_from_db()
    return {
        "id": str(user.pk),
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "is_active": user.is_active,
        "roles": roles,
        "version": user.version,
        "date_joined": timezone.localtime(user.date_joined).isoformat(),
    }


def _emails(response) -> list[str]:
    return [row["email"] for row in response.json()["results"]]


def test_managers_list_every_account_by_email_with_its_roles(manager_client, manager):
    reviewer = make_reviewer(email="b-reviewer@example.vn")
    applicant = make_user(email="c-applicant@example.vn")
    manager.email = "a-manager@example.vn"
    manager.save()
    response = manager_client.get("/api/v1/users/")
    assert response.status_code == 200
    assert response.json() == {
        "count": 3,
        "next": None,
        "previous": None,
        "results": [
            _row(manager, ["manager"]),
            _row(reviewer, ["reviewer"]),
            _row(applicant, []),
        ],
    }


def test_search_matches_email_or_name_in_any_case(manager_client, manager):
    make_user(email="lan@example.vn", full_name="Trần Thị Lan")
    make_user(email="hoa@park.vn", full_name="Phạm Hoa")
    make_user(email="minh@example.vn", full_name="Lê Minh")
    assert _emails(manager_client.get("/api/v1/users/?search=PARK.VN")) == ["hoa@park.vn"]
    assert _emails(manager_client.get("/api/v1/users/?search=thị lan")) == ["lan@example.vn"]


def test_the_role_filter_lists_managers_or_reviewers(manager_client, manager):
    superuser = make_user(email="root@example.vn")
    User.objects.filter(pk=superuser.pk).update(is_superuser=True)
    reviewer = make_reviewer(email="hoa@example.vn")
    make_user(email="lan@example.vn")
    managers = manager_client.get("/api/v1/users/?role=manager")
    reviewers = manager_client.get("/api/v1/users/?role=reviewer")
    assert _emails(managers) == sorted([manager.email, "root@example.vn"])
    assert reviewers.json()["results"] == [_row(reviewer, ["reviewer"])]


@pytest.mark.parametrize(
    ("query", "field", "code", "message"),
    [
        (
            "role=boss",
            "role",
            "invalid_choice",
            "Select a valid choice. boss is not one of the available choices.",
        ),
        ("is_active=maybe", "is_active", "invalid", "Must be true or false."),
        (
            "ordering=password",
            "ordering",
            "invalid",
            "Cannot order by password; use one of: date_joined, email, full_name.",
        ),
    ],
)
def test_an_invalid_filter_value_is_400_not_an_empty_or_full_list(
    manager_client, query, field, code, message
):
    response = manager_client.get(f"/api/v1/users/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/validation-error",
        "title": "Invalid request",
        "status": 400,
        "detail": f"{field}: {message}",
        "code": "validation_error",
        "instance": "/api/v1/users/",
        "errors": [{"field": field, "code": code, "message": message}],
    }


def test_the_active_filter_takes_true_or_false(manager_client, manager):
    gone = make_user(email="gone@example.vn")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    assert _emails(manager_client.get("/api/v1/users/?is_active=false")) == ["gone@example.vn"]
    assert _emails(manager_client.get("/api/v1/users/?is_active=true")) == [manager.email]


def test_ordering_by_a_documented_field(manager_client, manager):
    make_user(email="x@ordering.vn", full_name="A")
    make_user(email="y@ordering.vn", full_name="B")
    response = manager_client.get("/api/v1/users/?ordering=-full_name&search=ordering.vn")
    assert _emails(response) == ["y@ordering.vn", "x@ordering.vn"]


def test_a_non_manager_may_not_list_or_create_accounts(token_client, db):
    reviewer_client = token_client(make_reviewer())
    listing = reviewer_client.get("/api/v1/users/")
    creating = reviewer_client.post(
        "/api/v1/users/", {"email": "x@example.vn", "full_name": "X", "roles": ["manager"]}
    )
    assert (listing.status_code, creating.status_code) == (403, 403)
    assert creating.json() == {
        "type": "/problems/permission-denied",
        "title": "Permission denied",
        "status": 403,
        "detail": "You do not have permission to perform this action.",
        "code": "permission_denied",
        "instance": "/api/v1/users/",
    }
    assert not User.objects.filter(email="x@example.vn").exists()


def test_a_manager_creates_a_reviewer_account(manager_client, manager):
    response = manager_client.post(
        "/api/v1/users/",
        {"email": "Hoa@Example.vn", "full_name": "Phạm Hoa", "roles": ["reviewer"]},
    )
    assert response.status_code == 201
    created = User.objects.get(email="hoa@example.vn")
    assert response.json() == _row(created, ["reviewer"])
    assert (created.is_staff, created.has_usable_password()) == (False, False)
    assert created.history.get().history_user == manager


def test_a_manager_creates_a_colleague_with_a_password(manager_client, client):
    response = manager_client.post(
        "/api/v1/users/",
        {
            "email": "minh@example.vn",
            "full_name": "Lê Minh",
            "password": "another-long-password-7",
            "roles": ["manager"],
        },
    )
    assert response.status_code == 201
    assert response.json()["roles"] == ["manager"]
    created = User.objects.get(email="minh@example.vn")
    assert created.is_staff is True  # managers use the admin
    assert created.check_password("another-long-password-7")


def test_creating_with_an_unknown_field_is_refused(manager_client):
    response = manager_client.post(
        "/api/v1/users/", {"email": "x@example.vn", "full_name": "X", "is_superuser": True}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "is_superuser", "code": "unknown", "message": "Unknown field."}
    ]
    assert not User.objects.filter(email="x@example.vn").exists()


def test_creating_a_representative_through_roles_is_refused(manager_client):
    response = manager_client.post(
        "/api/v1/users/", {"email": "x@example.vn", "full_name": "X", "roles": ["representative"]}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "roles.0",
            "code": "invalid_choice",
            "message": '"representative" is not a valid choice.',
        }
    ]
    assert not User.objects.filter(email="x@example.vn").exists()


def test_creating_a_taken_email_is_400_unique(manager_client, user):
    response = manager_client.post(
        "/api/v1/users/", {"email": user.email.upper(), "full_name": "Again"}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "email", "code": "unique", "message": "A user with this email already exists."}
    ]
    assert User.objects.filter(email__iexact=user.email).count() == 1


def test_granting_manager_adds_the_group_and_opens_the_admin(manager_client, manager, user):
    response = manager_client.patch(f"/api/v1/users/{user.pk}/", {"roles": ["manager"]})
    assert response.status_code == 200
    user.refresh_from_db()
    assert response.json() == _row(user, ["manager"])
    assert response["ETag"] == '"2"'
    assert [group.name for group in user.groups.all()] == ["managers"]
    assert user.is_staff is True
    assert user.history.latest().history_user == manager


def test_removing_manager_closes_the_admin_and_keeps_reviewer(manager_client, token_client):
    colleague = make_user(roles=["manager", "reviewer"])
    response = manager_client.patch(f"/api/v1/users/{colleague.pk}/", {"roles": ["reviewer"]})
    assert response.status_code == 200
    assert response.json()["roles"] == ["reviewer"]
    colleague.refresh_from_db()
    assert [group.name for group in colleague.groups.all()] == ["reviewers"]
    assert colleague.is_staff is False
    assert token_client(colleague).get("/api/v1/users/").status_code == 403


def test_granting_an_unknown_role_is_400_and_changes_nothing(manager_client, user):
    response = manager_client.patch(f"/api/v1/users/{user.pk}/", {"roles": ["boss"]})
    assert response.status_code == 400
    assert response.json() == {
        "type": "/problems/validation-error",
        "title": "Invalid request",
        "status": 400,
        "detail": 'roles.0: "boss" is not a valid choice.',
        "code": "validation_error",
        "instance": f"/api/v1/users/{user.pk}/",
        "errors": [
            {
                "field": "roles.0",
                "code": "invalid_choice",
                "message": '"boss" is not a valid choice.',
            }
        ],
    }
    user.refresh_from_db()
    assert (list(user.groups.all()), user.is_staff, user.version) == ([], False, 1)


def test_a_manager_cannot_remove_their_own_manager_role(manager_client, manager):
    response = manager_client.patch(f"/api/v1/users/{manager.pk}/", {"roles": []})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "roles",
            "code": "own_manager_role",
            "message": "You cannot remove your own manager role; ask another manager.",
        }
    ]
    manager.refresh_from_db()
    assert ([group.name for group in manager.groups.all()], manager.is_staff) == (
        ["managers"],
        True,
    )


def test_a_users_email_cannot_be_changed_through_users(manager_client, user):
    response = manager_client.patch(f"/api/v1/users/{user.pk}/", {"email": "new@example.vn"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "email", "code": "unknown", "message": "Unknown field."}
    ]
    assert User.objects.get(pk=user.pk).email == user.email


def test_a_non_manager_may_not_change_roles(token_client, user):
    response = token_client(make_reviewer()).patch(
        f"/api/v1/users/{user.pk}/", {"roles": ["manager"]}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert list(User.objects.get(pk=user.pk).groups.all()) == []


NEW_USER = {"email": "hoa@example.vn", "full_name": "Phạm Hoa", "roles": ["reviewer"]}


def test_creating_a_user_replays_with_the_same_idempotency_key(manager_client):
    first = manager_client.post("/api/v1/users/", NEW_USER, HTTP_IDEMPOTENCY_KEY="hoa-1")
    again = manager_client.post("/api/v1/users/", NEW_USER, HTTP_IDEMPOTENCY_KEY="hoa-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert User.objects.filter(email="hoa@example.vn").count() == 1


def test_creating_another_user_with_a_used_idempotency_key_is_422(manager_client):
    manager_client.post("/api/v1/users/", NEW_USER, HTTP_IDEMPOTENCY_KEY="hoa-1")
    response = manager_client.post(
        "/api/v1/users/", {**NEW_USER, "email": "lan@example.vn"}, HTTP_IDEMPOTENCY_KEY="hoa-1"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert not User.objects.filter(email="lan@example.vn").exists()


def test_creating_a_user_while_the_same_key_is_in_flight_is_409(manager_client, manager):
    with _in_flight(manager, "hoa-1", "/api/v1/users/", NEW_USER):
        response = manager_client.post("/api/v1/users/", NEW_USER, HTTP_IDEMPOTENCY_KEY="hoa-1")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_conflict"
    assert not User.objects.filter(email="hoa@example.vn").exists()
    assert IdempotencyRecord.objects.get().status_code is None


@pytest.mark.parametrize("extra_users", [1, 60])
def test_the_users_list_runs_the_same_queries_for_one_user_or_many(
    manager_client, extra_users, django_assert_max_num_queries
):
    make_users(extra_users)
    make_reviewer()
    # The caller's groups, the throttle count in the database cache (six statements), the
    # count and the page: the same at both sizes, so nothing is queried per row.
    with django_assert_max_num_queries(9):
        response = manager_client.get("/api/v1/users/?page_size=200")
    assert len(response.json()["results"]) == extra_users + 2


def test_the_user_search_ignores_accents_and_case(manager_client):
    lan = make_user(email="lan@example.vn", full_name="Trần Thị Lan")
    make_user(email="dung@example.vn", full_name="Đặng Văn Dũng")

    plain = manager_client.get("/api/v1/users/?search=thi lan").json()["results"]
    accented = manager_client.get("/api/v1/users/?search=THỊ LAN").json()["results"]
    d_stroke = manager_client.get("/api/v1/users/?search=dang van dung").json()["results"]

    assert [row["id"] for row in plain] == [str(lan.pk)]
    assert [row["id"] for row in accented] == [str(lan.pk)]
    assert [row["email"] for row in d_stroke] == ["dung@example.vn"]


def _superuser() -> User:
    superuser = make_user(roles=["manager"])
    User.objects.filter(pk=superuser.pk).update(is_superuser=True, is_staff=True)
    superuser.refresh_from_db()
    return superuser


@pytest.mark.parametrize(
    "change", [{"is_active": False}, {"full_name": "Ai đó"}, {"roles": []}], ids=str
)
def test_a_manager_who_is_not_a_superuser_may_not_change_a_superusers_account(
    manager_client, change
):
    # The admin refuses the same (its superuser grants are the superusers'): deactivating or
    # demoting the account that owns the installation is not a manager's to do.
    superuser = _superuser()

    response = manager_client.patch(f"/api/v1/users/{superuser.pk}/", change, format="json")

    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    after = User.objects.get(pk=superuser.pk)
    assert (after.is_active, after.full_name, after.version, after.is_manager()) == (
        True,
        superuser.full_name,
        superuser.version,
        True,
    )


def test_a_superuser_changes_another_superusers_account(api_client):
    superuser, other = _superuser(), _superuser()
    api_client.force_authenticate(superuser)

    response = api_client.patch(f"/api/v1/users/{other.pk}/", {"is_active": False}, format="json")

    assert response.status_code == 200
    assert User.objects.get(pk=other.pk).is_active is False
