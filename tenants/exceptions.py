"""Named refusals of tenants, each with a stable code (api/errors.py shapes them)."""

from core.errors import DomainError, TooLarge


class InvalidTaxCode(DomainError):
    """A tax code that fails stdnum.vn.mst; `code` names why (check digit, length, ...)."""

    code = "invalid"

    def __init__(self, detail: str, *, code: str, **extra):
        super().__init__(detail, field="tax_code", **extra)
        self.code = code


class TaxCodeTaken(DomainError):
    code = "unique"


class FieldNotWritable(DomainError):
    """A field the actor's role may not change (a representative and a set tax code)."""

    code = "read_only"


class AlreadyMember(DomainError):
    code = "unique"


class ReportExists(DomainError):
    code = "unique"


class InvalidReport(DomainError):
    def __init__(self, detail: str, *, field: str, code: str, **extra):
        super().__init__(detail, field=field, **extra)
        self.code = code


class InvalidLogo(DomainError):
    """A logo that is not a PNG, JPEG or WebP image we can decode, or has too many pixels."""

    def __init__(self, detail: str, *, code: str, **extra):
        super().__init__(detail, field="file", **extra)
        self.code = code


class LogoTooLarge(TooLarge):
    pass
