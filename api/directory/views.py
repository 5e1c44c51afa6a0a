"""The directory endpoints partners call with their key (design/sync.md, api.md "Chain").

`GET /directory/changes/`, `GET /directory/snapshot/`, `GET /directory/companies/{id}/`
(JSON, or JSON-LD with `Accept: application/ld+json`). Partner keys only: no key 401, a
user's token 403.
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.base.authentication import TokenAuthentication
from api.chain.authentication import IsPartner, PartnerKeyAuthentication
from api.directory.serializers import (
    ChangesPageSerializer,
    ChangesQuerySerializer,
    DirectoryRecordSerializer,
    SnapshotPageSerializer,
    SnapshotQuerySerializer,
)
from chain import feed
from chain.records import directory_record, json_ld_record


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


def _query(serializer_class, request) -> dict:
    params = request.query_params
    serializer = serializer_class(
        data={name: params[name] for name in serializer_class().fields if name in params}
    )
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class PartnerOnlyView(APIView):
    authentication_classes = [PartnerKeyAuthentication, TokenAuthentication]
    permission_classes = [IsPartner]
    accepts_partner_keys = True
    renderer_classes = [JSONRenderer]


CURSOR = OpenApiParameter("cursor", str, description=_("Opaque; from the previous page."))


class DirectoryChangesView(PartnerOnlyView):
    @extend_schema(
        operation_id="directory_changes",
        parameters=[
            CURSOR,
            OpenApiParameter("limit", int, description=_("Default 100; above 1000 clamped.")),
        ],
        responses={200: ChangesPageSerializer, 410: None},
        description=_("The directory's changes after `cursor`, oldest first (410: resync)."),
    )
    def get(self, request):
        query = _query(ChangesQuerySerializer, request)
        page = feed.changes_page(
            partner=request.partner,
            cursor=query.get("cursor") or None,
            limit=query["limit"],
            absolute=request.build_absolute_uri,
        )
        return Response(page)


class DirectorySnapshotView(PartnerOnlyView):
    @extend_schema(
        operation_id="directory_snapshot",
        parameters=[CURSOR],
        responses={200: SnapshotPageSerializer},
        description=_("Every visible company by id; then follow the feed from changes_cursor."),
    )
    def get(self, request):
        query = _query(SnapshotQuerySerializer, request)
        page = feed.snapshot_page(
            partner=request.partner,
            cursor=query.get("cursor") or None,
            absolute=request.build_absolute_uri,
        )
        return Response(page)


class DirectoryCompanyView(PartnerOnlyView):
    renderer_classes = [JSONRenderer, JSONLDRenderer]

    @extend_schema(
        operation_id="directory_company",
        responses={(200, "application/json"): DirectoryRecordSerializer},
        description=_(
            "One visible company; JSON-LD (schema.org) with Accept: application/ld+json."
        ),
    )
    def get(self, request, pk):
        company = feed.directory_company(pk)
        if company is None:
            raise Http404
        record = directory_record(company, absolute=request.build_absolute_uri)
        if request.accepted_renderer.format == "jsonld":
            return Response(json_ld_record(record, url=request.build_absolute_uri()))
        return Response(record)
