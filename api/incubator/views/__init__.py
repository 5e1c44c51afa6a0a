"""The incubator's viewsets: `programs`, `applications` (with their actions), `reviews`."""

from api.incubator.views.applications import ApplicationViewSet
from api.incubator.views.programs import ProgramViewSet
from api.incubator.views.reviews import ReviewerViewSet, ReviewViewSet

__all__ = ["ApplicationViewSet", "ProgramViewSet", "ReviewViewSet", "ReviewerViewSet"]
