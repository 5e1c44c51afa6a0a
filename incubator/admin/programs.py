"""Programs with their rubric, and their ranking page."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.models import is_manager
from core.admin import ServiceAdmin
from incubator import services
from incubator.models import (
    CRITERION_WRITABLE,
    Criterion,
    Program,
)
from incubator.selectors import (
    program_ranking,
)
from park.models import Unit, UnitKind


class CriterionInline(admin.TabularInline):
    """The rubric, saved as a whole through `program_criteria_set` (see ProgramAdmin)."""

    model = Criterion
    fields = CRITERION_WRITABLE
    extra = 0


class WorkspaceUnitField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.code} · {unit.name}" if unit.name else unit.code


# The program page in the order a manager fills it in (the same fields as PROGRAM_WRITABLE).
PROGRAM_FIELDSETS = [
    (None, {"fields": ["name", "slug", "description"]}),
    (_("Call for applications"), {"fields": ["opens_at", "closes_at", "requires_pitch_deck"]}),
    (_("Cohort"), {"fields": ["seats", "incubation_months", "workspace_unit"]}),
    (None, {"fields": ["is_published"]}),
]


@admin.register(Program)
class ProgramAdmin(ServiceAdmin):
    fieldsets = PROGRAM_FIELDSETS
    list_display = ["name", "status", "opens_at", "closes_at", "seats", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CriterionInline]

    @admin.display(description=_("status"))
    def status(self, program):
        return program.status

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "workspace_unit":
            # The coworking pools (program_check refuses any other kind).
            return WorkspaceUnitField(
                queryset=Unit.objects.filter(kind=UnitKind.COWORKING).order_by("code"),
                required=False,
                label=db_field.verbose_name,
                help_text=db_field.help_text,
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        ranking = path(
            "<path:object_id>/ranking/",
            self.admin_site.admin_view(self.ranking_view),
            name="incubator_program_ranking",
        )
        return [ranking, *super().get_urls()]

    def ranking_view(self, request, object_id):
        """The same ranking as the API's /programs/{id}/ranking/ (managers only)."""
        if not is_manager(request.user):
            raise PermissionDenied
        program = self.get_object(request, object_id)
        if program is None:
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "title": _("Ranking of %(program)s") % {"program": program},
            "opts": self.model._meta,
            "original": program,
            "rows": [{**row, "rank": rank} for rank, row in enumerate(program_ranking(program), 1)],
        }
        return TemplateResponse(request, "admin/incubator/program/ranking.html", context)

    def create_record(self, data, *, actor):
        return services.program_create(data=data, actor=actor)

    def update_record(self, record, changes, *, actor):
        return services.program_update(program=record, data=changes, actor=actor)

    def delete_record(self, record, *, actor):
        services.program_delete(program=record, actor=actor)

    def save_formset(self, request, form, formset, change):
        """The inline's rows become the program's rubric in one service call (kept ids keep
        their criteria and scores); the formset itself saves nothing."""
        criteria = []
        for criterion_form in formset.forms:
            if not criterion_form.cleaned_data or formset._should_delete_form(criterion_form):
                continue
            if criterion_form.instance._state.adding and not criterion_form.has_changed():
                continue
            item = {field: criterion_form.cleaned_data[field] for field in CRITERION_WRITABLE}
            if not criterion_form.instance._state.adding:
                item["id"] = criterion_form.instance.pk
            criteria.append(item)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        services.program_criteria_set(program=form.instance, criteria=criteria, actor=request.user)
