"""Space: parks, buildings, floors, units, and the leases that allocate them to companies.

- `space`: `Park`, `Building`, `Floor` and `Unit` with its kinds (`UnitKind`,
  `EXCLUSIVE_KINDS`);
- `leases`: `Lease` and its status on a day (`LeaseStatus`).

The allocation rule (never double-booked) is `park.services.lease_create`'s, under a lock on
the unit row; on PostgreSQL an exclusion constraint (migration 0002) backs it for exclusive
units. Every name is exported here: `from park.models import Unit`.
"""

from park.models.leases import LEASE_CREATE_FIELDS, LEASE_TERMS, Lease, LeaseStatus
from park.models.space import (
    BUILDING_WRITABLE,
    EXCLUSIVE_KINDS,
    FLOOR_WRITABLE,
    PARK_WRITABLE,
    UNIT_WRITABLE,
    Building,
    Floor,
    Park,
    Unit,
    UnitKind,
)

__all__ = [
    "BUILDING_WRITABLE",
    "EXCLUSIVE_KINDS",
    "FLOOR_WRITABLE",
    "LEASE_CREATE_FIELDS",
    "LEASE_TERMS",
    "PARK_WRITABLE",
    "UNIT_WRITABLE",
    "Building",
    "Floor",
    "Lease",
    "LeaseStatus",
    "Park",
    "Unit",
    "UnitKind",
]
