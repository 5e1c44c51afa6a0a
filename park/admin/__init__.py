"""The park manager's daily tool: space, leases, occupancy and floor maps.

Every admin here is a `core.admin.ServiceAdmin`: its form saves through park.services in
`clean()`, so a refusal (a taken code, a unit already leased) is a form error on the page,
and the list actions run services through `core.admin.service_action`. Importing the modules
registers their admins.
"""

from park.admin import dashboard, leases, space

__all__ = ["dashboard", "leases", "space"]
