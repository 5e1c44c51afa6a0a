from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import User
from accounts.roles import GRANTABLE_ROLES, Role, roles_of
from accounts.services import user_set_roles
from core.errors import DomainError

ROLE_CHOICES = [(role.value, role.label) for role in Role if role in GRANTABLE_ROLES]

admin.site.site_header = _("softpark administration")
admin.site.site_title = _("softpark")
admin.site.index_title = _("Run the park")
admin.site.site_url = "/"  # "View site": the start page (config/urls.py, home.html)

# Plumbing, not the park: API tokens (each user signs out their own through the API), the
# task queue's results and raw groups (the user page grants roles, which are groups).
# Their apps come before accounts in INSTALLED_APPS, so their admins are registered by now.
for plumbing in (AuthToken, DBTaskResult, Group):
    if admin.site.is_registered(plumbing):
        admin.site.unregister(plumbing)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserChangeFormForEmail(UserChangeForm):
    # Roles instead of raw groups: granting `manager` also opens the admin (is_staff), and
    # that rule lives in accounts.services.user_set_roles, which save_related calls.
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = User
        exclude = ["groups", "is_staff", "user_permissions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            roles = roles_of(self.instance)
            self.fields["roles"].initial = [r for r in roles if r in GRANTABLE_ROLES]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    """Django's user admin, with roles instead of raw groups.

    Not a core.admin.ServiceAdmin, deliberately: Django's user admin brings its own forms and
    views for what our services do not cover. The add form hashes and validates the password
    pair (and offers "unusable password"), the change form shows the password hash with its
    link to the password-change view, and `is_superuser` has no service. Moving it onto
    ServiceForm would mean re-writing those forms. What does have a rule, the roles (granting
    `manager` opens the admin; nobody removes their own manager role), goes through
    `accounts.services.user_set_roles` in `save_related`, and a refusal is shown as an error.
    """

    add_form = UserCreationForm
    form = UserChangeFormForEmail
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "language"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["id", "version", "is_staff", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("id", "email", "password")}),
        (_("Profile"), {"fields": ("full_name", "language", "version")}),
        (
            _("Roles and access"),
            {"fields": ("is_active", "roles", "is_superuser")},
        ),
        (_("Dates"), {"fields": ("is_staff", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # Superuser status is granted by a superuser only: a manager holds every permission
        # of the admin (User.has_perm), so without this a manager could make anyone, themselves
        # included, a superuser. `is_staff` is read-only to all: the manager role sets it.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")
        return fields

    def has_change_permission(self, request, obj=None):
        # Nor may a manager change a superuser's account: setting its password or email
        # would be the same escalation.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and "roles" in form.cleaned_data:
            try:
                user_set_roles(
                    user=form.instance, roles=form.cleaned_data["roles"], actor=request.user
                )
            except DomainError as refusal:
                messages.error(request, refusal.detail)
