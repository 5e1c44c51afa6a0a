"""Named refusals of tenants, each with a stable code (api/errors.py shapes them)."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, TooLarge


class InvalidTaxCode(DomainError):
    """A tax code that fails stdnum.vn.mst; `code` names why (check digit, length, ...)."""

    code = "invalid"
    title = _("Invalid tax code.")

    def __init__(self, detail: str, *, code: str, **extra):
        super().__init__(detail, field="tax_code", **extra)
        self.code = code


class TaxCodeTaken(DomainError):
    code = "unique"
    title = _("A company with this tax code already exists.")


class FieldNotWritable(DomainError):
    """A field the actor's role may not change (a representative and a set tax code)."""

    code = "read_only"
    title = _("You may not change this field.")


class AlreadyMember(DomainError):
    code = "unique"
    title = _("This user already represents the company.")


class ReportExists(DomainError):
    code = "unique"
    title = _("The company has already filed a report for this period.")


class InvalidReport(DomainError):
    title = _("The report's figures do not add up.")

    def __init__(self, detail: str, *, field: str, code: str, **extra):
        super().__init__(detail, field=field, **extra)
        self.code = code


class InvalidLogo(DomainError):
    """A logo that is not a PNG, JPEG or WebP image we can decode, or has too many pixels."""

    title = _("The logo cannot be used.")

    def __init__(self, detail: str, *, code: str, **extra):
        super().__init__(detail, field="file", **extra)
        self.code = code


class LogoTooLarge(TooLarge):
    title = _("The logo is too large.")
