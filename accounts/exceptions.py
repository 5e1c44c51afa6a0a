from core.errors import DomainError


class EmailTaken(DomainError):
    code = "unique"


class UnknownRole(DomainError):
    code = "invalid_choice"


class OwnManagerRole(DomainError):
    code = "own_manager_role"
