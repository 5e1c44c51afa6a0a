from django.urls import include, path
from rest_framework.routers import SimpleRouter

from api.base.fields import UUID_PATTERN
from api.incubator.views import (
    ApplicationViewSet,
    ProgramViewSet,
    ReviewerViewSet,
    ReviewViewSet,
)

router = SimpleRouter()
router.register("programs", ProgramViewSet, basename="program")
router.register("applications", ApplicationViewSet, basename="application")
router.register(
    f"applications/(?P<application_pk>{UUID_PATTERN})/reviewers",
    ReviewerViewSet,
    basename="application-reviewer",
)
router.register("reviews", ReviewViewSet, basename="review")

urlpatterns = [path("", include(router.urls))]
