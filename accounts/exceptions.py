from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class EmailTaken(DomainError):
    code = "unique"
    title = _("A user with this email already exists.")


class UnknownRole(DomainError):
    code = "invalid_choice"
    title = _("Unknown role.")


class OwnManagerRole(DomainError):
    code = "own_manager_role"
    title = _("Managers cannot remove their own manager role.")
