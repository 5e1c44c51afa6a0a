"""`GET /reports/summary/?park=&year=` (manager): the park's figures for the authorities,
as JSON or, with `?format=csv`, one row per counted company and a totals row."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.base.csv import CSVRenderer, FormatParamFirstNegotiation
from api.base.permissions import IsManager
from api.park.serializers import ReportsSummarySerializer, SummaryQuerySerializer
from park.reports import CSV_COLUMNS, reports_summary, reports_summary_rows


class ReportsSummaryView(APIView):
    permission_classes = [IsManager]
    renderer_classes = [JSONRenderer, CSVRenderer]
    content_negotiation_class = FormatParamFirstNegotiation
    csv_columns = CSV_COLUMNS

    @extend_schema(
        operation_id="reports_summary",
        summary="Reports summary",
        description=(
            "The companies that held a lease in the park during the year, their revenue, "
            "exports and headcounts (the yearly report, else both halves), the leased land "
            "share and the three thresholds of Decree 154/2013/ND-CP. `?format=csv`: one row "
            "per company, then a totals row (UTF-8 with BOM)."
        ),
        parameters=[
            SummaryQuerySerializer,
            OpenApiParameter(
                "format", str, enum=["json", "csv"], description="`csv`: text/csv, UTF-8 with BOM"
            ),
        ],
        responses={
            (200, "application/json"): ReportsSummarySerializer,
            (200, "text/csv"): OpenApiTypes.STR,
        },
        tags=["reports"],
    )
    def get(self, request):
        query = SummaryQuerySerializer(
            data={
                name: request.query_params[name]
                for name in ("park", "year")
                if name in request.query_params
            }
        )
        query.is_valid(raise_exception=True)
        park, year = query.validated_data["park"], query.validated_data["year"]
        if request.accepted_renderer.format == "csv":
            filename = f"summary-{park.slug}-{year}.csv"
            return Response(
                reports_summary_rows(park=park, year=year),
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )
        return Response(reports_summary(park=park, year=year))
