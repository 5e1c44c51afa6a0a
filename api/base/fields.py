"""Shared field conventions of the HTTP layer."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# The ids in our URLs: a UUID, so a non-UUID path segment is a 404 before any query runs.
UUID_PATTERN = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


@extend_schema_field(
    {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "07:00"}
)
class LocalTimeField(serializers.TimeField):
    """A local time of day as `HH:MM` (the park's clock): read back as written, and accepted
    with or without seconds. OpenAPI's `format: time` is RFC 3339's, with an offset, which a
    park's opening hour has not."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M", "%H:%M:%S"])
        super().__init__(**kwargs)
