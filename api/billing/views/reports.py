"""The month's work and its figures: `POST /invoice-runs/` (draft a park's month),
`GET /companies/{id}/statement/` (a company's account) and `GET /reports/aging/` (arrears by
days past due, JSON or CSV)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.base.csv import CSVRenderer, FormatParamFirstNegotiation
from api.base.permissions import IsManager
from api.base.views import IdempotentMixin
from api.billing.serializers import (
    AGING_CSV_COLUMNS,
    AgingQuerySerializer,
    AgingSerializer,
    InvoiceRunSerializer,
    RunSummarySerializer,
    StatementQuerySerializer,
    StatementSerializer,
)
from billing.selectors import aging, statement
from billing.services.runs import invoice_run
from tenants.selectors import companies_visible_to


def _query(request, names) -> dict:
    return {name: request.query_params[name] for name in names if name in request.query_params}


class InvoiceRunView(IdempotentMixin, APIView):
    permission_classes = [IsManager]

    @extend_schema(
        operation_id="invoice_runs_create",
        summary="Invoice run",
        description=(
            "Make or refresh one draft per company billed in the park's month: rent and "
            "management fee per lease (prorated by day), usage, meeting-room overage. A "
            "company whose month is already issued is skipped. Running it again changes "
            "nothing. `dry_run`: the same counts, nothing written. Answers the counts of "
            "drafts (`companies` = created + refreshed + unchanged) and their total."
        ),
        request=InvoiceRunSerializer,
        responses=RunSummarySerializer,
        tags=["invoice-runs"],
    )
    def post(self, request):
        body = InvoiceRunSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        summary = invoice_run(actor=request.user, **body.validated_data)
        return Response(summary.as_dict())


class StatementView(APIView):
    @extend_schema(
        operation_id="companies_statement",
        summary="Company statement",
        description=(
            "A company's account from `from` to `to` (manager, or the company's "
            "representative; anyone else: 404): the opening balance, each issued invoice "
            "(positive) and payment (negative) in date order, invoices before payments on "
            "the same day, with the running balance; the closing balance and the credit."
        ),
        parameters=[StatementQuerySerializer],
        responses=StatementSerializer,
        tags=["companies"],
    )
    def get(self, request, company_pk):
        company = get_object_or_404(companies_visible_to(request.user), pk=company_pk)
        query = StatementQuerySerializer(data=_query(request, ("from", "to")))
        query.is_valid(raise_exception=True)
        return Response(
            statement(
                company=company,
                start=query.validated_data["from"],
                end=query.validated_data["to"],
            )
        )


class AgingView(APIView):
    permission_classes = [IsManager]
    renderer_classes = [JSONRenderer, CSVRenderer]
    content_negotiation_class = FormatParamFirstNegotiation
    csv_columns = AGING_CSV_COLUMNS

    @extend_schema(
        operation_id="reports_aging",
        summary="Aging of receivables",
        description=(
            "What each company of the park owed on `on` (default today), by days past due: "
            "`current` (not yet due), `1_30`, `31_60`, `61_90`, `over_90`; invoices issued "
            "and payments received on or before `on`. `?format=csv`: one row per company, "
            "then a totals row (UTF-8 with BOM)."
        ),
        parameters=[
            AgingQuerySerializer,
            OpenApiParameter(
                "format", str, enum=["json", "csv"], description="`csv`: text/csv, UTF-8 with BOM"
            ),
        ],
        responses={
            (200, "application/json"): AgingSerializer,
            (200, "text/csv"): OpenApiTypes.STR,
        },
        tags=["reports"],
    )
    def get(self, request):
        query = AgingQuerySerializer(data=_query(request, ("park", "on")))
        query.is_valid(raise_exception=True)
        park = query.validated_data["park"]
        on = query.validated_data.get("on") or timezone.localdate()
        report = aging(park=park, on=on)
        if request.accepted_renderer.format == "csv":
            totals = {"company": "", "company_name": _("Total"), **report["totals"]}
            rows = [*report["companies"], totals]
            rows = [{name: row.get(name) for name in AGING_CSV_COLUMNS} for row in rows]
            filename = f"aging-{park.slug}-{on.isoformat()}.csv"
            return Response(
                rows, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
            )
        return Response(report)
