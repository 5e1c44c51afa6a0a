"""The views of /parks/, /buildings/, /floors/, /units/, /leases/, /occupancy/, the floor
maps and the reports summary."""

from api.park.views.leases import LeaseViewSet
from api.park.views.maps import FloorMapView
from api.park.views.occupancy import OccupancyViewSet
from api.park.views.reports import ReportsSummaryView
from api.park.views.space import BuildingViewSet, FloorViewSet, ParkViewSet
from api.park.views.units import UnitViewSet

__all__ = [
    "BuildingViewSet",
    "FloorMapView",
    "FloorViewSet",
    "LeaseViewSet",
    "OccupancyViewSet",
    "ParkViewSet",
    "ReportsSummaryView",
    "UnitViewSet",
]
