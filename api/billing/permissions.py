"""Who may do what in billing: managers everything; a representative reads what the
selectors show them (their company's issued invoices, payments, the park's price list)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import is_manager


class ManagerWritesOthersRead(BasePermission):
    """Anyone signed in reads what the view's selector shows them; only managers write.

    On a record (a detail route), a write by a non-manager is let through here, so that the
    view's lookup answers 404 for a record they may not see; the object check then answers
    403 for one they may see (design/api.md: no existence leak).
    """

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        detail = getattr(view, "detail", False)
        return request.method in SAFE_METHODS or detail or is_manager(request.user)

    def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS or is_manager(request.user)
