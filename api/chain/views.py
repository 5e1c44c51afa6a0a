"""The managers' side of the chain (design/api.md, "Chain"): partners, their keys and webhook
secrets, memberships, the chain-wide company search with notes, and the inbound webhook.
"""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.base.fields import UUID_PATTERN
from api.base.permissions import IsManager
from api.base.serializers import ModelSerializer, Serializer
from api.base.views import GenericViewSet, ModelViewSet
from chain import selectors, services
from chain.models import Membership, Partner, PartnerCompanyNote, PartnerKey, WebhookSecret
from chain.tasks import sync_partner
from chain.webhooks import webhook_receive

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
        fields = [
            "id",
            "name",
            "slug",
            "base_url",
            "province",
            "is_active",
            "webhook_url",
            "api_key",
            "has_api_key",
            "last_synced_at",
            "last_error",
            "webhook_disabled_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "last_synced_at",
            "last_error",
            "webhook_disabled_at",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_has_api_key(self, partner) -> bool:
        return bool(partner.api_key_encrypted)


class PartnerViewSet(ModelViewSet):
    """Partner parks (managers): we pull their directory, they pull ours."""

    serializer_class = PartnerSerializer
    permission_classes = [IsManager]
    filterset_fields = ["is_active"]
    ordering_fields = ["name", "slug", "last_synced_at"]
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        return selectors.partners()

    def perform_create(self, serializer):
        serializer.instance = services.partner_create(
            **serializer.validated_data, actor=self.request.user
        )

    def perform_update(self, serializer):
        serializer.instance = services.partner_update(
            partner=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.partner_delete(partner=instance, actor=self.request.user)

    @extend_schema(
        request=None,
        responses={202: inline_serializer("SyncQueued", {"detail": serializers.CharField()})},
    )
    @action(detail=True, methods=["post"])
    def sync(self, request, pk=None):
        """Queue a pull of the partner's directory (202)."""
        partner = self.get_object()
        transaction.on_commit(lambda: sync_partner.enqueue(partner.slug))
        return Response({"detail": _("Sync queued.")}, status=status.HTTP_202_ACCEPTED)


class PartnerChildMixin:
    def get_partner(self) -> Partner:
        if not hasattr(self, "_partner"):
            self._partner = get_object_or_404(selectors.partners(), pk=self.kwargs["partner_pk"])
        return self._partner


class PartnerKeySerializer(ModelSerializer):
    class Meta:
        model = PartnerKey
        fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


class NewKeySerializer(Serializer):
    prefix = serializers.CharField()
    key = serializers.CharField(help_text=_("Shown once: hand it to the partner."))


class PartnerKeyViewSet(
    PartnerChildMixin, mixins.ListModelMixin, mixins.DestroyModelMixin, GenericViewSet
):
    """Keys the partner uses to call our directory: POST makes one (shown once), DELETE
    revokes it."""

    serializer_class = PartnerKeySerializer
    permission_classes = [IsManager]
    pagination_class = None
    lookup_field = "prefix"
    lookup_value_regex = "[a-z0-9]{8}"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PartnerKey.objects.none()
        return selectors.keys_of(self.get_partner())

    @extend_schema(request=None, responses={201: NewKeySerializer})
    def create(self, request, *args, **kwargs):
        record, key = services.partner_key_create(partner=self.get_partner(), actor=request.user)
        return Response({"prefix": record.prefix, "key": key}, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.partner_key_revoke(
            prefix=instance.prefix, partner=instance.partner, actor=self.request.user
        )

    def get_object(self):
        return get_object_or_404(
            self.get_queryset().filter(revoked_at=None), prefix=self.kwargs["prefix"]
        )


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


class WebhookSecretViewSet(
    PartnerChildMixin, mixins.ListModelMixin, mixins.DestroyModelMixin, GenericViewSet
):
    """The partner's active webhook secrets (at most two: a third retires the oldest)."""

    serializer_class = WebhookSecretSerializer
    permission_classes = [IsManager]
    pagination_class = None
    lookup_url_kwarg = "secret_id"
    lookup_value_regex = "[0-9]+"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookSecret.objects.none()
        return selectors.active_secrets_of(self.get_partner())

    @extend_schema(request=WebhookSecretCreateSerializer, responses={201: NewSecretSerializer})
    def create(self, request, *args, **kwargs):
        serializer = WebhookSecretCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record, secret = services.webhook_secret_add(
            partner=self.get_partner(),
            secret=serializer.validated_data.get("secret"),
            actor=request.user,
        )
        return Response({"id": record.pk, "secret": secret}, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.webhook_secret_retire(secret=instance, actor=self.request.user)


# --- memberships ----------------------------------------------------------------------------


class MembershipSerializer(ModelSerializer):
    class Meta:
        model = Membership
        fields = [
            "id",
            "chain",
            "park",
            "role",
            "joined_on",
            "left_on",
            "agreement_number",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "version", "created_at", "updated_at"]
        validators = []  # the model's full_clean names a duplicate (code `unique`)


class MembershipViewSet(ModelViewSet):
    """The home park's memberships of chains (managers)."""

    serializer_class = MembershipSerializer
    permission_classes = [IsManager]
    filterset_fields = ["chain", "park", "role"]
    ordering_fields = ["joined_on"]
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        return selectors.memberships()

    def perform_create(self, serializer):
        serializer.instance = services.membership_create(
            **serializer.validated_data, actor=self.request.user
        )

    def perform_update(self, serializer):
        serializer.instance = services.membership_update(
            membership=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.membership_delete(membership=instance, actor=self.request.user)


# --- the chain-wide company search and notes ------------------------------------------------


class ChainParkSerializer(Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class ChainCompanySerializer(Serializer):
    """One row of our directory or a partner's mirror (design/api.md)."""

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
        from django.core.files.storage import default_storage

        request = self.context.get("request")
        url = default_storage.url(logo)
        return request.build_absolute_uri(url) if request is not None else url

    @extend_schema_field(ChainParkSerializer)
    def get_park(self, row) -> dict:
        return {"slug": row["row_park_slug"], "name": row["row_park_name"]}


class ChainCompanyQuerySerializer(Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=200)
    partner = serializers.SlugRelatedField(
        slug_field="slug", queryset=Partner.objects.all(), required=False
    )


class ChainCompanyViewSet(mixins.ListModelMixin, GenericViewSet):
    """Our directory and every partner's mirror in one paged, accent-insensitive search."""

    serializer_class = ChainCompanySerializer
    permission_classes = [IsManager]
    filter_backends = []

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str, description=_("Names or tax code, accents ignored")),
            OpenApiParameter("partner", str, description=_("A partner's slug: its mirror only")),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Partner.objects.none()
        params = self.request.query_params
        query = ChainCompanyQuerySerializer(
            data={
                name: params[name]
                for name in ChainCompanyQuerySerializer().fields
                if name in params
            }
        )
        query.is_valid(raise_exception=True)
        return selectors.chain_companies(
            search=query.validated_data.get("search"), partner=query.validated_data.get("partner")
        )


class NoteSerializer(ModelSerializer):
    partner = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = PartnerCompanyNote
        fields = ["id", "partner", "remote_id", "author", "text", "version", "created_at"]
        read_only_fields = ["id", "partner", "remote_id", "author", "version", "created_at"]


class NoteViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, GenericViewSet):
    """Our notes on a partner's company; keyed by its id, so they survive resyncs."""

    serializer_class = NoteSerializer
    permission_classes = [IsManager]
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PartnerCompanyNote.objects.none()
        return selectors.notes_about(self.kwargs["company_pk"])

    def perform_create(self, serializer):
        mirror = selectors.mirrored_company(self.kwargs["company_pk"])
        if mirror is None:
            raise exceptions.NotFound()
        serializer.instance = services.note_create(
            partner=mirror.partner,
            remote_id=mirror.remote_id,
            text=serializer.validated_data["text"],
            actor=self.request.user,
        )


# --- inbound webhooks -----------------------------------------------------------------------


class InboundWebhookView(APIView):
    """`POST /chain/webhooks/{partner_slug}/`: a partner's "directory changed" ping.

    Checked by signature (no key): a bad signature or timestamp 401, a replay 204 without
    a second pull, an accepted ping 204 and a pull queued.
    """

    authentication_classes = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request):
        return 'Webhook realm="standard-webhooks"'  # so a refusal is a 401, not a 403

    @extend_schema(
        operation_id="chain_webhook_receive",
        request=inline_serializer(
            "DirectoryChangedPing",
            {"type": serializers.CharField(), "data": serializers.DictField()},
        ),
        responses={204: None},
    )
    def post(self, request, partner_slug):
        partner = get_object_or_404(Partner.objects.filter(is_active=True), slug=partner_slug)
        fresh = webhook_receive(
            partner=partner, headers=request.headers, body=request.body, now=timezone.now()
        )
        if fresh:
            transaction.on_commit(lambda: sync_partner.enqueue(partner.slug))
        return Response(status=status.HTTP_204_NO_CONTENT)
