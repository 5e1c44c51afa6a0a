"""A company's contacts, members (representatives) and reports, nested under `/companies/{id}/`.

The company is looked up first through the caller's scope, so a company they may not see is
a 404 before anything else is checked.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from accounts.models import User, is_manager
from api.base.fields import UUID_PATTERN
from api.base.serializers import ModelSerializer
from api.base.views import ETagMixin, GenericViewSet, ModelViewSet
from tenants import services
from tenants.models import CompanyMember, Contact, TenantReport
from tenants.selectors import companies_visible_to, contacts_of, members_of, reports_of


class CompanyChildMixin:
    def get_company(self):
        if not hasattr(self, "_company"):
            self._company = get_object_or_404(
                companies_visible_to(self.request.user), pk=self.kwargs["company_pk"]
            )
        return self._company


class SeesCompany(BasePermission):
    """Signed in and able to see the company of the URL (else 404): a manager or one of
    its representatives."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        view.get_company()  # raises Http404 for a company the caller may not see
        return True


class ManagesCompany(SeesCompany):
    """Managers only, once the company is known to be visible (a representative: 403)."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) and is_manager(request.user)


class ContactSerializer(ModelSerializer):
    class Meta:
        model = Contact
        fields = [
            "id",
            "name",
            "role",
            "email",
            "phone",
            "is_primary",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "version", "created_at", "updated_at"]
        validators = []  # the service moves the primary flag instead of refusing


class ContactViewSet(CompanyChildMixin, ModelViewSet):
    """People to call at the company (managers and the company's representatives)."""

    serializer_class = ContactSerializer
    permission_classes = [SeesCompany]
    filterset_fields = ["is_primary"]
    ordering_fields = ["name", "created_at"]
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no company
            return Contact.objects.none()
        return contacts_of(self.get_company())

    def perform_create(self, serializer):
        serializer.instance = services.contact_create(
            company=self.get_company(), actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.contact_update(
            contact=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.contact_delete(contact=instance, actor=self.request.user)


class MemberSerializer(ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = CompanyMember
        fields = ["user", "email", "full_name", "role", "created_at"]
        read_only_fields = ["role", "created_at"]
        validators = []  # a second membership is the service's `unique` refusal


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


class ReportSerializer(ModelSerializer):
    submitted_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = TenantReport
        fields = [
            "id",
            "year",
            "period",
            "revenue_vnd",
            "export_revenue_usd",
            "headcount",
            "it_headcount",
            "rnd_spend_vnd",
            "submitted_at",
            "submitted_by",
            "version",
        ]
        read_only_fields = ["id", "submitted_at", "submitted_by", "version"]
        validators = []  # one report per period is the service's `unique` refusal on `period`


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
    filterset_fields = ["year", "period"]
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
            company=self.get_company(), actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)
