"""The filters of `/users/` (the one strict FilterSet)."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import users_in_role, users_search
from api.base.filters import FilterSet


class UserFilter(FilterSet):
    search = filters.CharFilter(method="filter_search", label=_("Email or name contains"))
    role = filters.ChoiceFilter(choices=Role.choices, method="filter_role")

    class Meta:
        model = User
        fields = ["is_active", "language"]

    def filter_search(self, queryset, name, value):
        return users_search(queryset, value)

    def filter_role(self, queryset, name, value):
        return users_in_role(queryset, value)
