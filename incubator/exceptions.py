"""Named refusals of the incubator, each with a stable code (api/errors.py shapes them)."""

from core.errors import Conflict, DomainError, TooLarge


class ProgramClosed(Conflict):
    """Submitting (or starting a draft) outside the program's window."""

    code = "program_closed"


class CohortFull(Conflict):
    code = "cohort_full"


class DuplicateApplication(Conflict):
    code = "duplicate_application"


class DuplicateReview(Conflict):
    code = "duplicate_review"


class CompanyExists(Conflict):
    """Onboarding found a company by the application's tax code: the manager confirms it."""

    code = "company_exists"


class CompanyHasMembers(Conflict):
    """Onboarding never makes the applicant a representative of a company that has some."""

    code = "company_has_members"


class InvalidApplication(DomainError):
    """A field that breaks a rule of the incubator; `code` names the rule."""

    def __init__(self, detail: str, *, field: str, code: str = "invalid", **extra):
        super().__init__(detail, field=field, **extra)
        self.code = code


class InvalidProgram(DomainError):
    def __init__(self, detail: str, *, field: str, code: str = "invalid", **extra):
        super().__init__(detail, field=field, **extra)
        self.code = code


class InvalidReview(DomainError):
    def __init__(self, detail: str, *, field: str, code: str = "invalid", **extra):
        super().__init__(detail, field=field, **extra)
        self.code = code


class InvalidPitchDeck(DomainError):
    """A file that is not a PDF we can read."""

    def __init__(self, detail: str, *, code: str = "invalid_pdf", **extra):
        super().__init__(detail, field="file", **extra)
        self.code = code


class PitchDeckTooLarge(TooLarge):
    pass
