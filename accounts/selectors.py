from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import MANAGERS_GROUP, REVIEWERS_GROUP, User
from accounts.roles import Role
from accounts.search import search_terms


def users_with_roles() -> QuerySet[User]:
    """Users annotated with their three role flags, so `roles` costs no query per row.

    EXISTS subqueries rather than prefetching groups: one query for the page, whatever its
    size, and no Group objects built per user. Representatives are read through the reverse
    relation of tenants.CompanyMember, so accounts never imports tenants.
    """
    through = User.groups.through
    in_group = lambda name: through.objects.filter(user=OuterRef("pk"), group__name=name)  # noqa: E731
    users = User.objects.annotate(
        role_manager=Q(is_superuser=True) | Exists(in_group(MANAGERS_GROUP)),
        role_reviewer=Exists(in_group(REVIEWERS_GROUP)),
    )
    membership = User._meta.fields_map.get("company_memberships")
    if membership is not None:
        users = users.annotate(
            role_representative=Exists(membership.related_model.objects.filter(user=OuterRef("pk")))
        )
    return users


def users_list() -> QuerySet[User]:
    return users_with_roles().order_by("email")


def users_search(users: QuerySet[User], text: str) -> QuerySet[User]:
    """Every word must occur in the email or name, accents ignored (`thi lan` = `Thị Lan`)."""
    for term in search_terms(text):
        users = users.filter(search_text__contains=term)
    return users


def users_in_role(users: QuerySet[User], role: str) -> QuerySet[User]:
    if role not in {Role.MANAGER, Role.REVIEWER, Role.REPRESENTATIVE}:
        return users.none()
    flag = f"role_{role}"
    if flag not in users.query.annotations:
        return users.none()  # no company memberships exist before tenants/ defines them
    return users.filter(**{flag: True})
