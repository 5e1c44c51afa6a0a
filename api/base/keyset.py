"""`next` links that continue after the last row of the page (keyset paging).

A page at `?page=500` makes the database walk past 49,900 rows of the list's index before it
reaches its own; the walk grows with the page number. So each `next` link also carries
`after`: the list's ordering values of the page's last row, signed. Following it, the page
starts right after that row, `WHERE (legal_name, id) > (...)` in effect, and page 500 costs what
page 2 does (issue 17). While the list changes, walking it by `next` links neither repeats nor
skips a row, which offsets cannot promise.

The link's `page` stays what it was and stays authoritative: a token made for another page,
page size, filter, search or ordering is ignored and the page is read by its offset, so an
edited URL is never wrong. A token that is not ours (altered, truncated) is a 400 on `after`.

Only orderings a WHERE clause can continue from get a token: plain columns of the model, none
nullable (NULLs sort apart from every value), one of them unique so that ties are broken.
Other lists keep offsets.
"""

import hashlib
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Field, Q
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

PARAM = "after"
_SALT = "softpark.api.pagination.after"


@dataclass(frozen=True)
class Key:
    name: str  # the ordering term without its sign: "legal_name", "id", "pk", "company_id"
    field: Field
    descending: bool


def ordering_keys(queryset) -> list[Key] | None:
    """The list's ordering as keys a page can continue from, or None when it cannot: an
    expression, a related or nullable field, or no unique field among them to break ties.
    The keys stop at the first unique one (what follows it never decides an order)."""
    query = getattr(queryset, "query", None)
    if query is None or query.combinator or query.values_select or query.extra_order_by:
        return None
    terms = query.order_by or (query.get_meta().ordering if query.default_ordering else ())
    opts = queryset.model._meta
    keys = []
    for term in terms:
        if not isinstance(term, str) or term == "?":
            return None
        descending = term.startswith("-")
        name = term.removeprefix("-")
        if name == "pk":
            field = opts.pk
        else:
            if LOOKUP_SEP in name or name in query.annotations:
                return None
            try:
                field = opts.get_field(name)
            except FieldDoesNotExist:
                return None
            # A foreign key by its name orders by the related model's ordering: not a column.
            if not field.concrete or (field.is_relation and name != field.attname):
                return None
        if field.null:
            return None
        keys.append(Key(name, field, descending))
        if field.unique:
            return keys
    return None


def scope(request) -> str:
    """What a token is valid for besides its page: the path and every parameter but the
    page and the token (filters, search, ordering, page size)."""
    params = sorted(
        (name, value)
        for name, values in request.query_params.lists()
        if name not in {"page", PARAM}
        for value in values
    )
    return hashlib.sha256(repr((request.path, params)).encode()).hexdigest()[:16]


def token(*, keys: list[Key], row, page: int, scope: str) -> str | None:
    """The `after` of the link to `page`, which follows `row`; None if a key was not read."""
    values = []
    for key in keys:
        if key.field.attname not in row.__dict__:  # deferred: reading it costs a query
            return None
        values.append(key.field.value_to_string(row))
    payload = {"p": page, "s": scope, "o": [key.name for key in keys], "v": values}
    return signing.dumps(payload, salt=_SALT, compress=True)


def continuation(raw: str, *, keys: list[Key] | None, page, scope: str) -> Q | None:
    """The condition that starts `page` after the row `raw` names, or None when the token was
    made for another page or list (then the page is read by its offset)."""
    try:
        data = signing.loads(raw, salt=_SALT)
    except signing.BadSignature:
        raise ValidationError(
            {
                PARAM: [
                    _(
                        "This is not a link this list made: follow the list's own next link, "
                        "or leave out after."
                    )
                ]
            },
            code="invalid",
        ) from None
    if (
        keys is None
        or not isinstance(data, dict)
        or str(data.get("p")) != str(page)
        or data.get("s") != scope
        or data.get("o") != [key.name for key in keys]
    ):
        return None
    try:
        values = [key.field.to_python(value) for key, value in zip(keys, data["v"], strict=True)]
    except (DjangoValidationError, ValueError, TypeError, KeyError):
        return None  # a token of an older schema: the offset still finds the page
    return after(keys, values)


def after(keys: list[Key], values: list) -> Q:
    """Rows that come after `values` in the keys' order: k1 > v1, or k1 = v1 and k2 > v2, and
    so on, with `>` as `<` for a descending key. The leading `k1 >= v1` lets the database
    start its index scan there instead of at the list's first row."""
    first, *_rest = keys
    bound = Q(**{f"{first.name}__{'lte' if first.descending else 'gte'}": values[0]})
    equal, later = Q(), Q()
    for key, value in zip(keys, values, strict=True):
        later |= equal & Q(**{f"{key.name}__{'lt' if key.descending else 'gt'}": value})
        equal &= Q(**{key.name: value})
    return bound & later
