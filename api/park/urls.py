from django.urls import include, path
from rest_framework.routers import SimpleRouter

from api.park.views import (
    BuildingViewSet,
    FloorMapView,
    FloorViewSet,
    LeaseViewSet,
    OccupancyViewSet,
    ParkViewSet,
    ReportsSummaryView,
    UnitViewSet,
)

router = SimpleRouter()
router.register("parks", ParkViewSet, basename="park")
router.register("buildings", BuildingViewSet, basename="building")
router.register("floors", FloorViewSet, basename="floor")
router.register("units", UnitViewSet, basename="unit")
router.register("leases", LeaseViewSet, basename="lease")
router.register("occupancy", OccupancyViewSet, basename="occupancy")

urlpatterns = [
    path("floors/<uuid:pk>/map.png", FloorMapView.as_view(), name="floor-map"),
    path("reports/summary/", ReportsSummaryView.as_view(), name="reports-summary"),
    path("", include(router.urls)),
]
