from core.errors import Conflict, DomainError


class NoInvoiceSeries(Conflict):
    """The park has no active invoice series for the issue date's year."""

    code = "no_invoice_series"


class DuplicateInvoice(Conflict):
    """The company already has a (non-void) invoice for that park and month."""

    code = "duplicate"


class BeforeLastIssue(DomainError):
    """An issue date earlier than the series' latest: numbers and dates must rise together."""

    code = "before_last_issue"


class EmptyInvoice(DomainError):
    """An invoice without lines cannot be issued."""

    code = "empty_invoice"


class NegativePrice(DomainError):
    """Negative prices belong on adjustment invoices only."""

    code = "negative_price"


class SymbolYearMismatch(DomainError):
    """The symbol's two digits are not the series year's last two."""

    code = "symbol_year"


class NoBillingSettings(Conflict):
    """The park has no seller details (BillingSettings): an invoice must name its seller."""

    code = "no_billing_settings"


class Taken(DomainError):
    """A value that must be unique (a series symbol, a charge code, a month's usage)."""

    code = "unique"


class InvalidPayment(DomainError):
    """A payment's amount, method or named invoices break a rule (`field` names which)."""

    code = "invalid"
