"""What the /chain/ lists filter by: each an `api.base.filters.FilterSet` (a bad value is a
400 naming the parameter, `?is_active=maybe` included)."""

from rest_framework import serializers

from api.base.filters import FilterSet
from api.base.serializers import Serializer
from chain.models import Membership, Partner


class PartnerFilter(FilterSet):
    class Meta:
        model = Partner
        fields = ["is_active"]


class MembershipFilter(FilterSet):
    class Meta:
        model = Membership
        fields = ["chain", "park", "role"]


class ChainCompanyQuerySerializer(Serializer):
    """The chain-wide search's parameters: its rows are not one model's, so they are read
    with a strict serializer (an unknown partner slug is a 400) instead of a FilterSet."""

    search = serializers.CharField(required=False, allow_blank=True, max_length=200)
    partner = serializers.SlugRelatedField(
        slug_field="slug", queryset=Partner.objects.all(), required=False
    )
