"""Applications: the read-only page, the state machine's actions, onboarding, reviewers."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import REVIEWERS_GROUP, User, is_manager
from core.admin import ServiceAdmin, csv_export_action, refusal_message, service_action
from core.errors import DomainError
from incubator import services
from incubator.models import (
    APPLICATION_SERVICES_OWN,
    APPLICATION_WRITABLE,
    ONBOARDING_ONLY,
    TRANSITIONS,
    Application,
    ApplicationEvent,
    ApplicationState,
    Criterion,
    Review,
    ReviewAssignment,
    Role,
)
from incubator.selectors import (
    applications_matching,
    assignments_of,
    company_matching,
)
from park.models import Unit, UnitKind
from tenants.models import Company


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
    fields = ["reviewer", "recommendation", "score", "criterion_scores", "comment"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("application", "reviewer")

    @admin.display(description=_("scores"))
    def criterion_scores(self, review):
        """Each criterion's name and score (the review stores them keyed by criterion id)."""
        criteria = Criterion.objects.filter(program_id=review.application.program_id)
        rows = [
            (
                criterion.name,
                gettext("not scored")
                if review.scores.get(str(criterion.pk)) is None
                else f"{review.scores[str(criterion.pk)]}/{criterion.max_score}",
            )
            for criterion in criteria.order_by("order", "pk")
        ]
        if not rows:
            return "-"
        return format_html(
            '<ul class="criterion-scores">{}</ul>',
            format_html_join("", "<li>{}: {}</li>", rows),
        )


# The targets a manager requests (onboarding has its own action and form).
MANAGER_TARGETS = sorted(
    {to for (_from, to), role in TRANSITIONS.items() if role == Role.MANAGER} - ONBOARDING_ONLY
)


def _transition_action(to: str):
    return service_action(
        name=f"move_to_{to}",
        # Lazy: the action's name is read per request, in the manager's language.
        description=lazy(
            lambda: gettext("Move to %(state)s") % {"state": ApplicationState(to).label}, str
        )(),
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


class ReviewerField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.full_name} <{user.email}>" if user.full_name else user.email


class ReviewerAssignForm(forms.Form):
    reviewer = ReviewerField(label=_("reviewer"), queryset=User.objects.none())

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        # The reviewers not yet assigned; reviewer_assign keeps the rules (not the applicant).
        self.fields["reviewer"].queryset = (
            User.objects.filter(groups__name=REVIEWERS_GROUP, is_active=True)
            .exclude(review_assignments__application=application)
            .order_by("email")
            .distinct()
        )


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
        *[("team_members" if name == "team" else name) for name in APPLICATION_WRITABLE],
        "pitch_decks",
        *APPLICATION_SERVICES_OWN,
        "version",
    ]
    fields = readonly_fields
    inlines = [EventInline, AssignmentInline, ReviewInline]
    actions = [
        *[_transition_action(to) for to in MANAGER_TARGETS],
        onboard,
        csv_export_action(
            fields=[
                (_("Program"), "program__name"),
                "startup_name",
                (_("Applicant"), "applicant__email"),
                "tax_code",
                "sector",
                "stage",
                "requested_desks",
                "state",
                "submitted_at",
                "decided_at",
                "score",
                "website",
            ],
            filename="applications.csv",
            prepare=lambda applications: applications.select_related("program", "applicant"),
        ),
    ]

    @admin.display(description=_("team"))
    def team_members(self, application):
        members = application.team or []
        if not members:
            return "-"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (member.get("name", ""), member.get("email", ""), member.get("role", ""))
                for member in members
            ),
        )
        return format_html(
            '<table class="team"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            gettext("Name"),
            gettext("Email"),
            gettext("Role"),
            rows,
        )

    @admin.display(description=_("pitch decks"))
    def pitch_decks(self, application):
        links = [
            (
                reverse(
                    "admin:incubator_application_attachment",
                    args=[application.pk, attachment.pk],
                ),
                attachment.file_name,
                attachment.size_bytes // 1024 or 1,
            )
            for attachment in application.attachments.order_by("created_at", "pk")
        ]
        if not links:
            return "-"
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}" download>{}</a> ({} KB)',
            links,
        )

    def has_change_permission(self, request, obj=None):
        return False  # read-only: the page has no Save; changes go through the actions

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/reviewers/",
                self.admin_site.admin_view(self.reviewers_view),
                name="incubator_application_reviewers",
            ),
            path(
                "<path:object_id>/attachments/<uuid:attachment_id>/",
                self.admin_site.admin_view(self.attachment_view),
                name="incubator_application_attachment",
            ),
        ]
        return [*urls, *super().get_urls()]

    def _managed_application(self, request, object_id) -> Application:
        if not is_manager(request.user):
            raise PermissionDenied
        application = self.get_object(request, object_id)
        if application is None:
            raise Http404
        return application

    def attachment_view(self, request, object_id, attachment_id):
        """A pitch deck from private storage, to managers only."""
        application = self._managed_application(request, object_id)
        attachment = application.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            raise Http404
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            content_type="application/pdf",
            filename=attachment.file_name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    def reviewers_view(self, request, object_id):
        """Assign a reviewer to the application or unassign one, through the services."""
        application = self._managed_application(request, object_id)
        form = ReviewerAssignForm(application=application)
        if request.method == "POST" and "unassign" in request.POST:
            assignment = next(
                (a for a in assignments_of(application) if str(a.pk) == request.POST["unassign"]),
                None,
            )
            if assignment is None:
                self.message_user(request, gettext("No such reviewer."), messages.ERROR)
            else:
                try:
                    services.reviewer_unassign(assignment=assignment, actor=request.user)
                    self.message_user(
                        request,
                        gettext("%(user)s is no longer a reviewer of this application.")
                        % {"user": assignment.reviewer.email},
                    )
                except (DomainError, ValidationError) as error:
                    self.message_user(request, refusal_message(error), messages.ERROR)
            return HttpResponseRedirect(request.path)
        if request.method == "POST":
            form = ReviewerAssignForm(request.POST, application=application)
            if form.is_valid():
                reviewer = form.cleaned_data["reviewer"]
                try:
                    services.reviewer_assign(
                        application=application, reviewer=reviewer, actor=request.user
                    )
                except (DomainError, ValidationError) as error:
                    form.add_error("reviewer", refusal_message(error))
                else:
                    self.message_user(
                        request,
                        gettext("%(user)s now reviews this application.")
                        % {"user": reviewer.email},
                    )
                    return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reviewers of %(application)s") % {"application": application},
            "opts": self.model._meta,
            "original": application,
            "assignments": assignments_of(application),
            "form": form,
        }
        return TemplateResponse(request, "admin/incubator/application/reviewers.html", context)

    def get_search_results(self, request, queryset, search_term):
        return applications_matching(queryset, search_term), False

    def has_add_permission(self, request):
        return False  # applicants apply through the API

    def has_delete_permission(self, request, obj=None):
        return False  # never deleted: withdrawn, rejected or graduated instead
