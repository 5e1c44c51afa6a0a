from django.urls import include, path
from rest_framework.routers import SimpleRouter

from api.bookings.views import (
    BookingViewSet,
    CalendarTokenView,
    CompanyFeedView,
    CompanyHoursView,
    RoomFeedView,
    UnitSlotsView,
)

router = SimpleRouter()
router.register("bookings", BookingViewSet, basename="booking")

urlpatterns = [
    path("units/<uuid:pk>/slots/", UnitSlotsView.as_view(), name="unit-slots"),
    path("companies/<uuid:pk>/hours/", CompanyHoursView.as_view(), name="company-hours"),
    path("calendars/rooms/<uuid:pk>.ics", RoomFeedView.as_view(), name="calendar-room"),
    path("calendars/companies/<uuid:pk>.ics", CompanyFeedView.as_view(), name="calendar-company"),
    path("auth/me/calendar-token/", CalendarTokenView.as_view(), name="auth-calendar-token"),
    path("", include(router.urls)),
]
