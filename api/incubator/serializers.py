"""What `/programs/`, `/applications/` and `/reviews/` accept and show.

The writable fields are the model module's (`PROGRAM_WRITABLE`, `APPLICATION_WRITABLE`, ...);
the rules behind them are incubator.services'. Class names are the schema's component names.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User
from api.base.serializers import ModelSerializer, Serializer
from incubator.models import (
    APPLICATION_SERVICES_OWN,
    APPLICATION_WRITABLE,
    CRITERION_WRITABLE,
    MAX_REQUESTED_DESKS,
    MAX_TEAM,
    PROGRAM_WRITABLE,
    REVIEW_WRITABLE,
    Application,
    ApplicationEvent,
    ApplicationState,
    Attachment,
    Criterion,
    Program,
    ProgramStatus,
    Recommendation,
    Review,
    ReviewAssignment,
)
from incubator.selectors import applications_reviewable_by
from park.models import Unit
from tenants.models import Company

# --- programs ---------------------------------------------------------------------------------


class CriterionSerializer(ModelSerializer):
    # Writable: an item that names a current criterion keeps it (and the scores given to it).
    id = serializers.UUIDField(required=False)
    weight = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    max_score = serializers.IntegerField(min_value=1, max_value=1000)
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False, default=0)

    class Meta:
        model = Criterion
        fields = ["id", *CRITERION_WRITABLE]


class ProgramSerializer(ModelSerializer):
    criteria = CriterionSerializer(many=True, required=False)
    status = serializers.ChoiceField(choices=ProgramStatus.choices, read_only=True)
    seats = serializers.IntegerField(min_value=1, max_value=100_000)
    incubation_months = serializers.IntegerField(
        min_value=1, max_value=120, required=False, default=12
    )

    class Meta:
        model = Program
        fields = [
            "id",
            *PROGRAM_WRITABLE,
            "status",
            "criteria",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "version", "created_at", "updated_at"]
        extra_kwargs = {"slug": {"validators": []}}  # the service names a taken slug
        validators = []


class RankingRowSerializer(serializers.Serializer):
    application = serializers.UUIDField()
    startup_name = serializers.CharField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    reviews = serializers.IntegerField()


# --- applications -----------------------------------------------------------------------------


class TeamMemberSerializer(Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    role = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class AttachmentSerializer(ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "file_name", "size_bytes", "created_at", "url"]
        read_only_fields = fields

    def get_url(self, attachment) -> str:
        path = f"/api/v1/applications/{attachment.application_id}/attachments/{attachment.pk}/"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class VisibleScoreField(serializers.DecimalField):
    """The application's score as its caller may see it (the selector's `visible_score`):
    null on a row read without it, never the stored score."""

    def get_attribute(self, instance):
        return getattr(instance, "visible_score", None)


class ApplicationSerializer(ModelSerializer):
    score = VisibleScoreField(
        max_digits=5,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_(
            "The mean of the reviews' scores: managers see it, a reviewer once their own "
            "review is in, the applicant never (null to them)."
        ),
    )
    program_name = serializers.CharField(source="program.name", read_only=True)
    # Declared: the service normalises the tax code (stdnum.vn.mst) and names what is wrong.
    tax_code = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=20
    )
    team = TeamMemberSerializer(many=True, required=False, max_length=MAX_TEAM)
    requested_desks = serializers.IntegerField(
        min_value=1, max_value=MAX_REQUESTED_DESKS, required=False
    )
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "program",  # set once, at creation
            "program_name",
            "applicant",
            *APPLICATION_WRITABLE,
            "attachments",
            *APPLICATION_SERVICES_OWN,
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "applicant",
            *APPLICATION_SERVICES_OWN,
            "version",
            "created_at",
            "updated_at",
        ]
        validators = []  # a second application is the service's 409 duplicate_application


class ApplicationUpdateSerializer(ApplicationSerializer):
    class Meta(ApplicationSerializer.Meta):
        read_only_fields = [*ApplicationSerializer.Meta.read_only_fields, "program"]


class TransitionSerializer(Serializer):
    to = serializers.ChoiceField(choices=ApplicationState.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


# `from` is a Python keyword: declared this way, it is still the field's name in JSON.
TransitionSerializer._declared_fields["from"] = serializers.ChoiceField(
    choices=ApplicationState.choices,
    required=False,
    help_text=_("The state you expect to leave: 409 if another manager moved it first."),
)


class WithdrawSerializer(Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class EmptySerializer(Serializer):
    pass


class OnboardSerializer(Serializer):
    start_date = serializers.DateField()
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True
    )
    company = serializers.PrimaryKeyRelatedField(
        queryset=Company.objects.all(),
        required=False,
        allow_null=True,
        help_text=_(
            "The company that has the application's tax code, named to confirm that the "
            "startup joins it (the 409 company_exists names it); leave out to create one."
        ),
    )


class EventSerializer(ModelSerializer):
    class Meta:
        model = ApplicationEvent
        fields = ["from_state", "to_state", "actor", "note", "at"]
        read_only_fields = fields


class AttachmentUploadSerializer(Serializer):
    file = serializers.FileField(help_text=_("A PDF pitch deck, at most 10 MB."))


class ConflictSerializer(Serializer):
    reason = serializers.CharField(max_length=2000)


# --- reviewers and reviews --------------------------------------------------------------------


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


class VisibleApplicationField(serializers.PrimaryKeyRelatedField):
    """Only applications the caller may review or be refused a review of (with the reason):
    any other id is `does_not_exist` (no leak)."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return Application.objects.none()
        return applications_reviewable_by(request.user)


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
            *REVIEW_WRITABLE,
            "score",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "reviewer", "score", "version", "created_at", "updated_at"]
        validators = []  # a second review is the service's 409 duplicate_review


class ReviewUpdateSerializer(ReviewSerializer):
    application = serializers.PrimaryKeyRelatedField(read_only=True)
