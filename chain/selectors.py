"""Reads of the chain app, shaped for the API and the admin."""

from django.db.models import CharField, DateTimeField, F, Q, QuerySet, Value
from django.db.models.functions import Cast

from accounts.search import search_terms
from chain.models import (
    Membership,
    Partner,
    PartnerCompany,
    PartnerCompanyNote,
    PartnerKey,
    WebhookDelivery,
    WebhookSecret,
)
from park.models import Park
from tenants.directory import visible_companies


def partners() -> QuerySet[Partner]:
    return Partner.objects.order_by("name", "pk")


def memberships() -> QuerySet[Membership]:
    return Membership.objects.select_related("chain", "park").order_by(
        "chain__name", "joined_on", "pk"
    )


def keys_of(partner: Partner) -> QuerySet[PartnerKey]:
    return PartnerKey.objects.filter(partner=partner).order_by("-created_at", "prefix")


def active_secrets_of(partner: Partner) -> QuerySet[WebhookSecret]:
    return WebhookSecret.objects.filter(partner=partner, retired_at=None).order_by(
        "created_at", "pk"
    )


def deliveries() -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.select_related("partner").order_by("-created_at", "-pk")


def _matching(queryset, query: str | None):
    condition = Q()
    for term in search_terms(query):
        condition &= Q(search_text__contains=term)
    return queryset.filter(condition)


# The columns of one chain-wide row (design/api.md, `GET /chain/companies/`), all as
# annotations so that both halves of the UNION list them in the same order.
CHAIN_COMPANY_COLUMNS = [
    "row_id",
    "row_source",
    "row_legal_name",
    "row_short_name",
    "row_tax_code",
    "row_sector",
    "row_website",
    "row_logo",
    "row_park_slug",
    "row_park_name",
    "row_updated_at",
]


def chain_companies(*, search: str | None = None, partner: Partner | None = None):
    """Our visible directory and every partner's mirror, as one queryset of dict rows
    ordered by legal name (a UNION, so one query pages through both)."""
    text = CharField()
    # order_by(): no model ordering inside the halves of a UNION (SQLite refuses it).
    mirrors = _matching(PartnerCompany.objects.filter(deleted_at=None), search).order_by()
    if partner is not None:
        mirrors = mirrors.filter(partner=partner)
    mirrors = mirrors.values(
        row_id=F("remote_id"),
        row_source=F("partner__slug"),
        row_legal_name=F("legal_name"),
        row_short_name=F("short_name"),
        row_tax_code=F("tax_code"),
        row_sector=F("sector"),
        row_website=F("website"),
        row_logo=Cast("logo", text),  # our copy, never the partner's own URL
        row_park_slug=F("partner__slug"),
        row_park_name=F("partner__name"),
        row_updated_at=F("remote_updated_at"),
    )
    if partner is not None:
        return mirrors.order_by("row_legal_name", "row_id")
    home = Park.objects.filter(is_home=True).values("slug", "name").first() or {
        "slug": "",
        "name": "",
    }
    ours = (
        _matching(visible_companies(), search)
        .order_by()
        .values(
            row_id=F("id"),
            row_source=Value("home", output_field=text),
            row_legal_name=F("legal_name"),
            row_short_name=F("short_name"),
            row_tax_code=Cast("tax_code", text),
            row_sector=F("sector"),
            row_website=F("website"),
            row_logo=Cast("logo", text),
            row_park_slug=Value(home["slug"], output_field=text),
            row_park_name=Value(home["name"], output_field=text),
            row_updated_at=Cast("updated_at", DateTimeField()),
        )
    )
    return ours.union(mirrors, all=True).order_by("row_legal_name", "row_id")


def mirrored_company(remote_id) -> PartnerCompany | None:
    return (
        PartnerCompany.objects.select_related("partner")
        .filter(remote_id=remote_id)
        .order_by("deleted_at", "-synced_at")
        .first()
    )


def notes_about(remote_id) -> QuerySet[PartnerCompanyNote]:
    return (
        PartnerCompanyNote.objects.filter(remote_id=remote_id)
        .select_related("partner", "author")
        .order_by("created_at", "pk")
    )
