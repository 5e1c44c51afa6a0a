"""The query filters of `/programs/`, `/applications/` and `/reviews/`: strict, like every list
(api.base.filters.FilterSet), so a value a filter cannot read is a 400 naming it."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from api.base.filters import FilterSet, StrictBooleanFilter
from incubator.models import Application, ApplicationState, Program, Review
from incubator.selectors import applications_matching


@extend_schema_field(
    # The parameter as docs/openapi.yaml has always documented it (`true`/`false`); the
    # filter also reads `1`/`0`, like every boolean filter.
    {
        "type": "boolean",
        "title": "Published",
        "enum": ["false", "true"],
        "description": "* `true` - true\n* `false` - false",
    }
)
class PublishedFilter(StrictBooleanFilter):
    pass


class ProgramFilter(FilterSet):
    is_published = PublishedFilter()

    class Meta:
        model = Program
        fields = ["is_published"]


class ApplicationFilter(FilterSet):
    program = filters.UUIDFilter(field_name="program")
    state = filters.ChoiceFilter(choices=ApplicationState.choices)
    search = filters.CharFilter(
        method="filter_search", label=_("Startup name, tax code or team, accents ignored")
    )

    class Meta:
        model = Application
        fields = ["program", "state"]

    def filter_search(self, queryset, name, value):
        return applications_matching(queryset, value)


class ReviewFilter(FilterSet):
    application = filters.UUIDFilter(field_name="application")
    reviewer = filters.UUIDFilter(field_name="reviewer")

    class Meta:
        model = Review
        fields = ["application", "reviewer"]
