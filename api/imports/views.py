"""Spreadsheets in and out (managers only): `POST /imports/` checks a file (a dry run by
default) or writes it, `GET /imports/` is the import log, `GET /imports/templates/{resource}.xlsx`
(or `.csv`) the empty form of each resource, and `GET /exports/{resource}/` the resource's
records, filtered as its list is, in CSV or XLSX that an import reads back unchanged.
"""

from typing import ClassVar

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.exceptions import ErrorDetail, NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.base.fields import UUID_PATTERN
from api.base.permissions import IsManager
from api.base.views import GenericViewSet
from api.billing.filters import PaymentFilter, UsageFilter
from api.imports.filters import ContactExportFilter
from api.imports.serializers import (
    ImportQueuedSerializer,
    ImportResultSerializer,
    ImportSerializer,
    ImportUploadSerializer,
)
from api.park.filters import LeaseFilter, UnitFilter
from api.tenants.filters import CompanyFilter
from core.errors import TooLarge
from imports.exporting import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    export_csv,
    export_xlsx,
    template_csv,
    template_xlsx,
)
from imports.models import Import
from imports.reading import MAX_BYTES
from imports.resources import RESOURCES, UnknownResource, resource_for
from imports.services import import_file

FORMATS = {
    "csv": (CSV_CONTENT_TYPE, export_csv, template_csv),
    "xlsx": (XLSX_CONTENT_TYPE, export_xlsx, template_xlsx),
}
FILE_RESPONSES = {
    "csv": {(200, "text/csv"): OpenApiTypes.BINARY},
    "xlsx": {(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY},
}


class FileNegotiation(BaseContentNegotiation):
    """These views answer a file (or a problem) whatever `Accept` says, and read `?format=`
    themselves: DRF would answer an unknown `?format=xlsx` with a 404."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def attachment(data: bytes, *, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


# --- imports ------------------------------------------------------------------------------


class ImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """The import log, newest first: every file checked or written through the API, the
    admin or `manage.py import_rows`, with its progress and report."""

    serializer_class = ImportSerializer
    permission_classes = [IsManager]
    parser_classes = [MultiPartParser]
    filter_backends: ClassVar[list] = []
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        # The uploaded file of a queued import may weigh 20 MB: never read it here.
        return Import.objects.defer("payload").order_by("-created_at", "-id")

    @extend_schema(
        summary="Import a spreadsheet",
        description=(
            "Check a CSV or XLSX file as `resource` and, with `commit: true`, write all of "
            "its rows or none (a row with an error writes nothing). The dry run (the "
            "default) writes nothing and answers the same report. Files of more than 2,000 "
            "rows run as a task: `202 {id}` with `Location`, then `GET /imports/{id}/`. "
            "A report with row errors is still a 200, `committed: false`. Usage and "
            "payments (a bank statement) need `park`. The file itself refused: 400 on "
            "`file` (`unsupported_format`, `missing_column`), 413 over 20 MB or 100,000 "
            "rows."
        ),
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            200: ImportResultSerializer,
            202: OpenApiResponse(ImportQueuedSerializer, description="Queued as a task."),
        },
    )
    def create(self, request, *args, **kwargs):
        body = ImportUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        upload = data["file"]
        if upload.size > MAX_BYTES:
            raise TooLarge(
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)},
                field="file",
            )
        record, report = import_file(
            resource=data["resource"],
            data=upload.read(),
            file_name=upload.name or "",
            commit=data["commit"],
            sheet=data.get("sheet") or None,
            park=data.get("park"),
            actor=request.user,
        )
        if report is None:
            location = request.build_absolute_uri(
                reverse("import-detail", kwargs={"pk": record.pk})
            )
            return Response(
                {"id": str(record.pk)},
                status=status.HTTP_202_ACCEPTED,
                headers={"Location": location},
            )
        return Response({"id": str(record.pk), **report.as_dict()})


RESOURCE_PARAMETER = OpenApiParameter(
    "resource", str, OpenApiParameter.PATH, enum=list(RESOURCES), description="The resource."
)


class TemplateView(APIView):
    permission_classes = [IsManager]
    content_negotiation_class = FileNegotiation
    file_format: ClassVar[str]

    def get(self, request, resource):
        try:
            handler = resource_for(resource)
        except UnknownResource:
            raise NotFound() from None
        content_type, _export, template = FORMATS[self.file_format]
        return attachment(
            template(handler),
            content_type=content_type,
            file_name=f"softpark-{resource}-template.{self.file_format}",
        )


def _template_schema(file_format: str):
    return extend_schema(
        operation_id=f"imports_template_{file_format}",
        summary=f"Import template ({file_format.upper()})",
        description=(
            "The resource's columns, each headed in Vietnamese and English (`Mã phòng / "
            "code`; an import reads either), and one example row."
        ),
        parameters=[RESOURCE_PARAMETER],
        responses=FILE_RESPONSES[file_format],
        tags=["imports"],
    )


class XlsxTemplateView(TemplateView):
    file_format = "xlsx"

    @_template_schema("xlsx")
    def get(self, request, resource):
        return super().get(request, resource)


class CsvTemplateView(TemplateView):
    file_format = "csv"

    @_template_schema("csv")
    def get(self, request, resource):
        return super().get(request, resource)


# --- exports ------------------------------------------------------------------------------


class ExportSchema(AutoSchema):
    """The export is one file, not a page: still, its query parameters are its filters."""

    def get_filter_backends(self):
        return getattr(self.view, "filter_backends", [])


class ExportView(GenericAPIView):
    permission_classes = [IsManager]
    content_negotiation_class = FileNegotiation
    filter_backends = [DjangoFilterBackend]
    pagination_class = None
    schema = ExportSchema()
    resource_name: ClassVar[str]

    def get_queryset(self):
        return resource_for(self.resource_name).export_queryset()

    def get(self, request):
        file_format = request.query_params.get("format", "csv")
        if file_format not in FORMATS:
            raise ValidationError(
                {"format": [ErrorDetail(_("Choose csv or xlsx."), code="invalid_choice")]}
            )
        known = {"format", *self.filterset_class.base_filters}
        unknown = sorted(name for name in request.query_params if name not in known)
        if unknown:
            message = _("Unknown filter; the filters are: %(names)s.") % {
                "names": ", ".join(sorted(self.filterset_class.base_filters))
            }
            raise ValidationError(
                {name: [ErrorDetail(message, code="unknown")] for name in unknown}
            )
        records = self.filter_queryset(self.get_queryset())
        content_type, export, _template = FORMATS[file_format]
        today = timezone.localdate().isoformat()
        return attachment(
            export(resource_for(self.resource_name), records),
            content_type=content_type,
            file_name=f"softpark-{self.resource_name}-{today}.{file_format}",
        )


EXPORT_FILTERS = {
    "units": UnitFilter,
    "companies": CompanyFilter,
    "contacts": ContactExportFilter,
    "leases": LeaseFilter,
    "usage": UsageFilter,
    "payments": PaymentFilter,
}


def _export_view(name: str) -> type[ExportView]:
    def get(self, request):  # one function per view: extend_schema marks the function
        return ExportView.get(self, request)

    get = extend_schema(
        operation_id=f"exports_{name}",
        summary=f"Export {name}",
        description=(
            f"The {name} the filters keep (the filters of its list; an unknown filter or a bad "
            "value is a 400), as CSV (UTF-8 with BOM; text that starts like a formula gets a "
            "leading `'`) or XLSX (typed cells, never a formula), with the import's columns: "
            "importing the file back changes nothing."
        ),
        parameters=[
            OpenApiParameter(
                "format", str, enum=["csv", "xlsx"], default="csv", description="The file."
            )
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
        },
        tags=["exports"],
    )(get)
    return type(
        f"{name.title()}ExportView",
        (ExportView,),
        {"resource_name": name, "filterset_class": EXPORT_FILTERS[name], "get": get},
    )


EXPORT_VIEWS = {name: _export_view(name) for name in RESOURCES}
