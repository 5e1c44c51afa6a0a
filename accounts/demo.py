"""Demo accounts for `manage.py seed_demo`: idempotent, safe to run on every `make run`."""

from accounts.models import User
from accounts.services import manager_ensure, user_create

DEV_ADMIN_EMAIL = "admin@softpark.local"
DEV_ADMIN_PASSWORD = "softpark-admin"  # noqa: S105 - development only, printed by make run

DEMO_PEOPLE = [
    # email, full name, roles, password
    ("manager@softpark.local", "Nguyễn Thị Lan", ["manager"], "park-manager-2027"),
    ("reviewer@softpark.local", "Trần Văn Minh", ["reviewer"], "park-reviewer-2027"),
    ("founder@softpark.local", "Lê Hoàng Phúc", [], "startup-founder-2027"),
]


def seed_accounts() -> User:
    admin, _created = manager_ensure(
        email=DEV_ADMIN_EMAIL, password=DEV_ADMIN_PASSWORD, full_name="softpark admin"
    )
    for email, full_name, roles, password in DEMO_PEOPLE:
        if not User.objects.filter(email=email).exists():
            user_create(
                email=email, full_name=full_name, password=password, roles=roles, actor=admin
            )
    return admin
