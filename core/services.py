"""The one update loop every service uses: set the declared fields, validate, save the change.

HackSoft's `model_update`: each model module declares its writable fields once (for example
`park.models.UNIT_WRITABLE`); the serializer, the admin form and the service all follow that
tuple, so a new writable field is a change to the model module (and its migration) only.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from core.errors import InUse
from core.models import save_changed

M = TypeVar("M", bound=models.Model)


def writable_data(fields: Iterable[str], data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` restricted to `fields`, refusing any other key: a caller that passes an
    undeclared field has a bug (as with an unknown keyword argument), never a silent no-op."""
    allowed = set(fields)
    unexpected = sorted(set(data) - allowed)
    if unexpected:
        raise TypeError(f"not among the writable fields {sorted(allowed)}: {unexpected}")
    return dict(data)


def changed_fields(instance: models.Model, data: Mapping[str, Any]) -> list[str]:
    """The names in `data` whose value differs from `instance`'s (a relation by its id, so
    comparing never loads the related row)."""
    changed = []
    for name, value in data.items():
        field = instance._meta.get_field(name)
        if field.is_relation and field.many_to_one:
            current = getattr(instance, field.attname)
            value = value.pk if isinstance(value, models.Model) else value
        else:
            current = getattr(instance, name)
        if current != value:
            changed.append(name)
    return changed


def model_update(
    *,
    instance: M,
    fields: Iterable[str],
    data: Mapping[str, Any],
    actor=None,
    exclude_from_clean: Iterable[str] = (),
) -> list[str]:
    """Set those of `data` (keys among `fields`) that differ on `instance`, validate them
    (`full_clean` on the changed fields and the model's `clean()`; constraints are left to the
    database and the service's own checks), and save only them with the version bumped and
    `actor` in the history.

    Returns the names it changed; nothing changed means no write and no history row. Call it
    inside the service's transaction, after the service's own checks.
    """
    data = writable_data(fields, data)
    changed = changed_fields(instance, data)
    if not changed:
        return []
    for name in changed:
        setattr(instance, name, data[name])
    # Only what changed is validated (and only its unique values looked up): the rest was
    # valid when it was saved.
    unchanged = [f.name for f in instance._meta.concrete_fields if f.name not in changed]
    instance.full_clean(exclude=[*unchanged, *exclude_from_clean], validate_constraints=False)
    save_changed(instance, fields=changed, actor=actor)
    return changed


def record_create(record: M, *, check: Callable[[], None], actor=None) -> M:
    """Validate `record` (its fields; constraints are the database's), run the service's own
    natural-key `check`, and insert it with `actor` in its history. A parallel insert of the
    same key fails the INSERT: `check` runs again to name it, else the error goes on."""
    record.full_clean(validate_constraints=False)
    check()
    record._history_user = actor
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        check()
        raise
    return record


def record_update(
    record: M,
    *,
    fields: Iterable[str],
    data: Mapping[str, Any],
    check: Callable[[], None],
    actor=None,
) -> M:
    """`check` the natural key of the proposed record, then write the change (model_update),
    naming a parallel write of the same key as `record_create` does."""
    check()
    try:
        with transaction.atomic():
            model_update(instance=record, fields=fields, data=data, actor=actor)
    except IntegrityError:
        check()
        raise
    return record


def record_delete(record: models.Model, *, actor=None, instead: str) -> None:
    """Delete `record`, or refuse with 409 `in_use` naming what still refers to it and what
    to do `instead`."""
    record._history_user = actor
    try:
        with transaction.atomic():
            record.delete()
    except (models.ProtectedError, models.RestrictedError) as error:
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
        raise InUse(
            _("%(record)s still has %(kinds)s; %(instead)s")
            % {"record": record, "kinds": ", ".join(kinds), "instead": instead}
        ) from None
