"""`GET /floors/{id}/map.png?on=`: a floor's units coloured by their state on a day."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import BaseRenderer
from rest_framework.views import APIView

from api.park.serializers import MapQuerySerializer
from park.maps import floor_map_png
from park.models import Floor


class PNGRenderer(BaseRenderer):
    """Declares image/png for content negotiation and the schema; the view answers bytes."""

    media_type = "image/png"
    format = "png"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class FloorMapView(APIView):
    """Any signed-in user may see a floor's map (they may read floors and units); only
    managers see the tenants' names on it."""

    renderer_classes = [PNGRenderer]

    @extend_schema(
        operation_id="floors_map_png",
        summary="Floor map",
        description=(
            "The floor's units, drawn from their plan polygons, coloured by their state on "
            "`on` (free, partly leased, leased, upcoming: a lease starts within 30 days, "
            "inactive) and labelled with the unit code, and for managers with the tenant's "
            "short name (others get the map without names)."
        ),
        parameters=[
            OpenApiParameter("on", OpenApiTypes.DATE, description="YYYY-MM-DD; default today")
        ],
        responses={(200, "image/png"): OpenApiTypes.BINARY},
        tags=["floors"],
    )
    def get(self, request, pk):
        floor = get_object_or_404(Floor.objects.select_related("building"), pk=pk)
        query = MapQuerySerializer(
            data={"on": request.query_params["on"]} if "on" in request.query_params else {}
        )
        query.is_valid(raise_exception=True)
        on = query.validated_data.get("on") or timezone.localdate()
        png = floor_map_png(floor=floor, on=on, viewer=request.user)
        response = HttpResponse(png, content_type="image/png")
        # The picture changes with every lease: let nobody keep a stale copy.
        response["Cache-Control"] = "private, no-cache"
        return response
