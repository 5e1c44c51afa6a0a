from rest_framework.permissions import BasePermission

from accounts.models import is_manager


class IsManager(BasePermission):
    """A superuser or a member of `managers` (a non-manager on a manager collection: 403)."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and is_manager(request.user))
