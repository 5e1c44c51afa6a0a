"""`/programs/`: published ones for everyone, CRUD and the ranking for managers."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from accounts.models import is_manager
from api.base.fields import UUID_PATTERN
from api.base.permissions import IsManager
from api.base.views import ModelViewSet
from api.incubator.filters import ProgramFilter
from api.incubator.serializers import ProgramSerializer, RankingRowSerializer
from incubator import services
from incubator.models import Program
from incubator.selectors import program_ranking, programs_visible_to


class ProgramAccess(BasePermission):
    """Anyone (anonymous too) reads the published programs; managers write and rank."""

    def has_permission(self, request, view):
        if view.action in {"list", "retrieve"}:
            return True
        return bool(request.user and request.user.is_authenticated and is_manager(request.user))


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
        data = dict(serializer.validated_data)
        criteria = [dict(item) for item in data.pop("criteria", [])]
        serializer.instance = services.program_create(
            data=data, criteria=criteria, actor=self.request.user
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        criteria = data.pop("criteria", None)
        if criteria is not None:
            criteria = [dict(item) for item in criteria]
        serializer.instance = services.program_update(
            program=serializer.instance, data=data, criteria=criteria, actor=self.request.user
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
