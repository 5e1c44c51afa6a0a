import functools
import uuid

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.db.models.sql import InsertQuery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history import manager as history_manager
from simple_history import models as history_models
from simple_history import utils as history_utils

from core.roundtrips import execute_together


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

    @classmethod
    def from_db(cls, db, field_names, values):
        """A record read from the database, as Django's `from_db` builds it, in a quarter of
        the time when every column was read and nothing listens to the model's init signals.

        Django builds it through `__init__`: a `setattr` per field and two signals, a third of
        the time a list page spends on its rows (bench S2). Here the values go straight into
        the instance's `__dict__`, where those `setattr`s put them: no field of these models
        has a descriptor that does more on a new instance (foreign keys' and files' only store
        the value). `tests/core/test_from_db.py` compares the instances with Django's.
        """
        if len(values) != len(cls._meta.concrete_fields) or _init_is_listened(cls):
            return super().from_db(db, field_names, values)
        new = cls.__new__(cls)
        new.__dict__.update(zip(_attnames(cls), values, strict=True))
        new._state = state = ModelState()
        state.adding = False
        state.db = db
        return new


@functools.cache
def _attnames(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


def _init_is_listened(model: type[models.Model]) -> bool:
    if not (pre_init.receivers or post_init.receivers):  # none at all: the usual case
        return False
    return pre_init.has_listeners(model) or post_init.has_listeners(model)


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


def _insert_statement(instance: models.Model, connection) -> tuple[str, tuple]:
    """The ORM's own INSERT of `instance` (as `save(force_insert=True)` compiles it: the
    fields' `pre_save`, auto_now included, runs here), without RETURNING."""
    meta = instance._meta
    fields = [field for field in meta.local_concrete_fields if not field.generated]
    if instance.pk is None:  # an AutoField the database numbers (history rows)
        fields = [field for field in fields if field is not meta.auto_field]
    query = InsertQuery(type(instance))
    query.insert_values(fields, [instance])
    [(statement, params)] = query.get_compiler(connection=connection).as_sql()
    return statement, tuple(params)


def insert_with_history(instance: models.Model, *, actor=None) -> None:
    """`instance.save(force_insert=True)` and its simple-history "+" row, in one round trip
    on PostgreSQL.

    lease_create's hot path (bench S4): the history row's own `save()` cost a round trip and
    as much Python as the lease's, all of it while the unit row is locked (S4 2.7-3.0x a bare
    INSERT with it, target 3x). Both statements are the ORM's (`InsertQuery`) and the history
    row is the one simple-history's `create_historical_record` builds (same user fallback,
    date and change reason); they go in one round trip (`core.roundtrips`) where the
    driver allows it, one by one elsewhere. No model
    signals are sent: simple-history's `post_save` is the only receiver of these models', and
    this writes its row. `tests/core/test_insert_with_history.py` compares the rows with
    `save()`'s, column by column.
    """
    model = type(instance)
    records: HistoricalRecords = model._meta.history_records
    connection = connections[instance._state.db or DEFAULT_DB_ALIAS]
    if actor is not None:
        instance._history_user = actor
    row = _insert_statement(instance, connection)  # first: it stamps created_at, updated_at
    history = records.historical_record(instance, history_type="+")
    execute_together(connection, [row, _insert_statement(history, connection)], fetch=False)
    for saved in (instance, history):
        saved._state.adding = False
        saved._state.db = connection.alias


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

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        cls._meta.history_records = self  # for insert_with_history

    def historical_record(self, instance: models.Model, *, history_type: str) -> models.Model:
        """The unsaved history row `create_historical_record` would save for `instance`."""
        history_model = getattr(instance, self.manager_name).model
        return history_model(
            history_date=getattr(instance, "_history_date", None) or timezone.now(),
            history_type=history_type,
            history_user=self.get_history_user(instance),
            history_change_reason=history_utils.get_change_reason_from_object(instance),
            **{
                field.attname: getattr(instance, field.attname)
                for field in self.fields_included(instance)
            },
        )
