"""Reviews of applications: `/reviews/`, `/applications/{id}/reviewers/` and the conflict
declaration (design/api.md, Incubator). The rules are incubator/services.py's."""

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from rest_framework import mixins, serializers
from rest_framework.permissions import BasePermission

from accounts.models import User, is_manager
from api.base.fields import UUID_PATTERN
from api.base.serializers import ModelSerializer, Serializer
from api.base.views import GenericViewSet, ModelViewSet
from incubator import services
from incubator.models import Application, Recommendation, Review, ReviewAssignment
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


class AssignmentSerializer(ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(source="reviewer", queryset=User.objects.all())
    email = serializers.EmailField(source="reviewer.email", read_only=True)
    full_name = serializers.CharField(source="reviewer.full_name", read_only=True)

    class Meta:
        model = ReviewAssignment
        fields = [
            "user",
            "email",
            "full_name",
            "conflict_reason",
            "conflict_declared_at",
            "created_at",
        ]
        read_only_fields = ["conflict_reason", "conflict_declared_at", "created_at"]
        validators = []  # a second assignment is the service's `unique` refusal


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


class ConflictSerializer(Serializer):
    reason = serializers.CharField(max_length=2000)


# --- reviews ----------------------------------------------------------------------------------


class VisibleApplicationField(serializers.PrimaryKeyRelatedField):
    """Only applications the caller may see: any other id is `does_not_exist` (no leak)."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return Application.objects.none()
        return applications_visible_to(request.user)


class ReviewSerializer(ModelSerializer):
    application = VisibleApplicationField()
    scores = serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        help_text='{"<criterion id>": 0..max_score, or null for not applicable}',
    )
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)

    class Meta:
        model = Review
        fields = [
            "id",
            "application",
            "reviewer",
            "scores",
            "comment",
            "recommendation",
            "score",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "reviewer", "score", "version", "created_at", "updated_at"]
        validators = []  # a second review is the service's 409 duplicate_review


class ReviewUpdateSerializer(ReviewSerializer):
    application = serializers.PrimaryKeyRelatedField(read_only=True)


class ReviewFilter(filters.FilterSet):
    application = filters.UUIDFilter(field_name="application")
    reviewer = filters.UUIDFilter(field_name="reviewer")

    class Meta:
        model = Review
        fields = ["application", "reviewer"]


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
        serializer.instance = services.review_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.review_update(
            review=serializer.instance, actor=self.request.user, **serializer.validated_data
        )
