"""`/invoices/` (design billing.md): drafts made by the invoice run or by hand, edited by
managers, issued with gapless numbers, voided (with a replacement draft) or adjusted; their
PDF and e-invoice XML. A representative reads their company's issued invoices; drafts and
other companies' invoices are 404 to them."""

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from api.base.csv import CSVRenderer, FormatParamFirstNegotiation
from api.base.fields import UUID_PATTERN
from api.base.views import ETagMixin, GenericViewSet, etag_of
from api.billing.filters import InvoiceFilter
from api.billing.permissions import ManagerWritesOthersRead
from api.billing.serializers import (
    INVOICE_CSV_COLUMNS,
    InvoiceCreateSerializer,
    InvoiceLineCreateSerializer,
    InvoiceRowSerializer,
    InvoiceSerializer,
    IssueManySerializer,
    IssueSerializer,
    NoBodySerializer,
    VoidSerializer,
)
from billing.documents.pdf import invoice_pdf
from billing.documents.xml import invoice_xml
from billing.models import Invoice, InvoiceLine
from billing.selectors import invoices_visible_to
from billing.services import invoices as services


class BytesRenderer(BaseRenderer):
    """Declares a document's media type for content negotiation; the view answers bytes."""

    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class PDFRenderer(BytesRenderer):
    media_type = "application/pdf"
    format = "pdf"


class XMLRenderer(BytesRenderer):
    media_type = "application/xml"
    format = "xml"


FORMAT_PARAMETER = OpenApiParameter(
    "format", str, enum=["json", "csv"], description="`csv`: text/csv, UTF-8 with BOM"
)


def _document(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # A draft's document changes with every edit: let nobody keep a stale copy.
    response["Cache-Control"] = "private, no-cache"
    return response


class InvoiceViewSet(
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    GenericViewSet,
):
    """Invoices with their lines. Managers make, edit, issue, void and adjust them; a
    representative reads their company's issued invoices. An issued invoice never changes:
    any write is 409 invalid_transition."""

    serializer_class = InvoiceSerializer
    filterset_class = InvoiceFilter
    permission_classes = [ManagerWritesOthersRead]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    content_negotiation_class = FormatParamFirstNegotiation
    lookup_value_regex = UUID_PATTERN
    # No PUT: a draft's lines change through /lines/, its state through the actions.
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    ordering_fields = ["number", "issue_date", "due_date", "total_vnd"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Invoice.objects.none()
        lines = Prefetch("lines", queryset=InvoiceLine.objects.order_by("position"))
        return (
            invoices_visible_to(self.request.user)
            .select_related("company", "series")
            .prefetch_related(lines)
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def _answer(self, invoice, *, code=status.HTTP_200_OK) -> Response:
        """The invoice as a reader sees it now, read once after the service's write."""
        invoice = self.get_queryset().get(pk=invoice.pk)
        return Response(
            InvoiceSerializer(invoice, context=self.get_serializer_context()).data,
            status=code,
            headers={"ETag": etag_of(invoice)},
        )

    def get_response_data(self, instance):
        return InvoiceSerializer(
            self.get_queryset().get(pk=instance.pk), context=self.get_serializer_context()
        ).data

    @extend_schema(parameters=[FORMAT_PARAMETER])
    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            invoices = self.filter_queryset(self.get_queryset()).prefetch_related(None)
            self.csv_columns = INVOICE_CSV_COLUMNS
            rows = InvoiceRowSerializer(
                invoices, many=True, context=self.get_serializer_context()
            ).data
            headers = {"Content-Disposition": 'attachment; filename="invoices.csv"'}
            return Response(rows, headers=headers)
        return super().list(request, *args, **kwargs)

    @extend_schema(request=InvoiceCreateSerializer, responses={201: InvoiceSerializer})
    def create(self, request, *args, **kwargs):
        """An empty `normal` draft for a company's month (manager); one already there: 409
        duplicate."""
        body = InvoiceCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        invoice = services.invoice_create(actor=request.user, **body.validated_data)
        return self._answer(invoice, code=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = services.invoice_update(
            invoice=serializer.instance, data=serializer.validated_data, actor=self.request.user
        )

    def perform_destroy(self, instance):
        services.invoice_delete(invoice=instance, actor=self.request.user)

    @extend_schema(request=InvoiceLineCreateSerializer, responses={201: InvoiceSerializer})
    @action(detail=True, methods=["post"], url_path="lines")
    def lines(self, request, pk=None):
        """Add a `manual` line to a draft; answers the draft with its new totals. Negative
        prices only on adjustments (400 negative_price)."""
        invoice = self.get_object()
        body = InvoiceLineCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.invoice_line_add(
            invoice=invoice, data=dict(body.validated_data), actor=request.user
        )
        return self._answer(invoice, code=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={204: None},
        parameters=[OpenApiParameter("line_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=f"lines/(?P<line_id>{UUID_PATTERN})",
        url_name="line",
    )
    def delete_line(self, request, pk=None, line_id=None):
        """Remove a line from a draft."""
        invoice = self.get_object()
        line = get_object_or_404(InvoiceLine.objects.filter(invoice=invoice), pk=line_id)
        line.invoice = invoice  # the service checks the invoice loaded above
        services.invoice_line_delete(line=line, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=IssueSerializer, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        """Number and issue a draft (default today); 409 no_invoice_series without an active
        series for that year; 400 before_last_issue, empty_invoice."""
        invoice = self.get_object()
        body = IssueSerializer(data=request.data or {})
        body.is_valid(raise_exception=True)
        invoice = services.invoice_issue(
            invoice=invoice, issue_date=body.validated_data["issue_date"], actor=request.user
        )
        return self._answer(invoice)

    @extend_schema(
        operation_id="invoices_issue_many",
        request=IssueManySerializer,
        responses=InvoiceSerializer(many=True),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="issue",
        url_name="issue-many",
        filter_backends=[],
        pagination_class=None,
    )
    def issue_many(self, request):
        """Issue several drafts in the order given, all or nothing; answers them in that
        order (a plain list)."""
        body = IssueManySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = body.validated_data["invoices"]
        found = self.get_queryset().prefetch_related(None).in_bulk(ids)
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError(
                {"invoices": [_("No such invoice: %(id)s.") % {"id": missing[0]}]}
            )
        issued = services.invoices_issue(
            invoices=[found[pk] for pk in ids],
            issue_date=body.validated_data["issue_date"],
            actor=request.user,
        )
        by_id = self.get_queryset().in_bulk([invoice.pk for invoice in issued])
        context = self.get_serializer_context()
        return Response(
            [InvoiceSerializer(by_id[invoice.pk], context=context).data for invoice in issued]
        )

    @extend_schema(request=VoidSerializer, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        """Void an issued invoice; answers the replacement draft (same lines, `replaces` it)
        for the manager to correct and issue."""
        invoice = self.get_object()
        body = VoidSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        replacement = services.invoice_void(
            invoice=invoice, reason=body.validated_data["reason"], actor=request.user
        )
        return self._answer(replacement)

    @extend_schema(request=None, responses={201: InvoiceSerializer})
    @action(detail=True, methods=["post"])
    def adjust(self, request, pk=None):
        """An empty `adjustment` draft referring to this issued invoice; its lines may be
        negative."""
        invoice = self.get_object()
        NoBodySerializer(data=request.data or {}).is_valid(raise_exception=True)
        adjustment = services.invoice_adjust(invoice=invoice, actor=request.user)
        return self._answer(adjustment, code=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[PDFRenderer, JSONRenderer])
    def pdf(self, request, pk=None):
        """The invoice as an A4 PDF (the park's copy); a draft's is marked NHÁP / DRAFT."""
        invoice = self.get_object()
        return _document(
            invoice_pdf(invoice),
            content_type="application/pdf",
            filename=f"{_filename(invoice)}.pdf",
        )

    @extend_schema(responses={(200, "application/xml"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[XMLRenderer, JSONRenderer])
    def xml(self, request, pk=None):
        """The unsigned Circular 78 `HDon` for the park's e-invoice provider; a draft: 409
        invalid_transition."""
        invoice = self.get_object()
        return _document(
            invoice_xml(invoice),
            content_type="application/xml",
            filename=f"{_filename(invoice)}.xml",
        )


def _filename(invoice: Invoice) -> str:
    return invoice.number_display or f"draft-{invoice.pk}"
