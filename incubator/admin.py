"""The managers' admin for the incubator. Every change goes through incubator.services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceAdmin, refusal_message, service_action
from core.errors import DomainError
from incubator import services
from incubator.models import (
    APPLICATION_SERVICES_OWN,
    APPLICATION_WRITABLE,
    CRITERION_WRITABLE,
    ONBOARDING_ONLY,
    PROGRAM_WRITABLE,
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
from incubator.selectors import applications_matching, company_matching
from park.models import Unit, UnitKind
from tenants.models import Company


class CriterionInline(admin.TabularInline):
    """The rubric, saved as a whole through `program_criteria_set` (see ProgramAdmin)."""

    model = Criterion
    fields = CRITERION_WRITABLE
    extra = 0


@admin.register(Program)
class ProgramAdmin(ServiceAdmin):
    fields = PROGRAM_WRITABLE
    list_display = ["name", "status", "opens_at", "closes_at", "seats", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["workspace_unit"]
    inlines = [CriterionInline]

    @admin.display(description=_("status"))
    def status(self, program):
        return program.status

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


# The targets a manager requests (onboarding has its own action and form).
MANAGER_TARGETS = sorted(
    {to for (_from, to), role in TRANSITIONS.items() if role == Role.MANAGER} - ONBOARDING_ONLY
)


def _transition_action(to: str):
    return service_action(
        name=f"move_to_{to}",
        description=_("Move to %(state)s") % {"state": ApplicationState(to).label},
        done_message=_("%(count)d applications moved."),
        call=lambda application, *, actor: services.application_move(
            application=application, to=to, actor=actor
        ),
    )


class OnboardForm(forms.Form):
    start_date = forms.DateField(label=_("start date"), initial=timezone.localdate)
    unit = forms.ModelChoiceField(
        label=_("unit"),
        queryset=Unit.objects.filter(kind=UnitKind.COWORKING, is_active=True).order_by("code"),
        required=False,
        help_text=_("Leave empty for the program's workspace unit."),
    )


def _confirmed_company(request, application) -> Company | None:
    """The company the manager ticked for `application` on the onboard page (its tax code's)."""
    company_id = request.POST.get(f"company_{application.pk}")
    if not company_id:
        return None
    try:
        return Company.objects.filter(pk=company_id).first()
    except ValidationError:  # not a UUID: nothing confirmed
        return None


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
                        company=_confirmed_company(request, application),
                        actor=request.user,
                    )
                    done += 1
                except (DomainError, ValidationError) as error:
                    modeladmin.message_user(
                        request, f"{application}: {refusal_message(error)}", messages.WARNING
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
        # Each application with the company its tax code matches (or None): the page shows
        # the match and a box to confirm it; onboarding never joins one silently.
        "rows": [
            (application, company_matching(application)) for application in queryset.order_by("pk")
        ],
        "form": form,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return render(request, "admin/incubator/application/onboard.html", context)


@admin.register(Application)
class ApplicationAdmin(ServiceAdmin):
    """Read-only fields: an application changes through the actions (and the services) only."""

    list_display = ["startup_name", "program", "applicant", "state", "score", "submitted_at"]
    list_filter = ["program", "state"]
    list_select_related = ["program", "applicant"]
    search_fields = ["search_text"]  # see get_search_results: accents are ignored
    search_help_text = _("Startup name, tax code or team; accents are ignored.")
    readonly_fields = [
        "program",
        "applicant",
        *APPLICATION_WRITABLE,
        *APPLICATION_SERVICES_OWN,
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
