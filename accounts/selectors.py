from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import MANAGERS_GROUP, REVIEWERS_GROUP, User
from accounts.roles import Role


def users_list(*, search: str | None = None, role: str | None = None) -> QuerySet[User]:
    """Users for the managers' list, with groups prefetched so `roles` costs no query a row."""
    users = User.objects.prefetch_related("groups").order_by("email")
    if search:
        users = users.filter(Q(email__icontains=search) | Q(full_name__icontains=search))
    if role == Role.MANAGER:
        users = users.filter(Q(is_superuser=True) | Q(groups__name=MANAGERS_GROUP)).distinct()
    elif role == Role.REVIEWER:
        users = users.filter(groups__name=REVIEWERS_GROUP).distinct()
    elif role == Role.REPRESENTATIVE:
        users = users.filter(company_memberships__isnull=False).distinct()
    return users


def with_representative_flag(users: QuerySet[User]) -> QuerySet[User]:
    """Annotate whether each user represents a company (read through the reverse relation,
    so accounts never imports tenants)."""
    field = User._meta.fields_map.get("company_memberships")
    if field is None:  # tenants not installed (never in this project; keeps accounts standalone)
        return users
    membership = field.related_model.objects.filter(user=OuterRef("pk"))
    return users.annotate(is_representative_flag=Exists(membership))
