"""The partner-facing directory record (design/sync.md, "What a partner sees").

Built only from the company's own fields, so its `version` is the company's `version`: no
contacts, no reports, no rents, no leases.
"""

from collections.abc import Callable

from django.utils import timezone

from park.models import Park
from tenants.models import Company

# (lowest, highest or None, label): the bands of design/sync.md.
HEADCOUNT_BANDS = [(1, 9, "1-9"), (10, 49, "10-49"), (50, 249, "50-249"), (250, None, "250+")]


def headcount_band(headcount: int | None) -> str | None:
    if not headcount:
        return None
    for lowest, highest, label in HEADCOUNT_BANDS:
        if headcount >= lowest and (highest is None or headcount <= highest):
            return label
    return None


def instant(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def directory_record(company: Company, *, absolute: Callable[[str], str]) -> dict:
    """`absolute` turns a site path (/media/...) into an absolute URL."""
    return {
        "id": str(company.pk),
        "version": company.version,
        "legal_name": company.legal_name,
        "short_name": company.short_name,
        "tax_code": company.tax_code,
        "sector": company.sector,
        "website": company.website,
        "email": company.email,
        "logo_url": absolute(company.logo.url) if company.logo else None,
        "founded_on": company.founded_on.isoformat() if company.founded_on else None,
        "headcount_band": headcount_band(company.headcount),
        "incubated": company.incubated,
        "updated_at": instant(company.updated_at),
    }


def json_ld_record(record: dict, *, url: str) -> dict:
    """The same record as a schema.org Organization (Accept: application/ld+json)."""
    band = record["headcount_band"]
    employees = None
    if band:
        lowest, _dash, highest = band.rstrip("+").partition("-")
        employees = {"@type": "QuantitativeValue", "minValue": int(lowest)}
        if highest:
            employees["maxValue"] = int(highest)
    document = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": url,
        "identifier": record["id"],
        "name": record["legal_name"],
        "alternateName": record["short_name"] or None,
        "taxID": record["tax_code"],
        "url": record["website"] or None,
        "email": record["email"] or None,
        "logo": record["logo_url"],
        "foundingDate": record["founded_on"],
        "numberOfEmployees": employees,
        "dateModified": record["updated_at"],
        "version": record["version"],
    }
    return {key: value for key, value in document.items() if value is not None}


def park_header() -> dict | None:
    """`{"slug", "name"}` of the home park: every page names its publisher once."""
    park = Park.objects.filter(is_home=True).values("slug", "name").first()
    return dict(park) if park else None
