"""What registration, tokens, `me` and `/users/` accept and return.

The writable profile fields are accounts/models.py's tuples.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import USER_MANAGED_WRITABLE, USER_PROFILE_WRITABLE, User
from accounts.roles import GRANTABLE_ROLES, roles_of
from api.base.serializers import ModelSerializer, Serializer


class RolesField(serializers.ListField):
    child = serializers.ChoiceField(choices=sorted(GRANTABLE_ROLES))


class UserSerializer(ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ("id", "email", *USER_MANAGED_WRITABLE, "roles", "version", "date_joined")
        read_only_fields = ("id", "email", "version", "date_joined")

    def get_roles(self, user) -> list[str]:
        return roles_of(user)


class UserWriteSerializer(ModelSerializer):
    """What a manager may change: profile, activity and the grantable roles."""

    roles = RolesField(required=False)

    class Meta:
        model = User
        fields = (*USER_MANAGED_WRITABLE, "roles")


class UserCreateSerializer(ModelSerializer):
    roles = RolesField(required=False, default=list)
    password = serializers.CharField(
        write_only=True, required=False, allow_blank=False, style={"input_type": "password"}
    )
    email = serializers.EmailField()

    class Meta:
        model = User
        fields = ("email", *USER_PROFILE_WRITABLE, "password", "roles")
        extra_kwargs = {"full_name": {"required": True}}  # api.md: POST {email, full_name, ...}


class MeSerializer(ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ("id", "email", *USER_PROFILE_WRITABLE, "roles", "version")
        read_only_fields = ("id", "email", "version")

    def get_roles(self, user) -> list[str]:
        return roles_of(user)


class RegisterSerializer(Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    full_name = serializers.CharField(max_length=200)


class RegisteredSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    token = serializers.CharField()


class TokenRequestSerializer(Serializer):
    username = serializers.CharField(help_text=_("Your email."))
    password = serializers.CharField(style={"input_type": "password"})
