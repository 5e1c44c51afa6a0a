import functools
from datetime import datetime

from django.contrib.auth.models import Group
from django.db import connections, router
from django.db.models import Exists, OuterRef, Q, QuerySet
from knox.models import AuthToken

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


def _selected(model, connection) -> list:
    """(column SQL, attname, Col) of each concrete field, as the ORM would select them."""
    quote = connection.ops.quote_name
    table = model._meta.db_table
    return [
        (f"{quote(table)}.{quote(field.column)}", field.attname, field.get_col(table))
        for field in model._meta.concrete_fields
    ]


@functools.cache
def _authentication_sql(alias: str) -> str:
    """The SQL of tokens_for_authentication, built once per database from the models."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    token, user = quote(AuthToken._meta.db_table), quote(User._meta.db_table)
    through = User.groups.through
    membership, group = quote(through._meta.db_table), quote(Group._meta.db_table)
    through_user = quote(through._meta.get_field("user").column)
    through_group = quote(through._meta.get_field("group").column)
    token_user = quote(AuthToken._meta.get_field("user").column)
    columns = [sql for sql, _name, _col in _selected(AuthToken, connection)]
    columns += [sql for sql, _name, _col in _selected(User, connection)]
    in_group = (
        f"EXISTS (SELECT 1 FROM {membership} INNER JOIN {group} "  # noqa: S608 (model names)
        f"ON {group}.{quote('id')} = {membership}.{through_group} "
        f"WHERE {membership}.{through_user} = {token}.{token_user} "
        f"AND {group}.{quote('name')} = %s)"
    )
    return (
        f"SELECT {', '.join(columns)}, {in_group}, {in_group} "  # noqa: S608 (model names)
        f"FROM {token} INNER JOIN {user} "
        f"ON {user}.{quote(User._meta.pk.column)} = {token}.{token_user} "
        f"WHERE {token}.{quote('token_key')} = %s "
        f"AND ({token}.{quote('expiry')} IS NULL OR {token}.{quote('expiry')} > %s)"
    )


def _instance(model, alias: str, connection, values):
    """A model instance from raw column values, converted as the ORM converts them."""
    names, converted = [], []
    for (_sql, name, column), value in zip(_selected(model, connection), values, strict=True):
        for converter in connection.ops.get_db_converters(column) + column.get_db_converters(
            connection
        ):
            value = converter(value, column, connection)
        names.append(name)
        converted.append(value)
    return model.from_db(alias, names, converted)


def tokens_for_authentication(*, token_key: str, now: datetime) -> list[AuthToken]:
    """The unexpired tokens starting with `token_key`, with their user and its role groups.

    One query authenticates a request (api/base/authentication.py): the user is joined and
    `in_managers`/`in_reviewers` are EXISTS flags, so `is_manager()` needs no second query.
    An expired token is simply not found; `purge_tokens` deletes it later (daily cron).

    The SQL is built once from the models' metadata and its values converted as the ORM
    converts them: compiling the equivalent queryset on every request cost a millisecond, a
    tenth of a list request (bench S1).
    """
    alias = router.db_for_read(AuthToken)
    connection = connections[alias]
    params = [
        MANAGERS_GROUP,
        REVIEWERS_GROUP,
        token_key,
        connection.ops.adapt_datetimefield_value(now),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_authentication_sql(alias), params)
        rows = cursor.fetchall()
    split = len(AuthToken._meta.concrete_fields)
    tokens = []
    for row in rows:
        auth_token = _instance(AuthToken, alias, connection, row[:split])
        auth_token.user = _instance(User, alias, connection, row[split:-2])
        auth_token.in_managers, auth_token.in_reviewers = (bool(flag) for flag in row[-2:])
        tokens.append(auth_token)
    return tokens
