"""Every write to space: one function per use case, one transaction each, history kept.

`space` records parks, buildings, floors and units; `leases` allocates units to companies
under the allocation rule of design/domain.md. Other apps import from here
(`from park.services import lease_create`).
"""

from park.services._shared import today
from park.services.lease_batch import LeaseOutcome, leases_create_many
from park.services.lease_rules import LeaseDraft
from park.services.leases import (
    companies_activate_for_leases_starting,
    lease_cancel,
    lease_create,
    lease_renew,
    lease_terminate,
    lease_update,
)
from park.services.space import (
    building_create,
    building_delete,
    building_update,
    floor_create,
    floor_delete,
    floor_update,
    park_create,
    park_delete,
    park_update,
    unit_create,
    unit_delete,
    unit_update,
)

__all__ = [
    "LeaseDraft",
    "LeaseOutcome",
    "building_create",
    "building_delete",
    "building_update",
    "companies_activate_for_leases_starting",
    "floor_create",
    "floor_delete",
    "floor_update",
    "lease_cancel",
    "lease_create",
    "lease_renew",
    "lease_terminate",
    "lease_update",
    "leases_create_many",
    "park_create",
    "park_delete",
    "park_update",
    "today",
    "unit_create",
    "unit_delete",
    "unit_update",
]
