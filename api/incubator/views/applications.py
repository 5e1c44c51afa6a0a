"""`/applications/`: drafts, the applicant's and the managers' moves, onboarding, pitch decks.

Every rule is incubator.services'; these views translate HTTP to service calls.
"""

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from api.base.fields import UUID_PATTERN
from api.base.views import ModelViewSet, etag_of
from api.incubator.filters import ApplicationFilter
from api.incubator.serializers import (
    ApplicationSerializer,
    ApplicationUpdateSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    ConflictSerializer,
    EmptySerializer,
    EventSerializer,
    OnboardSerializer,
    TransitionSerializer,
    WithdrawSerializer,
)
from incubator import services
from incubator.models import Application
from incubator.selectors import (
    APPLICATION_ORDERINGS,
    application_orderings,
    applications_visible_to,
    events_of,
)


class PDFRenderer(BaseRenderer):
    """Lets `Accept: application/pdf` through content negotiation; the view streams the file."""

    media_type = "application/pdf"
    format = "pdf"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class ApplicationViewSet(ModelViewSet):
    """Applications: an applicant's own, a reviewer's assigned ones, every one for managers.

    Never deleted (405): withdraw instead.
    """

    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter
    lookup_value_regex = UUID_PATTERN
    http_method_names = ["get", "post", "patch", "head", "options"]

    @property
    def ordering_fields(self):
        if getattr(self, "swagger_fake_view", False):  # the schema documents every ordering
            return list(APPLICATION_ORDERINGS)
        return application_orderings(self.request.user)  # score is the managers'

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
        data = dict(serializer.validated_data)
        application = services.application_create(
            program=data.pop("program"), data=data, actor=request.user
        )
        return self._respond(application, status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = services.application_update(
            application=serializer.instance, data=serializer.validated_data, actor=self.request.user
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
        """A manager moves the application along the state table (anyone else: 403; the
        applicant submits and withdraws); `allowed` on a 409 lists the targets they may
        request."""
        application = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        application = services.application_move(
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
            company=serializer.validated_data.get("company"),
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
