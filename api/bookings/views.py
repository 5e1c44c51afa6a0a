"""`/bookings/`, `/units/{id}/slots/`, `/companies/{id}/hours/`, the iCalendar feeds and
`/auth/me/calendar-token/` (design/bookings.md).

A representative books, reads and cancels for their own company, a manager for any; others
read nothing (an empty list, 404 on a detail) and may not book (403). The rules are
`bookings.services`'; these views only resolve who and what.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import is_manager
from api.base.fields import UUID_PATTERN
from api.base.views import ETagMixin, IdempotentMixin, etag_of
from api.bookings.filters import BookingFilter
from api.bookings.serializers import (
    BookingCreateSerializer,
    BookingSerializer,
    CalendarTokenSerializer,
    HoursQuerySerializer,
    HoursSerializer,
    NoBodySerializer,
    SlotQuerySerializer,
    SlotSerializer,
)
from bookings import feeds, services
from bookings.models import Booking
from bookings.selectors import (
    bookings_visible_to,
    companies_booking_for,
    company_hours,
    free_slots,
    may_read_company_hours,
    may_read_room_feed,
    user_for_feed_token,
)
from park.models import Unit
from tenants.models import Company, CompanyMember


def _params(request, *names: str) -> dict:
    """The named query parameters that were given (a missing one is then `required`)."""
    return {name: request.query_params[name] for name in names if name in request.query_params}


class BookingViewSet(
    IdempotentMixin,
    ETagMixin,
    mixins.ListModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Meeting-room bookings: never deleted (405); cancel them instead."""

    serializer_class = BookingSerializer
    filterset_class = BookingFilter
    permission_classes = [IsAuthenticated]
    lookup_value_regex = UUID_PATTERN
    # No PUT (times change by cancelling and booking again) and no DELETE (cancel instead).
    http_method_names = ["get", "post", "patch", "head", "options"]
    ordering_fields = ["starts_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Booking.objects.none()
        return bookings_visible_to(self.request.user)

    def _respond(self, booking, *, code=status.HTTP_200_OK) -> Response:
        booking = self.get_queryset().get(pk=booking.pk)
        return Response(
            self.get_serializer(booking).data, status=code, headers={"ETag": etag_of(booking)}
        )

    def _company_for(self, company_id) -> Company:
        """The company a booking is for: among those the caller may book for (another is a
        404); a representative's own when they name none."""
        user = self.request.user
        companies = companies_booking_for(user)
        if company_id is not None:
            found = companies.filter(pk=company_id).first()
            if found is None:
                raise exceptions.NotFound(_("No such company."))
            return found
        if is_manager(user):
            raise exceptions.ValidationError(
                {"company": [exceptions.ErrorDetail(_("Name the company."), code="required")]}
            )
        own = list(companies[:2])
        if len(own) != 1:
            raise exceptions.ValidationError(
                {
                    "company": [
                        exceptions.ErrorDetail(
                            _("You represent several companies: name one."), code="required"
                        )
                    ]
                }
            )
        return own[0]

    @extend_schema(request=BookingCreateSerializer, responses={201: BookingSerializer})
    def create(self, request, *args, **kwargs):
        """Book a meeting room: 201, or 400 on a field, 403 without a lease in the park that
        day, 409 unit_unavailable (with `conflicts`) or invalid_transition."""
        user = request.user
        if not is_manager(user) and not CompanyMember.objects.filter(user=user).exists():
            raise exceptions.PermissionDenied(
                _("Only a company's representatives and managers book rooms.")
            )
        body = BookingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        company = self._company_for(data.pop("company", None))
        booking = services.booking_create(company=company, actor=user, **data)
        return self._respond(booking, code=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = services.booking_update(
            booking=serializer.instance, data=serializer.validated_data, actor=self.request.user
        )

    def get_response_data(self, instance):
        return self.get_serializer(self.get_queryset().get(pk=instance.pk)).data

    @extend_schema(request=None, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel until the booking starts; within the park's free-cancel window it is a late
        cancel (its hours still count). A started booking: 409 invalid_transition."""
        booking = self.get_object()
        NoBodySerializer(data=request.data or {}).is_valid(raise_exception=True)
        booking = services.booking_cancel(booking=booking, actor=request.user)
        return self._respond(booking)


class UnitSlotsView(APIView):
    """The free ranges of a bookable room on a local day, inside opening hours, merged."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="units_slots",
        parameters=[OpenApiParameter("date", OpenApiTypes.DATE, required=True)],
        responses=SlotSerializer(many=True),
        tags=["units"],
    )
    def get(self, request, pk):
        unit = get_object_or_404(Unit, pk=pk, bookable=True)
        query = SlotQuerySerializer(data=_params(request, "date"))
        query.is_valid(raise_exception=True)
        slots = free_slots(unit=unit, day=query.validated_data["date"])
        return Response(SlotSerializer(slots, many=True).data)


class CompanyHoursView(APIView):
    """A company's meeting-room hours in a month: allowance, used, overage and its price."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="companies_hours",
        parameters=[OpenApiParameter("month", OpenApiTypes.STR, required=True, pattern="YYYY-MM")],
        responses=HoursSerializer,
        tags=["companies"],
    )
    def get(self, request, pk):
        company = get_object_or_404(Company, pk=pk)
        if not may_read_company_hours(request.user, company):
            raise Http404
        query = HoursQuerySerializer(data=_params(request, "month"))
        query.is_valid(raise_exception=True)
        hours = company_hours(company=company, month=query.validated_data["month"])
        return Response(HoursSerializer(hours).data)


class CalendarTokenView(APIView):
    """The caller's calendar feed token: made on the first GET, the same afterwards; DELETE
    revokes it (feed links with it then answer 404)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="me_calendar_token", responses=CalendarTokenSerializer)
    def get(self, request):
        token = services.calendar_token_get(user=request.user)
        return Response(CalendarTokenSerializer({"token": token}).data)

    @extend_schema(operation_id="me_calendar_token_revoke", responses={204: None})
    def delete(self, request):
        services.calendar_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


FEED_PARAMETERS = [OpenApiParameter("token", OpenApiTypes.STR, required=True)]
FEED_RESPONSES = {200: OpenApiResponse(OpenApiTypes.STR, description="text/calendar")}


class FeedView(APIView):
    """An iCalendar feed opened by `?token=` (calendar apps send no headers): no other
    credentials are read, and a missing, unknown or revoked token is a 404."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def feed_user(self, request):
        user = user_for_feed_token(request.query_params.get("token"))
        if user is None:
            raise Http404
        return user

    def calendar(self, body: bytes, filename: str) -> HttpResponse:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response


class RoomFeedView(FeedView):
    @extend_schema(
        operation_id="calendars_room", parameters=FEED_PARAMETERS, responses=FEED_RESPONSES
    )
    def get(self, request, pk):
        user = self.feed_user(request)
        if not may_read_room_feed(user):
            raise Http404
        unit = get_object_or_404(Unit.objects.select_related("floor__building"), pk=pk)
        return self.calendar(feeds.room_feed(unit=unit, user=user), f"{unit.code}.ics")


class CompanyFeedView(FeedView):
    @extend_schema(
        operation_id="calendars_company", parameters=FEED_PARAMETERS, responses=FEED_RESPONSES
    )
    def get(self, request, pk):
        user = self.feed_user(request)
        company = get_object_or_404(Company, pk=pk)
        if not may_read_company_hours(user, company):
            raise Http404
        return self.calendar(feeds.company_feed(company=company), "bookings.ics")
