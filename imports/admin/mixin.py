"""The admin mixin that adds Import and Export (with the confirm step) to a domain admin,
and its forms."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm

from accounts.models import is_manager
from core.errors import DomainError
from imports.admin.adapter import CSVExport, SpreadsheetFile, XLSXExport, engine_resource_class
from imports.exporting import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    export_csv,
    export_xlsx,
    template_csv,
    template_xlsx,
)
from imports.resources import resource_for
from imports.resources.base import (
    ImportResource,
)
from park.models import Park

# -- forms -------------------------------------------------------------------------------------


def home_park() -> Park | None:
    return Park.objects.filter(is_home=True).first()


class SpreadsheetImportForm(ImportForm):
    """The library's import form, in our words, with a park for usage and bank statements."""

    park = forms.ModelChoiceField(
        label=capfirst(_("park")),
        queryset=Park.objects.order_by("name"),
        help_text=_("The park whose usage or bank statement this is."),
    )

    def __init__(self, formats, resources, needs_park=False, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["resource"].label = _("Resource")
        self.fields["format"].label = _("Format")
        self.fields["import_file"].label = _("File to import")
        self.fields["import_file"].help_text = _(
            "CSV (UTF-8, UTF-16 or Windows-1258) or XLSX (its first sheet), headers in "
            "English or Vietnamese."
        )
        if not needs_park:
            del self.fields["park"]


class SpreadsheetConfirmForm(ConfirmImportForm):
    park = forms.ModelChoiceField(
        queryset=Park.objects.all(), widget=forms.HiddenInput(), required=False
    )


class SpreadsheetExportForm(ExportForm):
    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["resource"].label = _("Resource")
        self.fields["format"].label = _("Format")


# -- the admin mixin ---------------------------------------------------------------------------


class SpreadsheetAdminMixin(ImportExportMixin):
    """Import (file -> preview -> confirm) and export of our resources `import_resources`,
    for managers only."""

    import_resources: tuple[str, ...] = ()
    import_formats = [SpreadsheetFile]
    export_formats = [CSVExport, XLSXExport]
    import_form_class = SpreadsheetImportForm
    confirm_form_class = SpreadsheetConfirmForm
    export_form_class = SpreadsheetExportForm
    import_template_name = "admin/imports/import.html"
    export_template_name = "admin/imports/export.html"
    import_export_change_list_template = "admin/imports/change_list.html"
    # The import log (and the rows' history) record imports: no admin LogEntry per row.
    skip_admin_log = True

    # who

    def has_import_permission(self, request):
        return is_manager(request.user)

    def has_export_permission(self, request):
        return is_manager(request.user)

    # resources and forms

    def get_resource_classes(self, request):
        return [engine_resource_class(name) for name in self.import_resources]

    @property
    def needs_park(self) -> bool:
        return any(resource_for(name).needs_park for name in self.import_resources)

    def get_import_form_kwargs(self, request):
        return {**super().get_import_form_kwargs(request), "needs_park": self.needs_park}

    def get_import_form_initial(self, request):
        initial = super().get_import_form_initial(request)
        if self.needs_park:
            initial["park"] = home_park()
        return initial

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["park"] = import_form.cleaned_data.get("park")
        return initial

    def get_import_data_kwargs(self, **kwargs):
        form = kwargs.pop("form", None)
        kwargs["park"] = form.cleaned_data.get("park") if form is not None else None
        return kwargs

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, DomainError):  # unsupported_format, payload_too_large
            form.add_error("import_file", e.detail)
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        info = self.get_model_info()
        context["spreadsheet_templates"] = [
            {
                "name": engine_resource_class(name).get_display_name(),
                "columns": resource_for(name).template_headers(),
                "links": [
                    (
                        extension.upper(),
                        reverse(
                            f"admin:{info[0]}_{info[1]}_import_template", args=[name, extension]
                        ),
                    )
                    for extension in ("xlsx", "csv")
                ],
            }
            for name in self.import_resources
        ]
        return context

    # the confirm step

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The rows changed between the preview and the confirm: nothing was written;
            # show why, on the import page.
            return self._import_page(request, result)
        return super().process_result(result, request)

    def _import_page(self, request, result):
        form = self.get_import_form_class(request)(
            self.get_import_formats(),
            self.get_import_resource_classes(request),
            needs_park=self.needs_park,
            initial=self.get_import_form_initial(request),
        )
        context = {
            **self.get_import_context_data(),
            **self.admin_site.each_context(request),
            "title": gettext("Import"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "result": result,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def add_success_message(self, result, request):
        report = result.report
        message = gettext(
            "Imported %(name)s: %(new)s new, %(updated)s changed, %(unchanged)s unchanged, "
            "%(skipped)s skipped."
        ) % {
            "name": engine_resource_class(result.engine_name).get_display_name(),
            "new": report.new,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "skipped": report.skipped,
        }
        if report.unmatched:
            message += " " + gettext("Rows matching no company, not imported: %(rows)s.") % {
                "rows": ", ".join(map(str, report.unmatched))
            }
        messages.success(request, message)

    # export

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if not self.has_export_permission(request):
            raise PermissionDenied
        resource_class = self.choose_export_resource_class(kwargs.get("export_form"), request)
        engine = resource_for(resource_class.engine_name)
        records = self.export_records(engine, queryset)
        if isinstance(file_format, XLSXExport):
            return export_xlsx(engine, records)
        return export_csv(engine, records)

    def export_records(self, engine: ImportResource, queryset):
        """The engine's export rows of the changelist's records (with its filters); for
        contacts from the companies' list, those of the listed companies."""
        ids = queryset.order_by().values("pk")
        if engine.model is self.model:
            return engine.export_queryset().filter(pk__in=ids)
        relation = next(
            field.name
            for field in engine.model._meta.get_fields()
            if field.many_to_one and field.related_model is self.model
        )
        return engine.export_queryset().filter(**{f"{relation}__in": ids})

    def get_export_filename(self, request, queryset, file_format):
        form = SpreadsheetExportForm(
            self.get_export_formats(), self.get_export_resource_classes(request), data=request.POST
        )
        name = self.import_resources[0]
        if form.is_valid():
            name = self.choose_export_resource_class(form, request).engine_name
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    # pages

    def get_urls(self):
        info = self.get_model_info()
        template = path(
            "import/template/<slug:resource>.<slug:extension>",
            self.admin_site.admin_view(self.import_template_view),
            name="{}_{}_import_template".format(*info),
        )
        return [template, *super().get_urls()]

    def import_template_view(self, request, resource, extension):
        """The resource's template: headers in both languages and one example row."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if resource not in self.import_resources or extension not in ("xlsx", "csv"):
            raise Http404
        engine = resource_for(resource)
        if extension == "xlsx":
            response = HttpResponse(template_xlsx(engine), content_type=XLSX_CONTENT_TYPE)
        else:
            response = HttpResponse(template_csv(engine), content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{resource}-template.{extension}"'
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if getattr(response, "context_data", None) is not None:
            # The library extends the admin's plain list page; keep a model's own list page
            # (the units' planning links, the usage grid's link) under the buttons.
            response.context_data["ie_base_change_list_template"] = self.base_change_list()
        return response

    def base_change_list(self) -> str:
        if self.ie_base_change_list_template != "admin/change_list.html":
            return self.ie_base_change_list_template
        app_label, model_name = self.get_model_info()
        names = [
            f"admin/{app_label}/{model_name}/change_list.html",
            f"admin/{app_label}/change_list.html",
            "admin/change_list.html",
        ]
        return select_template(names).template.name
