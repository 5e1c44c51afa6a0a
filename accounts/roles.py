"""The roles of design/api.md, as one vocabulary shared by the API and the admin."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import MANAGERS_GROUP, REVIEWERS_GROUP, is_manager, is_reviewer


class Role(models.TextChoices):
    MANAGER = "manager", _("Manager")
    REVIEWER = "reviewer", _("Reviewer")
    REPRESENTATIVE = "representative", _("Representative")


# Roles that are groups, granted and removed through /users/; `representative` comes from
# company membership instead.
GRANTABLE_ROLES = {Role.MANAGER: MANAGERS_GROUP, Role.REVIEWER: REVIEWERS_GROUP}


def is_representative(user) -> bool:
    # `company_memberships` is the reverse accessor of tenants.CompanyMember.user: accounts
    # reads it without importing tenants (the import direction of the design).
    if user is None or not user.is_authenticated:
        return False
    memberships = getattr(user, "company_memberships", None)
    return memberships is not None and memberships.exists()


def roles_of(user) -> list[str]:
    """The caller's roles; uses the flags of `users_with_roles()` when the row has them."""
    checks = (
        (Role.MANAGER, is_manager),
        (Role.REVIEWER, is_reviewer),
        (Role.REPRESENTATIVE, is_representative),
    )
    roles = []
    for role, check in checks:
        flag = getattr(user, f"role_{role.value}", None)
        if flag if flag is not None else check(user):
            roles.append(role.value)
    return roles
