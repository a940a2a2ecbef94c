from rest_framework import serializers

from accounts.models import User, UserRole
from accounts.validators import PASSWORD_MAX_LENGTH, phone_validator


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "email_verified", "name", "phone", "role", "is_staff", "date_joined"]
        read_only_fields = fields

    email_verified = serializers.BooleanField(read_only=True)


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


class VerifyEmailSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=512, trim_whitespace=True)
    password = serializers.CharField(max_length=PASSWORD_MAX_LENGTH, trim_whitespace=False, write_only=True,
                                     required=False, allow_blank=True, style={"input_type": "password"},
                                     help_text="The account's password; not needed with the account's bearer token.")


class VerifyEmailResultSerializer(serializers.Serializer):
    email = serializers.EmailField()
    email_verified = serializers.BooleanField()


class VerifyEmailResendResultSerializer(serializers.Serializer):
    sent = serializers.BooleanField()


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


# --- passwords -----------------------------------------------------------------------------------
def _password_field(**kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=PASSWORD_MAX_LENGTH, trim_whitespace=False, write_only=True,
                                 style={"input_type": "password"}, **kwargs)


class PasswordChangeSerializer(serializers.Serializer):
    current_password = _password_field()
    new_password = _password_field()


class PasswordResetRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    new_password = _password_field()


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
