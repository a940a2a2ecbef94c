from rest_framework import serializers

from accounts.models import User, UserRole
from accounts.validators import PASSWORD_MAX_LENGTH, phone_validator


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "name", "phone", "role", "is_staff", "date_joined"]
        read_only_fields = fields


class UserMembershipSerializer(serializers.Serializer):
    restaurant_id = serializers.IntegerField()
    tenant_id = serializers.UUIDField()
    restaurant_name = serializers.CharField()
    role = serializers.CharField()


class MeSerializer(UserSerializer):
    memberships = UserMembershipSerializer(many=True)

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "memberships"]
        read_only_fields = fields


class RegisterSerializer(serializers.Serializer):
    """Unknown fields (is_staff, is_superuser, ...) are ignored; only these reach the service."""

    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=PASSWORD_MAX_LENGTH, trim_whitespace=False, write_only=True,
                                     style={"input_type": "password"})
    name = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=UserRole.choices, default=UserRole.CUSTOMER)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="",
                                  validators=[phone_validator])


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=1024, trim_whitespace=False, write_only=True,
                                     style={"input_type": "password"})


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=4096)


class GoogleTokenSerializer(serializers.Serializer):
    access_token = serializers.CharField(max_length=4096)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class AuthResultSerializer(TokenPairSerializer):
    user = UserSerializer()


class AuthErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField()


class AuthErrorSerializer(serializers.Serializer):
    """The project-wide error body, for the schema only."""

    error = AuthErrorDetailSerializer()
    status = serializers.IntegerField()
