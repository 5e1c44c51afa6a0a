"""Who may do what on a company and on its contacts, members and reports."""

from rest_framework.permissions import BasePermission

from accounts.models import is_manager

# Actions a representative may take on their own company; the rest are the managers'.
REPRESENTATIVE_ACTIONS = {"retrieve", "partial_update", "logo"}


class CompanyAccess(BasePermission):
    """Anyone signed in may list (and sees only what the selector shows); only managers
    create; on a company they can see, a representative may read, PATCH and change the logo
    (anything else: 403)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return view.action != "create" or is_manager(request.user)

    def has_object_permission(self, request, view, obj):
        return is_manager(request.user) or view.action in REPRESENTATIVE_ACTIONS


class SeesCompany(BasePermission):
    """Signed in and able to see the company of the URL (else 404): a manager or one of
    its representatives."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        view.get_company()  # raises Http404 for a company the caller may not see
        return True


class ManagesCompany(SeesCompany):
    """Managers only, once the company is known to be visible (a representative: 403)."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) and is_manager(request.user)
