"""`/reviews/` and `/applications/{id}/reviewers/`: reviews and reviewer assignment
(design/api.md, Incubator). The rules are incubator.services'."""

from django.shortcuts import get_object_or_404
from rest_framework import mixins
from rest_framework.permissions import BasePermission

from accounts.models import is_manager
from api.base.fields import UUID_PATTERN
from api.base.views import GenericViewSet, ModelViewSet
from api.incubator.filters import ReviewFilter
from api.incubator.serializers import (
    AssignmentSerializer,
    ReviewSerializer,
    ReviewUpdateSerializer,
)
from incubator import services
from incubator.models import Application, Review, ReviewAssignment
from incubator.selectors import applications_visible_to, assignments_of, reviews_visible_to

# --- reviewers of an application -----------------------------------------------------------


class ApplicationChildMixin:
    def get_application(self) -> Application:
        if not hasattr(self, "_application"):
            self._application = get_object_or_404(
                applications_visible_to(self.request.user), pk=self.kwargs["application_pk"]
            )
        return self._application


class ManagesApplication(BasePermission):
    """Managers only, once the application is known to be visible (anyone else who sees it:
    403; who does not: 404)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        view.get_application()
        return is_manager(request.user)


class ReviewerViewSet(
    ApplicationChildMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    GenericViewSet,
):
    """The reviewers assigned to an application (managers): `POST {user}` assigns one,
    `DELETE /reviewers/{user_id}/` unassigns one."""

    serializer_class = AssignmentSerializer
    permission_classes = [ManagesApplication]
    lookup_field = "reviewer"
    lookup_url_kwarg = "user_id"
    lookup_value_regex = UUID_PATTERN
    pagination_class = None  # a plain list: a handful of reviewers per application
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReviewAssignment.objects.none()
        return assignments_of(self.get_application())

    def perform_create(self, serializer):
        serializer.instance = services.reviewer_assign(
            application=self.get_application(),
            reviewer=serializer.validated_data["reviewer"],
            actor=self.request.user,
        )

    def perform_destroy(self, instance):
        services.reviewer_unassign(assignment=instance, actor=self.request.user)


# --- reviews ----------------------------------------------------------------------------------


class ReviewViewSet(ModelViewSet):
    """Reviews: a reviewer's own, and the others of an application once theirs is in;
    every one for managers. Never deleted (405)."""

    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    lookup_value_regex = UUID_PATTERN
    ordering_fields = ["created_at", "score"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        return reviews_visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return ReviewUpdateSerializer
        return ReviewSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.review_create(
            application=data.pop("application"), data=data, actor=self.request.user
        )

    def perform_update(self, serializer):
        serializer.instance = services.review_update(
            review=serializer.instance, data=serializer.validated_data, actor=self.request.user
        )
