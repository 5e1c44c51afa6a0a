"""`/companies/`: the tenant companies, their status and their logo, and nested under
`/companies/{id}/` their contacts, members (representatives) and reports (design/api.md,
Tenants).

A nested view looks the company up first through the caller's scope, so a company they may
not see is a 404 before anything else is checked.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from api.base.csv import CSVRenderer, FormatParamFirstNegotiation
from api.base.fields import UUID_PATTERN
from api.base.filters import QuietFilterBackend, StrictOrderingFilter
from api.base.views import ETagMixin, GenericViewSet, ModelViewSet, etag_of
from api.tenants.filters import CompanyFilter, ContactFilter, ReportFilter
from api.tenants.permissions import CompanyAccess, ManagesCompany, SeesCompany
from api.tenants.serializers import (
    CompanySerializer,
    ContactSerializer,
    LogoUploadSerializer,
    MemberSerializer,
    ReportSerializer,
    StatusChangeSerializer,
)
from tenants import services
from tenants.models import Company, CompanyMember, Contact, TenantReport
from tenants.selectors import companies_visible_to, contacts_of, members_of, reports_of


@extend_schema(
    parameters=[
        OpenApiParameter(
            "format", str, enum=["json", "csv"], description="`csv`: text/csv, UTF-8 with BOM"
        )
    ]
)
class CompanyViewSet(ModelViewSet):
    """Tenant companies: managers keep them all, a representative keeps their own."""

    serializer_class = CompanySerializer
    filterset_class = CompanyFilter
    # The default backends, with django-filter's skipping the FilterSet of an unfiltered list.
    filter_backends = [QuietFilterBackend, StrictOrderingFilter]
    permission_classes = [CompanyAccess]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    content_negotiation_class = FormatParamFirstNegotiation
    lookup_value_regex = UUID_PATTERN
    ordering_fields = [
        "legal_name",
        "short_name",
        "tax_code",
        "sector",
        "status",
        "headcount",
        "founded_on",
        "created_at",
        "updated_at",
    ]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Company.objects.none()
        return companies_visible_to(self.request.user)

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            companies = self.filter_queryset(self.get_queryset())
            self.csv_columns = list(self.get_serializer().fields)
            rows = self.get_serializer(companies, many=True).data
            headers = {"Content-Disposition": 'attachment; filename="companies.csv"'}
            return Response(rows, headers=headers)
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        visible = data.pop("directory_visible", False)
        company = services.company_create(data=data, actor=self.request.user)
        if visible:
            company = services.company_set_directory_visibility(
                company=company, visible=True, actor=self.request.user
            )
        serializer.instance = company

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        visible = data.pop("directory_visible", None)
        company = serializer.instance
        if data:
            company = services.company_update(company=company, data=data, actor=self.request.user)
        if visible is not None:
            company = services.company_set_directory_visibility(
                company=company, visible=visible, actor=self.request.user
            )
        serializer.instance = company

    def perform_destroy(self, instance):
        services.company_delete(company=instance, actor=self.request.user)

    @extend_schema(request=StatusChangeSerializer, responses=CompanySerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        """Move the company along the status table (manager); else 409 invalid_transition."""
        company = self.get_object()
        serializer = StatusChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        company = services.company_set_status(
            company=company, actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(company).data, headers={"ETag": etag_of(company)})

    @extend_schema(methods=["POST", "PUT"], request={"multipart/form-data": LogoUploadSerializer})
    @extend_schema(methods=["DELETE"], request=None, responses={204: None})
    @action(
        detail=True,
        methods=["post", "put", "delete"],
        parser_classes=[MultiPartParser, FormParser],
    )
    def logo(self, request, pk=None):
        """Upload (or replace) the logo, multipart `file`; DELETE removes it."""
        company = self.get_object()
        if request.method == "DELETE":
            services.company_remove_logo(company=company, actor=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = LogoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        company = services.company_set_logo(
            company=company, file=serializer.validated_data["file"], actor=request.user
        )
        return Response(self.get_serializer(company).data, headers={"ETag": etag_of(company)})


class CompanyChildMixin:
    def get_company(self):
        if not hasattr(self, "_company"):
            self._company = get_object_or_404(
                companies_visible_to(self.request.user), pk=self.kwargs["company_pk"]
            )
        return self._company


class ContactViewSet(CompanyChildMixin, ModelViewSet):
    """People to call at the company (managers and the company's representatives)."""

    serializer_class = ContactSerializer
    permission_classes = [SeesCompany]
    filterset_class = ContactFilter
    ordering_fields = ["name", "created_at"]
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no company
            return Contact.objects.none()
        return contacts_of(self.get_company())

    def perform_create(self, serializer):
        serializer.instance = services.contact_create(
            company=self.get_company(), data=serializer.validated_data, actor=self.request.user
        )

    def perform_update(self, serializer):
        serializer.instance = services.contact_update(
            contact=serializer.instance, data=serializer.validated_data, actor=self.request.user
        )

    def perform_destroy(self, instance):
        services.contact_delete(contact=instance, actor=self.request.user)


class MemberViewSet(
    CompanyChildMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    GenericViewSet,
):
    """The company's representatives (managers): `POST {user}` adds one, `DELETE
    /members/{user_id}/` removes one."""

    serializer_class = MemberSerializer
    permission_classes = [ManagesCompany]
    lookup_field = "user"
    lookup_url_kwarg = "user_id"
    lookup_value_regex = UUID_PATTERN
    ordering_fields = ["created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no company
            return CompanyMember.objects.none()
        return members_of(self.get_company())

    def perform_create(self, serializer):
        serializer.instance = services.member_add(
            company=self.get_company(),
            user=serializer.validated_data["user"],
            actor=self.request.user,
        )

    def perform_destroy(self, instance):
        services.member_remove(member=instance, actor=self.request.user)


class ReportViewSet(
    CompanyChildMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    ETagMixin,
    GenericViewSet,
):
    """The company's reports to the park (filed by a representative or a manager; never
    changed or deleted: 405)."""

    serializer_class = ReportSerializer
    permission_classes = [SeesCompany]
    filterset_class = ReportFilter
    ordering_fields = ["year", "period", "submitted_at"]
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no company
            return TenantReport.objects.none()
        return reports_of(self.get_company())

    @extend_schema(request=ReportSerializer, responses={201: ReportSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.report_submit(
            company=self.get_company(), data=serializer.validated_data, actor=request.user
        )
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)
