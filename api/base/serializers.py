"""The base serializers every endpoint uses: no mass assignment, ever."""

import copy
from collections.abc import Mapping
from datetime import date, datetime
from operator import attrgetter
from uuid import UUID

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Manager
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


def _shortcut(field):
    # A faster to_representation for the plain types that DRF's exact field classes return
    # unchanged or convert in one step (aware datetimes to ISO 8601 in the current time zone,
    # worked out once per serializer rather than per value; dates and UUIDs to their text;
    # choices through the field's own mapping), falling back to the field's own for any other
    # value; None for a field without one. The output is the field's own, byte for byte.
    represent = field.to_representation
    kind = type(field)
    if kind in (fields.CharField, fields.EmailField, fields.URLField, fields.SlugField):
        return lambda value: value if type(value) is str else represent(value)
    if kind is fields.IntegerField:
        return lambda value: value if type(value) is int else represent(value)
    if kind is fields.BooleanField:
        return lambda value: value if type(value) is bool else represent(value)
    if kind is fields.UUIDField and field.uuid_format == "hex_verbose":
        return lambda value: str(value) if type(value) is UUID else represent(value)
    if kind is fields.ChoiceField:
        mapping = field.choice_strings_to_values
        return lambda value: mapping.get(value, value) if type(value) is str else represent(value)
    if kind is fields.DateField:
        output_format = getattr(field, "format", api_settings.DATE_FORMAT)
        if output_format is None or output_format.lower() != ISO_8601:
            return None
        return lambda value: value.isoformat() if type(value) is date else represent(value)
    if kind is fields.DateTimeField and settings.USE_TZ:
        output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
        if output_format is None or output_format.lower() != ISO_8601:
            return None
        zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
        if zone is None:
            return None

        def datetime_representation(value):
            if type(value) is not datetime or value.utcoffset() is None:
                return represent(value)
            try:
                text = value.astimezone(zone).isoformat()
            except OverflowError:
                return represent(value)  # DRF's own error
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        return datetime_representation
    return None


def _fast_representation(field):
    # The field's own to_representation, short-cut where _shortcut knows how.
    if type(field) is fields.SerializerMethodField:
        return getattr(field.parent, field.method_name)  # what its to_representation calls
    return _shortcut(field) or field.to_representation


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


_LIST_PLANS: dict[tuple[type, str | None], list | None] = {}


def _list_plan(child) -> list | None:
    # What a row of `child`'s class is made of: (name, read, field, method name) per readable
    # field, worked out once per class and language from the fields of a serializer of its
    # own (no request's context is kept). None when a field is neither a plain model
    # attribute nor a method field: the list then takes the child's own path.
    key = (type(child), get_language())
    if key in _LIST_PLANS:
        return _LIST_PLANS[key]
    plan = []
    template = type(child)()
    for field in template._readable_fields:
        if type(field) is fields.SerializerMethodField:
            plan.append((field.field_name, None, field, field.method_name))
            continue
        plain = _plain_attribute(template, field)
        if plain is None or _shortcut(field) is None:
            plan = None  # a field read or shown its own way
            break
        plan.append((field.field_name, plain[1], field, None))
    _LIST_PLANS[key] = plan
    return plan


class FastListSerializer(serializers.ListSerializer):
    # A list endpoint's rows without DRF's per-row machinery (issue 17, bench S2): the fields
    # of the child's class are read once (no deep copy of them per request), each row reads
    # its model attributes directly and converts them with _shortcut. The output
    # is the child's own, byte for byte (tests/api/tenants/test_company_list_fast.py); a
    # child that builds or shows its fields its own way (its own get_fields or
    # to_representation), or a row of another class, takes DRF's path.

    def to_representation(self, data):
        child = self.child
        kind = type(child)
        iterable = data.all() if isinstance(data, Manager) else data
        if (
            kind.get_fields is not ModelSerializer.get_fields
            or kind.to_representation is not FastRepresentationMixin.to_representation
        ):
            return super().to_representation(iterable)
        plan = _list_plan(child)
        if plan is None:
            return super().to_representation(iterable)
        model = kind.Meta.model
        steps = [
            (name, read, getattr(child, method) if method else _shortcut(field))
            for name, read, field, method in plan
        ]
        rows = []
        for instance in iterable:
            if type(instance) is not model:
                rows.append(child.to_representation(instance))
                continue
            row = {}
            for name, read, represent in steps:
                if read is None:  # a method field: the instance itself
                    row[name] = represent(instance)
                else:
                    value = read(instance)
                    row[name] = None if value is None else represent(value)
            rows.append(row)
        return rows
