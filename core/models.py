import functools
import uuid

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history import manager as history_manager
from simple_history import models as history_models


class BaseModel(models.Model):
    """UUID id (stable across parks, not guessable), timestamps and a version.

    `version` is bumped by every service that changes the record: it backs ETags and the
    partner directory feed.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


def save_changed(instance: models.Model, *, fields: list[str], actor=None) -> None:
    """Save `fields` of `instance` with its version bumped and `actor` in its history.

    Call it inside the service's transaction. The current version is read under the row lock
    (`FOR UPDATE`; on SQLite the IMMEDIATE transaction already holds the write lock), so two
    writers never hand out the same version, and the UPDATE then writes the fields and the
    next version together: two statements, plus simple-history's row.
    """
    manager = type(instance)._base_manager.filter(pk=instance.pk)
    if connections[instance._state.db or DEFAULT_DB_ALIAS].in_atomic_block:
        manager = manager.select_for_update()
    instance.version = manager.values_list("version", flat=True).get() + 1
    if actor is not None:
        instance._history_user = actor  # django-simple-history records who did it
    instance.save(update_fields=[*fields, "version", "updated_at"])


class _HistoryManager(history_manager.HistoryManager):
    """simple-history's manager, its class built once per queryset class.

    simple-history builds a new manager class (`from_queryset`, which walks the queryset's
    members with `inspect`) on every access to `record.history`, and it reads that attribute
    each time it writes a history row: about a third of a millisecond per saved record,
    spent while the service holds its row locks (bench S4).
    """

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class HistoricalRecords(history_models.HistoricalRecords):
    """Every domain model's history (who changed what, before and after): simple-history's,
    with the manager above."""

    def __init__(self, *args, **options):
        options.setdefault("history_manager", _HistoryManager)
        super().__init__(*args, **options)


def insert_with_history(instance: models.Model, *, actor=None) -> None:
    """INSERT the new `instance` and its "+" history row: what `instance.save()` and
    simple-history's post_save write, in one statement on PostgreSQL (two on SQLite).

    For the hottest write, `park.services.lease_create` (bench S4): the ORM's insert and
    simple-history's (which builds and saves a historical model instance) cost several times
    the statements themselves, and a round trip each, all while the unit stays locked.
    tests/core/test_history.py checks both rows against the ORM's and simple-history's own.
    No model signals are sent (our models have no receivers but simple-history's).
    """
    alias = instance._state.db or DEFAULT_DB_ALIAS
    connection = connections[alias]
    row_sql, row_fields, history_sql, history_fields = _insert_statements(type(instance), alias)
    # pre_save fills auto_now(_add) fields as the ORM's insert does.
    params = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in row_fields
    ]
    history = {
        "history_date": getattr(instance, "_history_date", None) or timezone.now(),
        "history_change_reason": getattr(instance, "_change_reason", None),
        "history_type": "+",
        "history_user_id": actor.pk if actor is not None else None,
    }
    history_params = [
        field.get_db_prep_save(
            history[name] if (name := field.attname) in history else getattr(instance, name),
            connection,
        )
        for field in history_fields
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A data-modifying WITH runs to completion even though nothing reads it.
            cursor.execute(f"WITH created AS ({row_sql}) {history_sql}", params + history_params)
        else:
            cursor.execute(row_sql, params)
            cursor.execute(history_sql, history_params)
    instance._state.adding = False
    instance._state.db = alias


@functools.cache
def _insert_statements(model: type[models.Model], alias: str) -> tuple[str, list, str, list]:
    """The INSERTs of `model`'s rows and of its history rows on database `alias`, each with
    its fields in placeholder order."""
    history_model = getattr(model, model._meta.simple_history_manager_attribute).model
    quote = connections[alias].ops.quote_name

    def insert(into: type[models.Model], fields: list) -> str:
        columns = ", ".join(quote(field.column) for field in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        return f"INSERT INTO {quote(into._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608

    row_fields = list(model._meta.concrete_fields)
    history_fields = [f for f in history_model._meta.concrete_fields if f.name != "history_id"]
    return (
        insert(model, row_fields),
        row_fields,
        insert(history_model, history_fields),
        history_fields,
    )
