"""Registration, tokens, `me` and the managers' `/users/`."""

from django.contrib.auth import authenticate
from django.db import connection
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import mixins, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.selectors import users_list
from api.accounts.filters import UserFilter
from api.accounts.serializers import (
    MeSerializer,
    RegisteredSerializer,
    RegisterSerializer,
    TokenRequestSerializer,
    UserCreateSerializer,
    UserSerializer,
    UserWriteSerializer,
)
from api.base.errors import outage_problem
from api.base.permissions import IsManager
from api.base.throttles import FailedLoginLimit, RegisterRateThrottle, RoleRateThrottle
from api.base.views import ETagMixin, GenericViewSet, IdempotentMixin


def _issue_token(user) -> str:
    _instance, token = AuthToken.objects.create(user)
    return token


class RegisterView(IdempotentMixin, APIView):
    """Create an account (a founder, say) and receive its API token."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [RoleRateThrottle, RegisterRateThrottle]

    @extend_schema(
        request=RegisterSerializer, responses={201: RegisteredSerializer}, operation_id="register"
    )
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(**serializer.validated_data)
        body = {"id": str(user.pk), "email": user.email, "token": _issue_token(user)}
        return Response(body, status=status.HTTP_201_CREATED)


class TokenView(IdempotentMixin, APIView):
    """Sign in with the email and password for an API token (POST); revoke the token in use
    (DELETE)."""

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_authenticators(self):
        # Logging in needs no credentials; an old, broken header must not block it.
        # (drf-spectacular calls this before it has set `self.request`.)
        if getattr(self.request, "method", None) == "POST":
            return []
        return super().get_authenticators()

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
        operation_id="token_create",
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"].strip()
        failed_logins = FailedLoginLimit(username)
        failed_logins.check()  # a locked account's password is not even checked: 429
        user = authenticate(
            request, username=username, password=serializer.validated_data["password"]
        )
        if user is None:
            failed_logins.record_failure()
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to log in with those credentials.")]},
                code="invalid_credentials",
            )
        failed_logins.clear()
        return Response({"token": _issue_token(user)})

    @extend_schema(request=None, responses={204: None}, operation_id="token_revoke")
    def delete(self, request):
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(ETagMixin, APIView):
    serializer_class = MeSerializer

    def get_object(self):
        return self.request.user

    def get_serializer(self, *args, **kwargs):
        return MeSerializer(*args, **kwargs)

    def perform_update(self, serializer):
        serializer.instance = services.user_update(
            user=self.request.user, data=serializer.validated_data, actor=self.request.user
        )

    @extend_schema(responses=MeSerializer, operation_id="me_retrieve")
    def get(self, request):
        return self.retrieve(request)

    @extend_schema(request=MeSerializer, responses=MeSerializer, operation_id="me_update")
    def patch(self, request):
        return self.update(request, partial=True)


class UserViewSet(
    ETagMixin,  # first, so that its retrieve and update win over DRF's plain mixins
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    GenericViewSet,
):
    """Accounts, for managers: create reviewers and colleagues, grant and remove roles."""

    permission_classes = [IsManager]
    filterset_class = UserFilter
    ordering_fields = ["email", "full_name", "date_joined"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return users_list()

    def get_serializer_class(self):
        if self.action == "create":
            return UserCreateSerializer
        if self.action in {"update", "partial_update"}:
            return UserWriteSerializer
        return UserSerializer

    @extend_schema(request=UserCreateSerializer, responses={201: UserSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_create(**serializer.validated_data, actor=request.user)
        return Response(self.get_response_data(user), status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        changes = dict(serializer.validated_data)
        roles = changes.pop("roles", None)
        user = serializer.instance
        if changes:
            user = services.user_update(user=user, data=changes, actor=self.request.user)
        if roles is not None:
            user = services.user_set_roles(user=user, roles=roles, actor=self.request.user)
        serializer.instance = user

    def get_response_data(self, user):
        user = users_list().get(pk=user.pk)
        return UserSerializer(user).data


class HealthView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []

    @extend_schema(
        responses={
            200: inline_serializer(
                "Health", {"status": serializers.CharField(), "database": serializers.CharField()}
            ),
            503: OpenApiResponse(description="The database does not answer."),
        },
        operation_id="healthz",
    )
    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as exc:  # any database failure means "not ready", never a 500
            return outage_problem(request, exc, database="unavailable")
        return Response({"status": "ok", "database": "ok"})
