"""The one way the admin saves: through the domain's services.

Every ModelAdmin that edits a domain model is a `ServiceAdmin`. Its form validates the fields
and then, in `clean()`, calls the admin's `create_record` / `update_record`, which call the
service. A refusal (a taken code, a unit already leased) becomes a form error on the page
instead of a 500, and the service's own transaction means a refusal writes nothing. Deletes go
through `delete_record`; list actions through `service_action`. Each record keeps its history
(SimpleHistoryAdmin).
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.http import HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from core.errors import DomainError


def refusal_message(error: Exception) -> str:
    """What the manager reads when a service says no."""
    if isinstance(error, DomainError):
        return str(error.detail)
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error)


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


class ServiceAdmin(SimpleHistoryAdmin):
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
