"""The spreadsheet resources by name: units, companies, contacts, leases, usage, payments."""

from django.utils.translation import gettext as _

from core.errors import DomainError
from imports.resources.base import ImportResource

RESOURCES = ("units", "companies", "contacts", "leases", "usage", "payments")


class UnknownResource(DomainError):
    code = "invalid_choice"


def _registry() -> dict[str, type[ImportResource]]:
    # Imported here: each resource module imports its domain's services, loaded with the apps.
    from imports.resources.billing import PaymentResource, UsageResource
    from imports.resources.companies import CompanyResource, ContactResource
    from imports.resources.leases import LeaseResource
    from imports.resources.units import UnitResource

    classes = (
        UnitResource,
        CompanyResource,
        ContactResource,
        LeaseResource,
        UsageResource,
        PaymentResource,
    )
    return {resource.name: resource for resource in classes}


def resource_for(name: str) -> ImportResource:
    """A fresh resource named `name` (one per run: a resource keeps nothing between runs)."""
    registry = _registry()
    if name not in registry:
        raise UnknownResource(
            _("The resource is one of: %(names)s.") % {"names": ", ".join(RESOURCES)},
            field="resource",
        )
    return registry[name]()
