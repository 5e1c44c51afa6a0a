"""What /bookings/, the slots, the month's hours and the calendar token accept and answer
(design/bookings.md). The writable fields are the model module's (`BOOKING_WRITABLE`,
`BOOKING_CREATE_FIELDS`)."""

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from api.base.serializers import ModelSerializer, Serializer
from bookings.models import BOOKING_WRITABLE, Booking
from park.models import Unit

STAMPS = ("version", "created_at", "updated_at")
HOURS = {"max_digits": 9, "decimal_places": 2, "coerce_to_string": False}


class BookingSerializer(ModelSerializer):
    """The representation; a PATCH may change only the title and the attendees."""

    unit_code = serializers.CharField(source="unit.code", read_only=True)
    park = serializers.UUIDField(source="unit.park_id", read_only=True)
    company_name = serializers.CharField(source="company.legal_name", read_only=True)
    hours = serializers.DecimalField(read_only=True, **HOURS)

    class Meta:
        model = Booking
        fields = [
            "id",
            "unit",
            "unit_code",
            "park",
            "company",
            "company_name",
            "booked_by",
            "starts_at",
            "ends_at",
            "hours",
            *BOOKING_WRITABLE,
            "status",
            "cancelled_at",
            "late_cancel",
            *STAMPS,
        ]
        read_only_fields = [
            "id",
            "unit",
            "company",
            "booked_by",
            "starts_at",
            "ends_at",
            "status",
            "cancelled_at",
            "late_cancel",
            *STAMPS,
        ]
        extra_kwargs = {"attendees": {"min_value": 1, "max_value": 100_000}}


# `bookings.services.booking_create`'s parameters (`bookings.models.BOOKING_CREATE_FIELDS`);
# `company` is resolved by the view among the companies the caller may book for.
class BookingCreateSerializer(Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    company = serializers.UUIDField(
        required=False,
        help_text=gettext_lazy("Required for a manager; a representative's own by default."),
    )
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    title = serializers.CharField(max_length=200)
    attendees = serializers.IntegerField(min_value=1, max_value=100_000, default=1)


class SlotSerializer(Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class SlotQuerySerializer(Serializer):
    date = serializers.DateField()


class HoursQuerySerializer(Serializer):
    month = serializers.DateField(input_formats=["%Y-%m"], format="%Y-%m")


class HoursSerializer(Serializer):
    allowance = serializers.DecimalField(**HOURS)
    used = serializers.DecimalField(**HOURS)
    overage = serializers.DecimalField(**HOURS)
    overage_vnd = serializers.IntegerField()


class CalendarTokenSerializer(Serializer):
    token = serializers.CharField()


class NoBodySerializer(Serializer):
    pass
