"""What /chain/ accepts and returns: partners, their keys and webhook secrets, memberships,
the chain-wide company rows and notes. Writable fields follow chain/models.py."""

from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.base.serializers import ModelSerializer, Serializer
from chain.models import (
    MEMBERSHIP_WRITABLE,
    NOTE_WRITABLE,
    PARTNER_WRITABLE,
    Membership,
    Partner,
    PartnerCompanyNote,
    PartnerKey,
    WebhookSecret,
)

# --- partners -------------------------------------------------------------------------------


class PartnerSerializer(ModelSerializer):
    api_key = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=500,
        help_text=_("The key we use to call them; stored encrypted, never shown."),
    )
    has_api_key = serializers.SerializerMethodField()

    class Meta:
        model = Partner
        fields = (
            "id",
            *PARTNER_WRITABLE,
            "api_key",  # not a column: the services store it encrypted
            "has_api_key",
            "last_synced_at",
            "last_error",
            "webhook_disabled_at",
            "version",
            "created_at",
            "updated_at",
        )
        read_only_fields = (
            "id",
            "last_synced_at",
            "last_error",
            "webhook_disabled_at",
            "version",
            "created_at",
            "updated_at",
        )

    def get_has_api_key(self, partner) -> bool:
        return bool(partner.api_key_encrypted)


class PartnerKeySerializer(ModelSerializer):
    class Meta:
        model = PartnerKey
        fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


class NewKeySerializer(Serializer):
    prefix = serializers.CharField()
    key = serializers.CharField(help_text=_("Shown once: hand it to the partner."))


class WebhookSecretSerializer(ModelSerializer):
    class Meta:
        model = WebhookSecret
        fields = ["id", "created_at", "retired_at"]
        read_only_fields = fields


class WebhookSecretCreateSerializer(Serializer):
    secret = serializers.CharField(
        required=False,
        max_length=200,
        help_text=_("The partner's whsec_ secret; leave out to make a new one."),
    )


class NewSecretSerializer(Serializer):
    id = serializers.IntegerField()
    secret = serializers.CharField(help_text=_("Shown once."))


# --- memberships ----------------------------------------------------------------------------


class MembershipSerializer(ModelSerializer):
    class Meta:
        model = Membership
        fields = ("id", *MEMBERSHIP_WRITABLE, "version", "created_at", "updated_at")
        read_only_fields = ("id", "version", "created_at", "updated_at")
        validators = []  # the model's full_clean names a duplicate (code `unique`)


# --- the chain-wide company search and notes ------------------------------------------------


class ChainParkSerializer(Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class ChainCompanySerializer(Serializer):
    """One row of our directory or a partner's mirror."""

    id = serializers.UUIDField(source="row_id")
    source = serializers.CharField(source="row_source", help_text=_('"home" or a partner slug.'))
    legal_name = serializers.CharField(source="row_legal_name")
    short_name = serializers.CharField(source="row_short_name")
    tax_code = serializers.CharField(source="row_tax_code", allow_null=True)
    sector = serializers.CharField(source="row_sector")
    website = serializers.CharField(source="row_website")
    logo_url = serializers.SerializerMethodField()
    park = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField(source="row_updated_at", allow_null=True)

    def get_logo_url(self, row) -> str | None:
        # Both halves name a file of ours (a mirror's is the importer's checked copy), so
        # managers' browsers never load a partner's server.
        logo = row["row_logo"]
        if not logo:
            return None
        request = self.context.get("request")
        url = default_storage.url(logo)
        return request.build_absolute_uri(url) if request is not None else url

    @extend_schema_field(ChainParkSerializer)
    def get_park(self, row) -> dict:
        return {"slug": row["row_park_slug"], "name": row["row_park_name"]}


class NoteSerializer(ModelSerializer):
    partner = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = PartnerCompanyNote
        fields = ("id", "partner", "remote_id", "author", *NOTE_WRITABLE, "version", "created_at")
        read_only_fields = ("id", "partner", "remote_id", "author", "version", "created_at")
