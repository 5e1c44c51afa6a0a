"""`/companies/`: the tenant companies, their status and their logo (design/api.md, Tenants).

Contacts, members and reports live in `api/company_related.py`.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from accounts.models import is_manager
from api.base.csv import CSVRenderer, FormatParamFirstNegotiation
from api.base.fields import UUID_PATTERN
from api.base.serializers import ModelSerializer, Serializer
from api.base.views import ModelViewSet, etag_of
from park.selectors import companies_leasing_in
from tenants import services
from tenants.models import Company, CompanyStatus, Sector
from tenants.selectors import companies_matching, companies_visible_to


def absolute_media_url(request, file) -> str | None:
    if not file:
        return None
    return request.build_absolute_uri(file.url) if request is not None else file.url


class CompanySerializer(ModelSerializer):
    # Declared, so DRF adds no uniqueness check of its own: the service normalises the tax
    # code first (`0312345673001` and `0312345673-001` are the same company) and then checks.
    tax_code = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=20
    )
    logo_url = serializers.SerializerMethodField()
    logo_thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Company
        fields = [
            "id",
            "legal_name",
            "short_name",
            "tax_code",
            "sector",
            "status",
            "website",
            "email",
            "phone",
            "address",
            "founded_on",
            "headcount",
            "description",
            "logo_url",
            "logo_thumbnail_url",
            "incubated",
            "directory_visible",
            "version",
            "created_at",
            "updated_at",
        ]
        # status changes through /status/, the logo through /logo/, `incubated` through
        # the incubator's onboarding.
        read_only_fields = ["id", "status", "incubated", "version", "created_at", "updated_at"]
        validators = []

    def get_logo_url(self, company) -> str | None:
        return absolute_media_url(self.context.get("request"), company.logo)

    def get_logo_thumbnail_url(self, company) -> str | None:
        return absolute_media_url(self.context.get("request"), company.logo_thumbnail)


class StatusChangeSerializer(Serializer):
    to = serializers.ChoiceField(choices=CompanyStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class LogoUploadSerializer(Serializer):
    file = serializers.FileField(help_text=_("PNG, JPEG or WebP; at most 2 MB, 4096 x 4096."))


class CompanyFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=CompanyStatus.choices)
    sector = filters.ChoiceFilter(choices=Sector.choices)
    # Only `true` and `false`: any other value is a 400, not an unfiltered list.
    directory_visible = filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")], coerce=lambda value: value == "true"
    )
    search = filters.CharFilter(
        method="filter_search", label=_("Names or tax code, accents ignored")
    )
    park = filters.UUIDFilter(method="filter_park", label=_("Park id: a lease active today"))

    class Meta:
        model = Company
        fields = ["status", "sector", "directory_visible"]

    def filter_search(self, queryset, name, value):
        return companies_matching(queryset, value)

    def filter_park(self, queryset, name, value):
        return queryset.filter(pk__in=companies_leasing_in(value, on=timezone.localdate()))


# Actions a representative may take on their own company; the rest are the managers'.
REPRESENTATIVE_ACTIONS = {"retrieve", "partial_update", "logo"}


class CompanyAccess(BasePermission):
    """Anyone signed in may list (and sees only what the selector shows); only managers
    create; on a company they can see, a representative may read, PATCH and change the logo
    (anything else: 403)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return view.action != "create" or is_manager(request.user)

    def has_object_permission(self, request, view, obj):
        return is_manager(request.user) or view.action in REPRESENTATIVE_ACTIONS


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
        fields = dict(serializer.validated_data)
        visible = fields.pop("directory_visible", False)
        company = services.company_create(**fields, actor=self.request.user)
        if visible:
            company = services.company_set_directory_visibility(
                company=company, visible=True, actor=self.request.user
            )
        serializer.instance = company

    def perform_update(self, serializer):
        changes = dict(serializer.validated_data)
        visible = changes.pop("directory_visible", None)
        company = serializer.instance
        if changes:
            company = services.company_update(company=company, actor=self.request.user, **changes)
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
