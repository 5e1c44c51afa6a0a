"""The accounts services: the rules hold whoever calls them (API, admin, commands)."""

import pytest
from django.core.exceptions import ValidationError

from accounts.exceptions import EmailTaken, OwnManagerRole, UnknownRole
from accounts.models import User, is_manager, is_reviewer
from accounts.services import (
    manager_ensure,
    user_create,
    user_register,
    user_set_roles,
    user_update,
)
from tests.factories import PASSWORD, make_manager, make_user


def test_a_registered_person_has_no_role_and_no_admin_access(db):
    user = user_register(email=" Lan@Example.VN ", password=PASSWORD, full_name="Trần Thị Lan")
    assert (user.email, user.is_staff, is_manager(user), is_reviewer(user)) == (
        "lan@example.vn",
        False,
        False,
        False,
    )
    assert user.check_password(PASSWORD)


def test_an_email_is_taken_whatever_its_case(db):
    make_user(email="lan@example.vn")
    with pytest.raises(EmailTaken):
        user_register(email="LAN@example.vn", password=PASSWORD, full_name="Lan")
    assert User.objects.count() == 1


def test_a_weak_password_is_refused_on_password(db):
    with pytest.raises(ValidationError) as refused:
        user_register(email="lan@example.vn", password="lan@example.vn", full_name="Lan")
    assert list(refused.value.message_dict) == ["password"]
    assert User.objects.count() == 0


def test_an_unknown_role_is_refused_before_anything_is_written(db):
    with pytest.raises(UnknownRole):
        user_create(email="x@example.vn", full_name="X", roles=["representative"], actor=None)
    assert User.objects.count() == 0


def test_granting_manager_sets_is_staff_and_bumps_the_version(db):
    actor, user = make_manager(), make_user()
    user = user_set_roles(user=user, roles=["manager", "reviewer"], actor=actor)
    user = User.objects.get(pk=user.pk)
    assert (is_manager(user), is_reviewer(user), user.is_staff, user.version) == (
        True,
        True,
        True,
        2,
    )
    assert user.history.latest().history_user == actor


def test_removing_manager_clears_is_staff(db):
    actor, user = make_manager(), make_manager()
    user_set_roles(user=user, roles=[], actor=actor)
    user = User.objects.get(pk=user.pk)
    assert (is_manager(user), user.is_staff) == (False, False)


def test_a_superuser_keeps_is_staff_without_the_manager_group(db):
    actor, root = make_user(), make_user()
    User.objects.filter(pk__in=[actor.pk, root.pk]).update(is_superuser=True)
    actor = User.objects.get(pk=actor.pk)  # only a superuser changes a superuser's roles
    user_set_roles(user=User.objects.get(pk=root.pk), roles=["reviewer"], actor=actor)
    assert User.objects.get(pk=root.pk).is_staff is True


def test_a_manager_cannot_remove_their_own_manager_role(db):
    manager = make_manager()
    with pytest.raises(OwnManagerRole):
        user_set_roles(user=manager, roles=["reviewer"], actor=manager)
    manager = User.objects.get(pk=manager.pk)
    assert (is_manager(manager), is_reviewer(manager), manager.version) == (True, False, 1)


def test_changing_the_email_to_a_taken_one_is_refused(db):
    make_user(email="lan@example.vn")
    user = make_user()
    with pytest.raises(EmailTaken):
        user_update(user=user, data={"email": "Lan@Example.vn"}, actor=user)
    assert User.objects.get(pk=user.pk).email == user.email


def test_the_development_admin_is_created_once_and_its_password_reset(db):
    first, created = manager_ensure(
        email="admin@softpark.local", password="one-Pass-42", full_name="A"
    )
    again, created_again = manager_ensure(
        email="admin@softpark.local", password="two-Pass-42", full_name="A"
    )
    assert (created, created_again, first.pk == again.pk) == (True, False, True)
    again = User.objects.get(pk=again.pk)
    assert (again.check_password("two-Pass-42"), is_manager(again), again.is_staff) == (
        True,
        True,
        True,
    )


def test_a_profile_update_saves_only_what_differs(db):
    user = make_user(full_name="Lan", language="en")
    user = user_update(user=user, data={"full_name": "Lan", "language": "vi"}, actor=user)
    user = User.objects.get(pk=user.pk)
    assert (user.full_name, user.language, user.version) == ("Lan", "vi", 2)
    user_update(user=user, data={"language": "vi"}, actor=user)
    assert User.objects.get(pk=user.pk).version == 2


def test_a_field_outside_the_writable_ones_is_refused(db):
    user = make_user()
    with pytest.raises(TypeError):
        user_update(user=user, data={"is_superuser": True}, actor=user)
    assert User.objects.get(pk=user.pk).is_superuser is False
