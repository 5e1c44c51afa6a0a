"""What `/companies/` and its contacts, members and reports accept and return.

The writable fields are the model module's tuples (tenants/models.py), so a new profile or
contact field needs no change here.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User
from api.base.serializers import FastListSerializer, ModelSerializer, Serializer
from tenants.models import (
    COMPANY_IDENTITY_WRITABLE,
    COMPANY_PUBLIC_PROFILE_WRITABLE,
    CONTACT_WRITABLE,
    MEMBER_WRITABLE,
    REPORT_WRITABLE,
    Company,
    CompanyMember,
    CompanyStatus,
    Contact,
    TenantReport,
)


def absolute_media_url(request, file) -> str | None:
    if not file:
        return None
    return request.build_absolute_uri(file.url) if request is not None else file.url


def _file_url(request, instance, name: str) -> str | None:
    # absolute_media_url(request, getattr(instance, name)) without the FieldFile that the
    # descriptor wraps each loaded name in (a list page builds two per row): the stored name,
    # through the field's storage, as FieldFile.url reads it.
    value = instance.__dict__.get(name)
    if type(value) is not str:  # deferred, or already a FieldFile
        return absolute_media_url(request, getattr(instance, name))
    if not value:
        return None
    url = type(instance)._meta.get_field(name).storage.url(value)
    return request.build_absolute_uri(url) if request is not None else url


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
        # The profile (company_create/company_update) and the consent (its own service);
        # status changes through /status/, the logo through /logo/, `incubated` through the
        # incubator's onboarding.
        fields = (
            "id",
            *COMPANY_IDENTITY_WRITABLE,
            "status",
            *COMPANY_PUBLIC_PROFILE_WRITABLE,
            "logo_url",
            "logo_thumbnail_url",
            "incubated",
            "directory_visible",
            "version",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "status", "incubated", "version", "created_at", "updated_at")
        validators = []
        list_serializer_class = FastListSerializer  # the list page's rows (issue 17)

    def get_logo_url(self, company) -> str | None:
        return _file_url(self.context.get("request"), company, "logo")

    def get_logo_thumbnail_url(self, company) -> str | None:
        return _file_url(self.context.get("request"), company, "logo_thumbnail")


class StatusChangeSerializer(Serializer):
    to = serializers.ChoiceField(choices=CompanyStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class LogoUploadSerializer(Serializer):
    file = serializers.FileField(help_text=_("PNG, JPEG or WebP; at most 2 MB, 4096 x 4096."))


class ContactSerializer(ModelSerializer):
    class Meta:
        model = Contact
        fields = ("id", *CONTACT_WRITABLE, "version", "created_at", "updated_at")
        read_only_fields = ("id", "version", "created_at", "updated_at")
        validators = []  # the service moves the primary flag instead of refusing


class MemberSerializer(ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = CompanyMember
        fields = (*MEMBER_WRITABLE, "email", "full_name", "role", "created_at")
        read_only_fields = ("role", "created_at")
        validators = []  # a second membership is the service's `unique` refusal


class ReportSerializer(ModelSerializer):
    submitted_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = TenantReport
        fields = ("id", *REPORT_WRITABLE, "submitted_at", "submitted_by", "version")
        read_only_fields = ("id", "submitted_at", "submitted_by", "version")
        validators = []  # one report per period is the service's `unique` refusal on `period`
