"""Plain factory functions: `make_<thing>(**overrides)`, each saving a real row."""

import itertools

from accounts.models import User
from accounts.services import ensure_role_groups, user_create

_numbers = itertools.count(1)
PASSWORD = "a-long-test-password-42"


def make_user(**overrides) -> User:
    number = next(_numbers)
    fields = {
        "email": f"person{number}@example.vn",
        "full_name": f"Người dùng {number}",
        "password": PASSWORD,
        "roles": [],
        "actor": None,
    }
    fields.update(overrides)
    ensure_role_groups()
    return user_create(**fields)


def make_manager(**overrides) -> User:
    return make_user(roles=["manager"], **overrides)


def make_reviewer(**overrides) -> User:
    return make_user(roles=["reviewer"], **overrides)
