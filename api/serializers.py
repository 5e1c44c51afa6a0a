"""The base serializers every endpoint uses: no mass assignment, ever."""

from collections.abc import Mapping

from django.utils.translation import gettext as _
from rest_framework import serializers


class StrictFieldsMixin:
    """Reject unknown and read-only fields in a write with 400 naming them.

    A silently ignored field is a bug report waiting to happen (the client thinks it set
    `status`; it did not), and a silently applied one is mass assignment.
    """

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for name in data:
                field = self.fields.get(name)
                if field is None:
                    errors[name] = [serializers.ErrorDetail(_("Unknown field."), code="unknown")]
                elif field.read_only:
                    errors[name] = [
                        serializers.ErrorDetail(_("This field is read-only."), code="read_only")
                    ]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class Serializer(StrictFieldsMixin, serializers.Serializer):
    pass


class ModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    pass
