"""The managers' side of the chain (design/api.md, "Chain"): partners, their keys and webhook
secrets, memberships, the chain-wide company search with notes, and the inbound webhook.
"""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.base.fields import UUID_PATTERN
from api.base.permissions import IsManager
from api.base.views import GenericViewSet, ModelViewSet
from api.chain.filters import ChainCompanyQuerySerializer, MembershipFilter, PartnerFilter
from api.chain.serializers import (
    ChainCompanySerializer,
    MembershipSerializer,
    NewKeySerializer,
    NewSecretSerializer,
    NoteSerializer,
    PartnerKeySerializer,
    PartnerSerializer,
    WebhookSecretCreateSerializer,
    WebhookSecretSerializer,
)
from chain import selectors, services
from chain.models import Partner, PartnerCompanyNote, PartnerKey, WebhookSecret
from chain.tasks import sync_partner
from chain.webhooks import webhook_receive

# --- partners -------------------------------------------------------------------------------


class PartnerViewSet(ModelViewSet):
    """Partner parks (managers): we pull their directory, they pull ours."""

    serializer_class = PartnerSerializer
    permission_classes = [IsManager]
    filterset_class = PartnerFilter
    ordering_fields = ["name", "slug", "last_synced_at"]
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        return selectors.partners()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        api_key = data.pop("api_key", "")  # not a column: the service encrypts it
        serializer.instance = services.partner_create(
            data=data, api_key=api_key, actor=self.request.user
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        api_key = data.pop("api_key", None)  # left out: the stored key stays
        serializer.instance = services.partner_update(
            partner=serializer.instance, data=data, api_key=api_key, actor=self.request.user
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
    idempotency_secret_fields = ("key",)  # shown once: never stored for a replay
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


class WebhookSecretViewSet(
    PartnerChildMixin, mixins.ListModelMixin, mixins.DestroyModelMixin, GenericViewSet
):
    """The partner's active webhook secrets (at most two: a third retires the oldest)."""

    serializer_class = WebhookSecretSerializer
    permission_classes = [IsManager]
    pagination_class = None
    lookup_url_kwarg = "secret_id"
    lookup_value_regex = "[0-9]+"
    idempotency_secret_fields = ("secret",)  # shown once: never stored for a replay
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


class MembershipViewSet(ModelViewSet):
    """The home park's memberships of chains (managers)."""

    serializer_class = MembershipSerializer
    permission_classes = [IsManager]
    filterset_class = MembershipFilter
    ordering_fields = ["joined_on"]
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        return selectors.memberships()

    def perform_create(self, serializer):
        serializer.instance = services.membership_create(
            data=serializer.validated_data, actor=self.request.user
        )

    def perform_update(self, serializer):
        serializer.instance = services.membership_update(
            membership=serializer.instance, data=serializer.validated_data, actor=self.request.user
        )

    def perform_destroy(self, instance):
        services.membership_delete(membership=instance, actor=self.request.user)


# --- the chain-wide company search and notes ------------------------------------------------


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


class NoteViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, GenericViewSet):
    """Our notes on a partner's company; keyed by its id, so they survive resyncs. Paged
    like every other list."""

    serializer_class = NoteSerializer
    permission_classes = [IsManager]
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
            data=serializer.validated_data,
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
