"""Every write to accounts: registration, accounts made by managers, roles, own profile."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext as _
from knox.models import AuthToken

from accounts.exceptions import EmailTaken, OwnManagerRole, UnknownRole
from accounts.models import MANAGERS_GROUP, USER_WRITABLE, User, normalize_email
from accounts.roles import GRANTABLE_ROLES, Role
from core.errors import NotPermitted
from core.models import save_changed
from core.services import model_update, writable_data


def _ensure_email_free(email: str, *, exclude: User | None = None) -> None:
    taken = User.objects.filter(email__iexact=email)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise EmailTaken("A user with this email already exists.", field="email")


def _check_password(password: str, user: User) -> None:
    # Django's validators raise django ValidationError; the API shows it on `password`.
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.error_list}) from None


def user_register(*, email: str, password: str, full_name: str) -> User:
    """Anyone may open an account (an applicant); Django's password validators apply."""
    return user_create(email=email, password=password, full_name=full_name, roles=(), actor=None)


def user_create(
    *,
    email: str,
    full_name: str,
    password: str | None = None,
    language: str = "en",
    roles: Iterable[str] = (),
    actor: User | None,
) -> User:
    """Create an account; without a password the person sets one through a reset."""
    roles = _grantable(roles)
    with transaction.atomic():
        email = normalize_email(email)
        _ensure_email_free(email)
        user = User(email=email, full_name=full_name, language=language)
        if password:
            _check_password(password, user)
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.is_staff = Role.MANAGER in roles
        user.full_clean(exclude=["password"], validate_unique=False)
        user._history_user = actor
        user.save()
        user.groups.set(Group.objects.filter(name__in=[GRANTABLE_ROLES[r] for r in roles]))
    return user


def _grantable(roles: Iterable[str]) -> set[str]:
    roles = set(roles)
    unknown = sorted(roles - set(GRANTABLE_ROLES))
    if unknown:
        raise UnknownRole(
            f"Unknown role {unknown[0]!r}: roles are {', '.join(sorted(GRANTABLE_ROLES))} "
            "(representatives are made through company members).",
            field="roles",
        )
    return roles


def _refuse_unless_may_change(user: User, *, actor: User | None) -> None:
    """A superuser's account is changed by itself or another superuser only: a manager who
    could deactivate or demote it could take the installation over (the admin says the same)."""
    if user.is_superuser and actor is not None and actor.pk != user.pk and not actor.is_superuser:
        raise NotPermitted(_("Only a superuser changes a superuser's account."))


def user_set_roles(*, user: User, roles: Iterable[str], actor: User) -> User:
    """Grant or remove `manager` and `reviewer`; `manager` also opens the admin (is_staff)."""
    roles = _grantable(roles)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _refuse_unless_may_change(user, actor=actor)
        if user.pk == actor.pk and Role.MANAGER not in roles and not user.is_superuser:
            raise OwnManagerRole(
                "You cannot remove your own manager role; ask another manager.", field="roles"
            )
        user.groups.set(Group.objects.filter(name__in=[GRANTABLE_ROLES[r] for r in roles]))
        user.is_staff = user.is_superuser or Role.MANAGER in roles
        save_changed(user, fields=["is_staff"], actor=actor)
        if hasattr(user, "_group_names_cache"):
            del user._group_names_cache
    return user


def user_update(*, user: User, data: Mapping[str, Any], actor: User) -> User:
    """Change the fields in `data` (keys among USER_WRITABLE); an email stays unique whatever
    its case."""
    data = writable_data(USER_WRITABLE, data)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _refuse_unless_may_change(user, actor=actor)
        if "email" in data:
            data["email"] = normalize_email(data["email"])
            _ensure_email_free(data["email"], exclude=user)
        model_update(
            instance=user,
            fields=USER_WRITABLE,
            data=data,
            actor=actor,
            exclude_from_clean=["password"],
        )
    return user


def ensure_role_groups() -> None:
    for name in GRANTABLE_ROLES.values():
        Group.objects.get_or_create(name=name)


def manager_ensure(*, email: str, password: str, full_name: str) -> tuple[User, bool]:
    """The development admin of `make run`: a superuser in `managers`, created once."""
    ensure_role_groups()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_superuser(email=email, password=password, full_name=full_name)
    elif not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=MANAGERS_GROUP))
    return user, created


def tokens_purge_expired(*, now: datetime) -> int:
    """Delete the API tokens past their expiry; answers how many.

    Authentication no longer deletes a user's expired tokens on each request (it ignores
    them), so the daily `purge_tokens` keeps the table small.
    """
    deleted, _by_model = AuthToken.objects.filter(expiry__lte=now).delete()
    return deleted
