from core.errors import Conflict, DomainError


class UnitUnavailable(Conflict):
    """The unit is leased on some of those days, or the pool lacks free desks."""

    code = "unit_unavailable"

    def __init__(self, detail: str, *, conflicts, **extra):
        rows = [
            {
                "lease": str(lease.pk),
                "start_date": lease.start_date.isoformat(),
                "end_date": lease.end_date.isoformat() if lease.end_date else None,
                "desks": lease.desks,
            }
            for lease in conflicts
        ]
        super().__init__(detail, conflicts=rows, **extra)
        self.leases = list(conflicts)


class UnitInactive(Conflict):
    code = "unit_inactive"


class OutsideLease(DomainError):
    """A terminate or renew date outside what the lease allows."""

    code = "outside_lease"


class InvalidDesks(DomainError):
    code = "invalid"


class SpaceCodeTaken(DomainError):
    """A duplicate natural key: a unit or building code, a floor level, the home park."""

    code = "unique"


class InvalidSpace(DomainError):
    """A park, building, floor or unit whose fields break a rule (`code` names it)."""

    def __init__(self, detail: str, *, field: str, code: str = "invalid", **extra):
        super().__init__(detail, field=field, **extra)
        self.code = code


class ContractNumberTaken(DomainError):
    code = "unique"
