from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import filters
from django_filters.filterset import BaseFilterSet as DjangoBaseFilterSet
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.rest_framework import FilterSet as BaseFilterSet
from django_filters.rest_framework.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from rest_framework import serializers
from rest_framework.filters import OrderingFilter


class StrictBooleanField(forms.Field):
    """`true`/`false` (or `1`/`0`); anything else is an error, not "no filter".

    django-filter's own boolean filter turns `?is_active=maybe` into None, so the filter is
    dropped and the client gets every row: api.md wants a 400 for an invalid filter value.
    """

    default_error_messages = {"invalid": gettext_lazy("Must be true or false.")}

    def to_python(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"true", "1"}:
            return True
        if text in {"false", "0"}:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField


class FilterSet(BaseFilterSet):
    """The one FilterSet every list uses: an invalid value in any filter is a 400 naming it.

    django-filter already refuses a bad choice, number, date or id (the form field's error);
    booleans are the exception, so every boolean filter here, generated from a model field or
    declared, is the strict one.
    """

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }

    @classmethod
    def get_filters(cls):
        found = super().get_filters()
        for filter_ in found.values():
            if isinstance(filter_, filters.BooleanFilter):
                filter_.field_class = StrictBooleanField
        return found


class StrictOrderingFilter(OrderingFilter):
    """`?ordering=field,-field` on the view's documented fields; anything else is a 400."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params and getattr(view, "ordering_fields", None) is not None:
            fields = [param.strip() for param in params.split(",") if param.strip()]
            valid = {
                name for name, _label in self.get_valid_fields(queryset, view, {"request": request})
            }
            unknown = [field for field in fields if field.lstrip("-") not in valid]
            if unknown:
                raise serializers.ValidationError(
                    {
                        self.ordering_param: [
                            _("Cannot order by %(field)s; use one of: %(valid)s.")
                            % {"field": unknown[0], "valid": ", ".join(sorted(valid))}
                        ]
                    }
                )
        return with_tie_breaker(super().get_ordering(request, queryset, view), queryset.model)


def with_tie_breaker(ordering, model):
    """`ordering` ending in the primary key (in the last term's direction) unless a unique,
    non-null field already decides it: rows that tie (two companies in one sector) then keep one
    order from page to page, and a `next` link can continue after the last one
    (api/base/keyset.py). Every list ordering's index ends in the id for this (tests/perf)."""
    if not ordering:
        return ordering
    opts = model._meta
    for term in ordering:
        if not isinstance(term, str):
            return ordering
        name = term.removeprefix("-")
        if name == "pk":
            return ordering
        try:
            field = opts.get_field(name)
            if field.unique and not field.null:  # NULLs tie with each other
                return ordering
        except FieldDoesNotExist:
            continue
    last = ordering[-1]
    descending = isinstance(last, str) and last.startswith("-")
    return [*ordering, f"{'-' if descending else ''}{opts.pk.name}"]


def _may_filter(filterset_class, params) -> bool:
    # Whether a FilterSet built from `params` could filter or refuse anything: a parameter
    # that begins with a filter's name (`headcount`, and `headcount_min` of a range widget), a
    # required filter, or a FilterSet or filter that filters its own way. Otherwise every
    # filter would get an empty value, and django-filter's filters return the list unchanged.
    if filterset_class.filter_queryset is not DjangoBaseFilterSet.filter_queryset:
        return True
    for name, filter_ in filterset_class.base_filters.items():
        if filter_.extra.get("required") or filter_.exclude:
            return True
        if not type(filter_).filter.__module__.startswith("django_filters."):
            return True
        if any(param.startswith(name) for param in params):
            return True
    return False


class QuietFilterBackend(DjangoFilterBackend):
    """django-filter's backend, which builds no FilterSet for a request that names none of its
    filters (issue 17): a FilterSet deep-copies its filters and builds and validates a form on
    each request, a tenth of an unfiltered list's time, for a list returned unchanged."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not _may_filter(filterset_class, request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)
