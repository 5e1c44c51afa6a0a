"""The base serializers every endpoint uses: no mass assignment, ever."""

import copy
from collections.abc import Mapping
from datetime import datetime
from operator import attrgetter

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework import fields, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import ISO_8601, api_settings

# Comments, not docstrings, on these mixins: the schema would show a mixin's docstring as the
# description of every serializer that has none of its own.


class StrictFieldsMixin:
    # Reject unknown and read-only fields in a write with 400 naming them. A silently ignored
    # field is a bug report waiting to happen (the client thinks it set `status`; it did not),
    # and a silently applied one is mass assignment.

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


def _plain_attribute(serializer, field):
    # The model attribute a field reads, when DRF's get_attribute would amount to a getattr:
    # a ModelSerializer's field whose source is one concrete, non-relational model field.
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if model is None or len(field.source_attrs) != 1:
        return None
    if type(field).get_attribute is not fields.Field.get_attribute:
        return None  # a field that reads its own way (e.g. a selector's annotation)
    try:
        model_field = model._meta.get_field(field.source_attrs[0])
    except FieldDoesNotExist:
        return None
    if not model_field.concrete or model_field.is_relation:
        return None
    return model, attrgetter(model_field.attname)


def _fast_representation(field):
    # The field's own to_representation, short-cut for the plain types that DRF's exact field
    # classes return unchanged (or, for aware datetimes, turn into ISO 8601 in the current
    # time zone, worked out once per serializer rather than per value). Anything else takes
    # the field's own path, so the output is the same byte for byte.
    represent = field.to_representation
    kind = type(field)
    if kind in (fields.CharField, fields.EmailField, fields.URLField, fields.SlugField):
        return lambda value: value if type(value) is str else represent(value)
    if kind is fields.SerializerMethodField:
        return getattr(field.parent, field.method_name)  # what its to_representation calls
    if kind is fields.IntegerField:
        return lambda value: value if type(value) is int else represent(value)
    if kind is fields.BooleanField:
        return lambda value: value if type(value) is bool else represent(value)
    if kind is fields.DateTimeField and settings.USE_TZ:
        output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
        if output_format is None or output_format.lower() != ISO_8601:
            return represent
        zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
        if zone is None:
            return represent

        def datetime_representation(value):
            if type(value) is not datetime or value.utcoffset() is None:
                return represent(value)
            try:
                text = value.astimezone(zone).isoformat()
            except OverflowError:
                return represent(value)  # DRF's own error
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        return datetime_representation
    return represent


class FastRepresentationMixin:
    # DRF's `to_representation`, with the readable fields worked out once per serializer. DRF
    # walks `self.fields` and re-checks `write_only` for every row; with `many=True` one child
    # serializer renders the whole page, so caching that list saves a fifth of a list
    # endpoint's time (bench S1) without changing a byte of the output. A field that reads one
    # concrete model field is read by getattr, and the plain types skip DRF's conversions
    # (_fast_representation): another third of a list's serialization (issue 17).

    def to_representation(self, instance):
        readable = self.__dict__.get("_readable_cache")
        if readable is None:
            readable = self._readable_cache = [
                (
                    field.field_name,
                    field.get_attribute,
                    _plain_attribute(self, field),
                    _fast_representation(field),
                )
                for field in self._readable_fields
            ]
        representation = {}
        for name, get_attribute, plain, to_representation in readable:
            if plain is not None and isinstance(instance, plain[0]):
                attribute = plain[1](instance)
            else:
                try:
                    attribute = get_attribute(instance)
                except SkipField:
                    continue
            value = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            representation[name] = None if value is None else to_representation(attribute)
        return representation


class Serializer(StrictFieldsMixin, FastRepresentationMixin, serializers.Serializer):
    pass


_BUILT_FIELDS: dict[tuple[type, str | None], dict] = {}


class ModelSerializer(StrictFieldsMixin, FastRepresentationMixin, serializers.ModelSerializer):
    # DRF builds a ModelSerializer's fields from the model on every instance, that is on every
    # request: a third of a millisecond for a company (bench S1). They depend only on the class
    # (and on the language, through labels worked out from verbose names), so they are built
    # once per class and language and each instance gets a deep copy, as DRF gives each its
    # own copy of the declared fields. A subclass's get_fields still adjusts its copy.

    def get_fields(self):
        key = (type(self), get_language())
        built = _BUILT_FIELDS.get(key)
        if built is None:
            built = _BUILT_FIELDS[key] = super().get_fields()
        return copy.deepcopy(built)
