"""`/programs/` and `/applications/`: the incubator (design/api.md, Incubator).

Reviews, reviewer assignment and conflicts live in `api/incubator_reviews.py`. Every rule is
the services' (incubator/services.py); these views translate HTTP to service calls.
"""

from decimal import Decimal

from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from accounts.models import is_manager
from api.base.fields import UUID_PATTERN
from api.base.permissions import IsManager
from api.base.serializers import ModelSerializer, Serializer
from api.base.views import ModelViewSet, etag_of
from api.incubator.reviews import ConflictSerializer
from incubator import services
from incubator.models import (
    MAX_REQUESTED_DESKS,
    MAX_TEAM,
    Application,
    ApplicationEvent,
    ApplicationState,
    Attachment,
    Criterion,
    Program,
    ProgramStatus,
)
from incubator.selectors import (
    applications_matching,
    applications_visible_to,
    events_of,
    program_ranking,
    programs_visible_to,
)
from park.models import Unit

# --- programs ---------------------------------------------------------------------------------


class CriterionSerializer(ModelSerializer):
    # Writable: an item that names a current criterion keeps it (and the scores given to it).
    id = serializers.UUIDField(required=False)
    weight = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    max_score = serializers.IntegerField(min_value=1, max_value=1000)
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False, default=0)

    class Meta:
        model = Criterion
        fields = ["id", "name", "description", "weight", "max_score", "order"]


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
            "name",
            "slug",
            "description",
            "opens_at",
            "closes_at",
            "seats",
            "incubation_months",
            "workspace_unit",
            "is_published",
            "requires_pitch_deck",
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


class ProgramAccess(BasePermission):
    """Anyone (anonymous too) reads the published programs; managers write and rank."""

    def has_permission(self, request, view):
        if view.action in {"list", "retrieve"}:
            return True
        return bool(request.user and request.user.is_authenticated and is_manager(request.user))


class ProgramFilter(filters.FilterSet):
    is_published = filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")], coerce=lambda value: value == "true"
    )

    class Meta:
        model = Program
        fields = ["is_published"]


class ProgramViewSet(ModelViewSet):
    """Incubation programs with their rubric (`criteria`, replaced as a whole when sent)."""

    serializer_class = ProgramSerializer
    permission_classes = [ProgramAccess]
    filterset_class = ProgramFilter
    lookup_value_regex = UUID_PATTERN
    ordering_fields = ["opens_at", "closes_at", "name", "created_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Program.objects.none()
        return programs_visible_to(self.request.user)

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        criteria = [dict(item) for item in fields.pop("criteria", [])]
        serializer.instance = services.program_create(
            criteria=criteria, actor=self.request.user, **fields
        )

    def perform_update(self, serializer):
        changes = dict(serializer.validated_data)
        criteria = changes.pop("criteria", None)
        if criteria is not None:
            criteria = [dict(item) for item in criteria]
        serializer.instance = services.program_update(
            program=serializer.instance, criteria=criteria, actor=self.request.user, **changes
        )

    def get_response_data(self, instance):
        return self.get_serializer(self.get_queryset().get(pk=instance.pk)).data

    def perform_destroy(self, instance):
        services.program_delete(program=instance, actor=self.request.user)

    @extend_schema(responses=RankingRowSerializer(many=True))
    @action(detail=True, methods=["get"], permission_classes=[IsManager], filter_backends=[])
    def ranking(self, request, pk=None):
        """The program's submitted applications, best score first, unreviewed last."""
        program = self.get_object()
        return Response(RankingRowSerializer(program_ranking(program), many=True).data)


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


class ApplicationSerializer(ModelSerializer):
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
            "program",
            "program_name",
            "applicant",
            "startup_name",
            "tax_code",
            "sector",
            "stage",
            "pitch",
            "website",
            "team",
            "requested_desks",
            "attachments",
            "state",
            "submitted_at",
            "decided_at",
            "company",
            "lease",
            "score",
            "version",
            "created_at",
            "updated_at",
        ]
        # The services' own: state through the actions, score from reviews, company and
        # lease at onboarding.
        read_only_fields = [
            "id",
            "applicant",
            "state",
            "submitted_at",
            "decided_at",
            "company",
            "lease",
            "score",
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


class EventSerializer(ModelSerializer):
    class Meta:
        model = ApplicationEvent
        fields = ["from_state", "to_state", "actor", "note", "at"]
        read_only_fields = fields


class AttachmentUploadSerializer(Serializer):
    file = serializers.FileField(help_text=_("A PDF pitch deck, at most 10 MB."))


class PDFRenderer(BaseRenderer):
    """Lets `Accept: application/pdf` through content negotiation; the view streams the file."""

    media_type = "application/pdf"
    format = "pdf"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class ApplicationFilter(filters.FilterSet):
    program = filters.UUIDFilter(field_name="program")
    state = filters.ChoiceFilter(choices=ApplicationState.choices)
    search = filters.CharFilter(
        method="filter_search", label=_("Startup name, tax code or team, accents ignored")
    )

    class Meta:
        model = Application
        fields = ["program", "state"]

    def filter_search(self, queryset, name, value):
        return applications_matching(queryset, value)


class ApplicationViewSet(ModelViewSet):
    """Applications: an applicant's own, a reviewer's assigned ones, every one for managers.

    Never deleted (405): withdraw instead.
    """

    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter
    lookup_value_regex = UUID_PATTERN
    ordering_fields = ["submitted_at", "score", "created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        return applications_visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return ApplicationUpdateSerializer
        return ApplicationSerializer

    def _fresh(self, application) -> Application:
        # The service returns a bare row; read it back as the list shows it (prefetched).
        return applications_visible_to(self.request.user).get(pk=application.pk)

    def _respond(self, application, code=status.HTTP_200_OK) -> Response:
        application = self._fresh(application)
        data = ApplicationSerializer(application, context=self.get_serializer_context()).data
        return Response(data, status=code, headers={"ETag": etag_of(application)})

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.application_create(actor=request.user, **serializer.validated_data)
        return self._respond(application, status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = services.application_update(
            application=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def get_response_data(self, instance):
        return ApplicationSerializer(
            self._fresh(instance), context=self.get_serializer_context()
        ).data

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The applicant submits a complete draft before the program closes."""
        EmptySerializer(data=request.data).is_valid(raise_exception=True)
        application = services.application_submit(application=self.get_object(), actor=request.user)
        return self._respond(application)

    @extend_schema(request=WithdrawSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The applicant withdraws the application (from draft up to waitlisted)."""
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.application_withdraw(
            application=self.get_object(), actor=request.user, **serializer.validated_data
        )
        return self._respond(application)

    @extend_schema(request=TransitionSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the application along the state table; `allowed` on a 409 lists the targets
        the caller's role may request."""
        application = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        application = services.application_transition(
            application=application,
            to=data["to"],
            expected_from=data.get("from"),
            note=data["note"],
            actor=request.user,
        )
        return self._respond(application)

    @extend_schema(request=OnboardSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def onboard(self, request, pk=None):
        """Turn an accepted application into a tenant with desks (all or nothing)."""
        application = self.get_object()
        serializer = OnboardSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.application_onboard(
            application=application,
            start_date=serializer.validated_data["start_date"],
            unit=serializer.validated_data.get("unit"),
            actor=request.user,
        )
        return self._respond(application)

    @extend_schema(request=ConflictSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def conflict(self, request, pk=None):
        """The assigned reviewer declares a conflict of interest and may no longer review."""
        application = self.get_object()
        serializer = ConflictSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.conflict_declare(
            application=application, actor=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def events(self, request, pk=None):
        """The application's moves, oldest first (a plain list)."""
        application = self.get_object()
        return Response(EventSerializer(events_of(application), many=True).data)

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="attachments",
        parser_classes=[MultiPartParser, FormParser],
    )
    def attachments(self, request, pk=None):
        """The applicant attaches a PDF pitch deck to their draft (multipart `file`)."""
        application = self.get_object()
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            application=application, file=serializer.validated_data["file"], actor=request.user
        )
        return Response(
            AttachmentSerializer(attachment, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF")
        }
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=f"attachments/(?P<attachment_id>{UUID_PATTERN})",
        filter_backends=[],
        renderer_classes=[PDFRenderer, JSONRenderer],
    )
    def attachment(self, request, pk=None, attachment_id=None):
        """The pitch deck itself, to the applicant, assigned reviewers and managers."""
        application = self.get_object()  # someone else's application: 404
        attachment = application.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            raise Http404
        response = FileResponse(
            attachment.file.open("rb"),
            content_type="application/pdf",
            filename=attachment.file_name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
