"""The managers' admin for the incubator. Every change goes through incubator/services.py."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.errors import DomainError
from incubator import services
from incubator.models import (
    ONBOARDING_ONLY,
    TRANSITIONS,
    Application,
    ApplicationEvent,
    ApplicationState,
    Criterion,
    Program,
    Review,
    ReviewAssignment,
    Role,
)
from incubator.selectors import applications_matching
from park.models import Unit, UnitKind


def _refusal(error: Exception) -> str:
    if isinstance(error, DomainError):
        return error.detail
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error)


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = sorted(services.PROGRAM_FIELDS)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        candidate = Program(pk=self.instance.pk, **data)
        try:
            services.program_check(candidate)  # the service's rules, shown on the form
        except DomainError as error:
            self.add_error(error.field if error.field in self.fields else None, error.detail)
        return data


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ["name", "description", "weight", "max_score", "order"]
    extra = 0


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    form = ProgramForm
    list_display = ["name", "status", "opens_at", "closes_at", "seats", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["workspace_unit"]
    inlines = [CriterionInline]

    @admin.display(description=_("status"))
    def status(self, program):
        return program.status

    def save_model(self, request, obj, form, change):
        pass  # saved with its criteria in save_related: program_create/update take both

    def save_related(self, request, form, formsets, change):
        criteria = []
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            if formset.model is not Criterion:
                continue
            for criterion_form in formset.forms:
                if not criterion_form.cleaned_data or formset._should_delete_form(criterion_form):
                    continue
                if criterion_form.instance._state.adding and not criterion_form.has_changed():
                    continue
                data = criterion_form.cleaned_data
                item = {field: data[field] for field in CriterionInline.fields}
                if not criterion_form.instance._state.adding:
                    item["id"] = criterion_form.instance.pk
                criteria.append(item)
        fields = {field: form.cleaned_data[field] for field in services.PROGRAM_FIELDS}
        if change:
            program = services.program_update(
                program=form.instance, criteria=criteria, actor=request.user, **fields
            )
        else:
            program = services.program_create(criteria=criteria, actor=request.user, **fields)
        form.instance.__dict__.update(program.__dict__)  # the admin logs and redirects with it

    def delete_model(self, request, obj):
        try:
            services.program_delete(program=obj, actor=request.user)
        except DomainError as error:
            self.message_user(request, error.detail, messages.ERROR)


class EventInline(admin.TabularInline):
    """The application's timeline (read-only: events are written by the transitions)."""

    model = ApplicationEvent
    fields = ["at", "from_state", "to_state", "actor", "note"]
    readonly_fields = fields
    ordering = ["at"]
    extra = 0
    max_num = 0
    can_delete = False


class AssignmentInline(admin.TabularInline):
    model = ReviewAssignment
    fields = ["reviewer", "conflict_reason", "conflict_declared_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False


class ReviewInline(admin.TabularInline):
    model = Review
    fields = ["reviewer", "recommendation", "score", "scores", "comment"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False


def _transition_action(to: str):
    def move(modeladmin, request, queryset):
        moved = 0
        for application in queryset.order_by("pk"):
            try:
                services.application_transition(application=application, to=to, actor=request.user)
                moved += 1
            except (DomainError, ValidationError) as error:
                modeladmin.message_user(
                    request, f"{application}: {_refusal(error)}", messages.WARNING
                )
        if moved:
            modeladmin.message_user(request, _("%(count)d applications moved.") % {"count": moved})

    move.__name__ = f"move_to_{to}"
    move.short_description = _("Move to %(state)s") % {"state": ApplicationState(to).label}
    return move


# The targets a manager requests (onboarding has its own action and form).
MANAGER_TARGETS = sorted(
    {to for (_from, to), role in TRANSITIONS.items() if role == Role.MANAGER} - ONBOARDING_ONLY
)


class OnboardForm(forms.Form):
    start_date = forms.DateField(label=_("start date"), initial=timezone.localdate)
    unit = forms.ModelChoiceField(
        label=_("unit"),
        queryset=Unit.objects.filter(kind=UnitKind.COWORKING, is_active=True).order_by("code"),
        required=False,
        help_text=_("Leave empty for the program's workspace unit."),
    )


@admin.action(description=_("Onboard (company, representative, desks)"))
def onboard(modeladmin, request, queryset):
    if "apply" in request.POST:
        form = OnboardForm(request.POST)
        if form.is_valid():
            done = 0
            for application in queryset.order_by("pk"):
                try:
                    services.application_onboard(
                        application=application,
                        start_date=form.cleaned_data["start_date"],
                        unit=form.cleaned_data["unit"],
                        actor=request.user,
                    )
                    done += 1
                except (DomainError, ValidationError) as error:
                    modeladmin.message_user(
                        request, f"{application}: {_refusal(error)}", messages.WARNING
                    )
            if done:
                modeladmin.message_user(
                    request, _("%(count)d applications onboarded.") % {"count": done}
                )
            return None
    else:
        form = OnboardForm()
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Onboard accepted applications"),
        "applications": queryset,
        "form": form,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return render(request, "admin/incubator/application/onboard.html", context)


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = ["startup_name", "program", "applicant", "state", "score", "submitted_at"]
    list_filter = ["program", "state"]
    list_select_related = ["program", "applicant"]
    search_fields = ["search_text"]  # see get_search_results: accents are ignored
    search_help_text = _("Startup name, tax code or team; accents are ignored.")
    readonly_fields = [
        "program",
        "applicant",
        "startup_name",
        "tax_code",
        "sector",
        "stage",
        "pitch",
        "website",
        "team",
        "requested_desks",
        "state",
        "submitted_at",
        "decided_at",
        "company",
        "lease",
        "score",
        "version",
    ]
    fields = readonly_fields
    inlines = [EventInline, AssignmentInline, ReviewInline]
    actions = [*[_transition_action(to) for to in MANAGER_TARGETS], onboard]

    def get_search_results(self, request, queryset, search_term):
        return applications_matching(queryset, search_term), False

    def has_add_permission(self, request):
        return False  # applicants apply through the API

    def has_delete_permission(self, request, obj=None):
        return False  # never deleted: withdrawn, rejected or graduated instead

    def save_model(self, request, obj, form, change):
        pass  # every field is read-only here; changes go through the actions
