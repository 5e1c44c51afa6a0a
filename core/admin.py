"""The one way the admin saves: through the domain's services.

Every ModelAdmin that edits a domain model is a `ServiceAdmin`. Its form validates the fields
and then, in `clean()`, calls the admin's `create_record` / `update_record`, which call the
service. A refusal (a taken code, a unit already leased) becomes a form error on the page
instead of a 500, and the service's own transaction means a refusal writes nothing. Deletes go
through `delete_record`; list actions through `service_action`. Each record keeps its history
(SimpleHistoryAdmin).
"""

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from core.csv import csv_bytes
from core.errors import DomainError


def refusal_message(error: Exception) -> str:
    """What the manager reads when a service says no."""
    if isinstance(error, DomainError):
        return str(error.detail)
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error)


# django-simple-history's page titles: its own catalogue has no Vietnamese, and only a Python
# file keeps a "%s" msgid as it is (a template would escape it), so they are named here for
# makemessages; our catalogue, read first, then translates simple-history's pages.
SIMPLE_HISTORY_TITLES = (
    gettext_noop("View history: %s"),
    gettext_noop("Change history: %s"),
    gettext_noop("View %s"),
    gettext_noop("Revert %s"),
)


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    """A history's changes as a manager reads them: a choice's label in their language, not
    its code ("Prospect → Active", not "prospect → active"); a file's name, not its storage
    path; yes/no; a dash for nothing."""

    def format_delta_change(self, change):
        formatted = super().format_delta_change(change)
        return dataclasses.replace(formatted, field=str(formatted.field))  # in this language

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(field, models.FileField):
            value = getattr(value, "name", value)
            return PurePosixPath(value).name if value else "-"
        if value is None or value == "":
            return "-"
        if field.flatchoices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        return super().prepare_delta_change_value(change, value)


class ReadableHistoryMixin:
    """For a SimpleHistoryAdmin: its history page shows labels, not codes."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record)


class ServiceForm(forms.ModelForm):
    """A model form whose `clean()` saves through the admin's service calls.

    `service_admin` and `actor` are set by ServiceAdmin.get_form. Model validation is the
    service's (it calls full_clean), so `_post_clean` does not run it a second time on an
    instance that is already saved.
    """

    service_admin = None
    actor = None
    saved = False

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            if self.instance._state.adding:
                self.instance = self.service_admin.create_record(data, actor=self.actor)
            else:
                changes = {name: data[name] for name in self.changed_data if name in data}
                if changes:
                    self.instance = self.service_admin.update_record(
                        self.instance, changes, actor=self.actor
                    )
            self.saved = True
        except DomainError as error:
            self.add_error(
                error.field if error.field in self.fields else None,
                ValidationError(self.service_admin.error_message(error), code=error.code),
            )
        except ValidationError as error:
            self._add_model_errors(error)
        return data

    def _add_model_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)

    def _post_clean(self):
        pass


class ServiceAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    """Saves and deletes through the domain's services; never a 500 for a refused change.

    Subclasses implement `create_record(data, *, actor)`, `update_record(record, changes, *,
    actor)` and, where deleting is allowed, `delete_record(record, *, actor)`; `data` and
    `changes` hold the form's cleaned values of the model's declared writable fields.
    """

    form = ServiceForm

    def create_record(self, data: dict[str, Any], *, actor):
        raise NotImplementedError

    def update_record(self, record, changes: dict[str, Any], *, actor):
        raise NotImplementedError

    def delete_record(self, record, *, actor) -> None:
        raise NotImplementedError

    def error_message(self, error: DomainError):
        return error.detail

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"service_admin": self, "actor": request.user})

    def render_change_form(self, request, context, *args, **kwargs):
        response = super().render_change_form(request, context, *args, **kwargs)
        # A POST shown again has an error (the record's or an inline's). The form's clean()
        # may have saved the record through its service already: undo that, so the page
        # saves all or nothing. changeform_view runs in a transaction; the page itself is
        # rendered after it ends (a TemplateResponse), so no query runs after this mark.
        using = router.db_for_write(self.model)
        if request.method == "POST" and transaction.get_connection(using).in_atomic_block:
            transaction.set_rollback(True, using=using)
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            # A refusal from an inline's service, after the forms were valid: the
            # transaction has rolled back; the manager reads why instead of a 500.
            self.message_user(request, refusal_message(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        # The form's clean() has saved it through the service already.
        if not getattr(form, "saved", False):
            raise AssertionError("ServiceAdmin forms save in clean()")

    def delete_model(self, request, obj):
        self.delete_record(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for record in queryset.order_by("pk"):
            try:
                self.delete_record(record, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{record}: {error.detail}", messages.ERROR)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as error:  # e.g. in_use: the record stays, the manager is told why
            self.message_user(request, error.detail, messages.ERROR)
            return HttpResponseRedirect(request.path.rsplit("delete/", 1)[0] + "change/")


class ReadOnlyMixin:
    """Listed and shown, never added, changed or deleted in the admin (so no "Delete
    selected"): records only a service or a partner writes."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


def service_action(
    *,
    name: str,
    description,
    done_message,
    call: Callable[..., Any],
    label: Callable[[Any], str] = str,
    prepare: Callable[[Any], Any] = lambda queryset: queryset,
):
    """A list action that runs `call(record, actor=user)` (a service) on each selected record,
    in pk order, and tells the manager how many it changed (`done_message % {"count": n}`)
    and, one warning each, why the others were refused."""

    def run(modeladmin, request, queryset):
        done = 0
        for record in prepare(queryset).order_by("pk"):
            try:
                call(record, actor=request.user)
                done += 1
            except (DomainError, ValidationError) as error:
                modeladmin.message_user(
                    request, f"{label(record)}: {refusal_message(error)}", messages.WARNING
                )
        if done:
            modeladmin.message_user(request, done_message % {"count": done})

    run.__name__ = name
    run.short_description = description
    return run


# A column of an exported CSV: a field name (`"status"`, or across relations `"unit__code"`),
# whose verbose name is the header and whose label (for choices) the value; or a pair of a
# header and a field name or a function of the record.
CSVColumn = str | tuple[Any, str | Callable[[Any], Any]]


def _field_header(model: type[models.Model], path: str) -> str:
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return capfirst(model._meta.get_field(name).verbose_name)


def _field_value(record, path: str) -> Any:
    *relations, name = path.split("__")
    for relation in relations:
        record = getattr(record, relation)
        if record is None:
            return None
    label = getattr(record, f"get_{name}_display", None)  # a choice's label, not its code
    return label() if label else getattr(record, name)


def _readable(value: Any) -> Any:
    """A value as the manager reads it in a spreadsheet: labels and yes/no in their language,
    dates in ISO (which every spreadsheet sorts), numbers left as numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return value
    return str(value)  # text, a lazy label, a related record


def csv_export_action(
    *,
    fields: Sequence[CSVColumn],
    filename: str,
    name: str = "export_csv",
    description=None,
    prepare: Callable[[Any], Any] = lambda queryset: queryset,
):
    """A list action that downloads the selected records as `filename` (UTF-8 with a BOM):
    one header row in the manager's language, then one row per record with the values of
    `fields` (see CSVColumn), every text cell formula-safe (core.csv). `prepare` may join
    what the columns read (`lambda qs: qs.select_related("unit")`)."""

    def run(modeladmin, request, queryset):
        model = modeladmin.model
        columns = [(None, column) if isinstance(column, str) else column for column in fields]
        header = [
            _field_header(model, getter) if title is None else str(title)
            for title, getter in columns
        ]
        records = prepare(queryset)
        if not records.ordered:
            records = records.order_by("pk")
        rows = (
            [
                _readable(
                    _field_value(record, getter) if isinstance(getter, str) else getter(record)
                )
                for _title, getter in columns
            ]
            for record in records
        )
        response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    run.__name__ = name
    run.short_description = description or _("Export selected as CSV")
    run.allowed_permissions = ("view",)
    return run
