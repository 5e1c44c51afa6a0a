"""What the directory endpoints return to partners (design/sync.md): documentation of the
records `chain.feed` builds, and the strict readers of their query parameters."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.base.serializers import Serializer
from chain import feed


class ParkHeaderSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class DirectoryRecordSerializer(serializers.Serializer):
    """The partner-facing record (schema.org Organization fields); documentation only."""

    id = serializers.UUIDField()
    version = serializers.IntegerField()
    legal_name = serializers.CharField()
    short_name = serializers.CharField()
    tax_code = serializers.CharField(allow_null=True)
    sector = serializers.CharField()
    website = serializers.CharField()
    email = serializers.CharField()
    logo_url = serializers.URLField(allow_null=True)
    founded_on = serializers.DateField(allow_null=True)
    headcount_band = serializers.ChoiceField(
        choices=["1-9", "10-49", "50-249", "250+"], allow_null=True
    )
    incubated = serializers.BooleanField()
    updated_at = serializers.DateTimeField()


class ChangeSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    op = serializers.ChoiceField(choices=["upsert", "delete"])
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    changed_at = serializers.DateTimeField()
    company = DirectoryRecordSerializer(allow_null=True)


class ChangesPageSerializer(serializers.Serializer):
    park = ParkHeaderSerializer(allow_null=True)
    changes = ChangeSerializer(many=True)
    next_cursor = serializers.CharField()
    has_more = serializers.BooleanField()


class SnapshotPageSerializer(serializers.Serializer):
    park = ParkHeaderSerializer(allow_null=True)
    results = DirectoryRecordSerializer(many=True)
    next_cursor = serializers.CharField()
    has_more = serializers.BooleanField()
    changes_cursor = serializers.CharField(required=False, help_text=_("First page only."))


class ChangesQuerySerializer(Serializer):
    cursor = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    limit = serializers.IntegerField(required=False, min_value=1, default=feed.DEFAULT_LIMIT)


class SnapshotQuerySerializer(Serializer):
    cursor = serializers.CharField(required=False, allow_blank=True, max_length=2000)
