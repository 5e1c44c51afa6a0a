"""Named refusals of the incubator, each with a stable code (api/errors.py shapes them)."""

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, DomainError, TooLarge


class ProgramClosed(Conflict):
    """Submitting (or starting a draft) outside the program's window."""

    code = "program_closed"
    title = _("Program closed")


class CohortFull(Conflict):
    code = "cohort_full"
    title = _("Cohort full")


class DuplicateApplication(Conflict):
    code = "duplicate_application"
    title = _("Duplicate application")


class DuplicateReview(Conflict):
    code = "duplicate_review"
    title = _("Duplicate review")


class InvalidApplication(DomainError):
    """A field that breaks a rule of the incubator; `code` names the rule."""

    title = _("The application breaks a rule of the incubator.")

    def __init__(self, detail: str, *, field: str, code: str = "invalid", **extra):
        super().__init__(detail, field=field, **extra)
        self.code = code


class InvalidProgram(DomainError):
    title = _("The program breaks a rule of the incubator.")

    def __init__(self, detail: str, *, field: str, code: str = "invalid", **extra):
        super().__init__(detail, field=field, **extra)
        self.code = code


class InvalidReview(DomainError):
    title = _("The review breaks a rule of the incubator.")

    def __init__(self, detail: str, *, field: str, code: str = "invalid", **extra):
        super().__init__(detail, field=field, **extra)
        self.code = code


class InvalidPitchDeck(DomainError):
    """A file that is not a PDF we can read."""

    title = _("The pitch deck cannot be used.")

    def __init__(self, detail: str, *, code: str = "invalid_pdf", **extra):
        super().__init__(detail, field="file", **extra)
        self.code = code


class PitchDeckTooLarge(TooLarge):
    title = _("The pitch deck is too large.")
