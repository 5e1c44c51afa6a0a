"""Spreadsheets in the admin: an Import and an Export button on units, companies (and their
contacts), leases, usage and payments, the templates to download, and the import log.

The pages are django-import-export's (its import form, its preview with a confirm step, its
export form); the work is our engine's. `EngineResource` is a library `Resource` whose
`import_data` hands the uploaded rows to `imports.resources.base.run_import` (which checks
every row through the domain's services and writes all of them or none) and turns its report
into the library's `Result`: one preview row per data row, the refused rows with their
errors by row and column. The library's own row-by-row import never runs, so it writes
nothing. Files are read by `imports.reading.read_table`, as the API reads them, and exports
are `imports.exporting`'s, the API's columns.

The domain apps' admins know nothing of this module: it unregisters their ModelAdmins and
registers subclasses with the import/export mixin (`imports` comes after them in
INSTALLED_APPS, so its admin module loads last).
"""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from billing.admin.payments import PaymentAdmin
from billing.admin.usage import UsageAdmin
from billing.models import Payment, Usage
from core.admin import ReadOnlyAdmin
from imports.admin.mixin import SpreadsheetAdminMixin
from imports.models import Import
from park.admin.leases import LeaseAdmin
from park.admin.space import UnitAdmin
from park.models import Lease, Unit
from tenants.admin import CompanyAdmin
from tenants.models import Company

# -- the domain admins, with the buttons ---------------------------------------------------------

admin.site.unregister(Unit)
admin.site.unregister(Company)
admin.site.unregister(Lease)
admin.site.unregister(Usage)
admin.site.unregister(Payment)


@admin.register(Unit)
class UnitImportAdmin(SpreadsheetAdminMixin, UnitAdmin):
    import_resources = ("units",)


@admin.register(Company)
class CompanyImportAdmin(SpreadsheetAdminMixin, CompanyAdmin):
    # Contacts have no list of their own (they are edited on their company): imported and
    # exported from the companies' list, chosen as the form's resource.
    import_resources = ("companies", "contacts")


@admin.register(Lease)
class LeaseImportAdmin(SpreadsheetAdminMixin, LeaseAdmin):
    import_resources = ("leases",)


@admin.register(Usage)
class UsageImportAdmin(SpreadsheetAdminMixin, UsageAdmin):
    import_resources = ("usage",)


@admin.register(Payment)
class PaymentImportAdmin(SpreadsheetAdminMixin, PaymentAdmin):
    import_resources = ("payments",)


# -- the import log ----------------------------------------------------------------------------


@admin.register(Import)
class ImportAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "resource",
        "file_name",
        "user",
        "committed",
        "status",
        "new",
        "updated",
        "unchanged",
        "skipped",
        "error_count",
    ]
    list_filter = ["resource", "status", "committed"]
    list_select_related = ["user", "park"]
    search_fields = ["file_name", "sha256"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "finished_at",
        "resource",
        "file_name",
        "sha256",
        "user",
        "park",
        "sheet",
        "commit",
        "committed",
        "status",
        "progress",
        "counts",
        "errors_table",
    ]
    readonly_fields = fields

    def _count(self, record, name):
        return (record.report or {}).get(name, "-")

    @admin.display(description=_("new"))
    def new(self, record):
        return self._count(record, "new")

    @admin.display(description=_("changed"))
    def updated(self, record):
        return self._count(record, "updated")

    @admin.display(description=_("unchanged"))
    def unchanged(self, record):
        return self._count(record, "unchanged")

    @admin.display(description=_("skipped"))
    def skipped(self, record):
        return self._count(record, "skipped")

    @admin.display(description=_("errors"))
    def error_count(self, record):
        if record.report is None:
            return "-"
        return len(record.report.get("errors", []))

    @admin.display(description=_("progress"))
    def progress(self, record):
        return f"{record.progress_done} / {record.progress_total}"

    @admin.display(description=_("counts"))
    def counts(self, record):
        report = record.report
        if report is None:
            return "-"
        text = gettext(
            "%(rows)s rows: %(new)s new, %(updated)s changed, %(unchanged)s unchanged, "
            "%(skipped)s skipped."
        ) % {
            name: report.get(name, 0) for name in ("rows", "new", "updated", "unchanged", "skipped")
        }
        if report.get("unmatched"):
            text += " " + gettext("Rows matching no company: %(rows)s.") % {
                "rows": ", ".join(map(str, report["unmatched"]))
            }
        return text

    @admin.display(description=_("errors"))
    def errors_table(self, record):
        errors = (record.report or {}).get("errors") or []
        if not errors:
            return "-"
        head = format_html(
            "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            gettext("Row"),
            gettext("Column"),
            gettext("Code"),
            gettext("Message"),
        )
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    error.get("row") or "-",
                    error.get("column") or "-",
                    error["code"],
                    error["message"],
                )
                for error in errors
            ),
        )
        return format_html(
            '<table id="import-errors"><thead>{}</thead><tbody>{}</tbody></table>', head, rows
        )
