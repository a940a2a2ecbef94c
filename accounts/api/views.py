"""Thin JWT auth endpoints: validate input, call one service, serialise the result."""

from django.contrib.auth import update_session_auth_hash
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api.serializers import (
    AuthErrorSerializer,
    AuthResultSerializer,
    DetailSerializer,
    GoogleTokenSerializer,
    LoginSerializer,
    MeSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetRequestSerializer,
    RefreshSerializer,
    RegisterSerializer,
    TokenPairSerializer,
    UserMembershipSerializer,
    UserSerializer,
    VerifyEmailResendResultSerializer,
    VerifyEmailResultSerializer,
    VerifyEmailSerializer,
)

TAG = "auth"


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(AuthErrorSerializer, description=description)


def _auth_result(user, tokens: services.TokenPair) -> dict:
    return {"user": UserSerializer(user).data, "access": tokens.access, "refresh": tokens.refresh}


class PublicAuthView(APIView):
    """Token endpoints: no authentication, so a stale Authorization header cannot get in the way."""

    authentication_classes = ()
    permission_classes = (AllowAny,)


class RegisterView(PublicAuthView):
    @extend_schema(tags=[TAG], request=RegisterSerializer, responses={
        201: AuthResultSerializer,
        400: _error("Invalid input, email taken, weak password, role not allowed or a name with bidi controls."),
        429: _error("Too many sign-ups from this IP (RATE_LIMIT_REGISTER); see Retry-After.")})
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(**serializer.validated_data, request=request._request)
        tokens = services.tokens_for_user(user=user)
        return Response(_auth_result(user, tokens), status=status.HTTP_201_CREATED)


class LoginView(PublicAuthView):
    @extend_schema(tags=[TAG], request=LoginSerializer, responses={
        200: AuthResultSerializer, 400: _error("Invalid input."), 401: _error("Wrong email or password."),
        429: _error("Too many failed attempts from this IP or for this email; see Retry-After.")})
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, tokens = services.user_login_tokens(request=request._request, **serializer.validated_data)
        return Response(_auth_result(user, tokens))


class RefreshView(PublicAuthView):
    @extend_schema(tags=[TAG], request=RefreshSerializer, responses={
        200: TokenPairSerializer, 400: _error("Invalid input."),
        401: _error("Refresh token invalid, expired, already used, or its user is inactive.")})
    def post(self, request):
        serializer = RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tokens = services.token_refresh(refresh=serializer.validated_data["refresh"])
        return Response(TokenPairSerializer(tokens).data)


class LogoutView(PublicAuthView):
    @extend_schema(tags=[TAG], request=RefreshSerializer, responses={
        204: OpenApiResponse(description="The refresh token is revoked."), 400: _error("Invalid input."),
        401: _error("Refresh token invalid, expired or already revoked.")})
    def post(self, request):
        serializer = RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_logout(refresh=serializer.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=[TAG], responses={200: MeSerializer, 401: _error("Missing, invalid or expired token.")})
    def get(self, request):
        memberships = UserMembershipSerializer(selectors.user_memberships(request.user), many=True).data
        return Response({**UserSerializer(request.user).data, "memberships": memberships})


class GoogleLoginView(PublicAuthView):
    @extend_schema(tags=[TAG], request=GoogleTokenSerializer, responses={
        200: AuthResultSerializer, 400: _error("Google rejected the token, or its email is not verified."),
        401: _error("The account is disabled."), 404: _error("Google sign-in is not configured."),
        409: _error("An account with this e-mail exists but its address is not verified (email_unverified_account)."),
        429: _error("Too many failed attempts from this IP."), 503: _error("Google could not be reached.")})
    def post(self, request):
        services.google_require_enabled()  # before validation: a disabled feature reads as absent
        serializer = GoogleTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, tokens = services.google_login_tokens(request=request._request, **serializer.validated_data)
        return Response(_auth_result(user, tokens))


# --- e-mail verification -------------------------------------------------------------------------
class VerifyEmailView(APIView):
    """The token from the link in the verification e-mail (the same one the page at the link posts), with the
    account's bearer token or its password. Anyone may call it; a stale Authorization header is a 401."""

    permission_classes = (AllowAny,)

    @extend_schema(tags=[TAG], request=VerifyEmailSerializer, responses={
        200: VerifyEmailResultSerializer,
        400: _error("The token is invalid, expired or already used (token_invalid, token_expired, token_used), "
                    "or the password is missing or wrong (password_required, password_wrong)."),
        401: _error("An invalid or expired bearer token."),
        429: _error("Too many wrong passwords (the login throttle); see Retry-After.")})
    def post(self, request):
        serializer = VerifyEmailSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_email_verify(request=request._request, actor=request.user,
                                          **serializer.validated_data)
        return Response({"email": user.email, "email_verified": user.email_verified})


class VerifyEmailResendView(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=[TAG], request=None, responses={
        202: VerifyEmailResendResultSerializer, 401: _error("Missing, invalid or expired token."),
        409: _error("The e-mail address is already verified."),
        429: _error("Too many verification e-mails for this account (RATE_LIMIT_VERIFY_EMAIL); see Retry-After.")})
    def post(self, request):
        services.email_verification_resend(user=request.user, request=request._request)
        return Response({"sent": True}, status=status.HTTP_202_ACCEPTED)


# --- passwords -----------------------------------------------------------------------------------
PASSWORD_RESET_SENT = "If an account with a password uses this e-mail, a reset link is on its way."


class PasswordChangeView(APIView):
    """Current + new password; every token issued before stops working, a new pair is returned."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=[TAG], request=PasswordChangeSerializer, responses={
        200: TokenPairSerializer, 400: _error("Wrong current password, or a new password the validators refuse."),
        401: _error("Missing, invalid or expired token."),
        429: _error("Too many wrong passwords for this account or IP; see Retry-After.")})
    def post(self, request):
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tokens = services.user_password_change_own(request=request._request, user=request.user,
                                                   **serializer.validated_data)
        if request.auth is None:  # signed in by session: keep this session, end the others
            update_session_auth_hash(request._request, request.user)
        return Response(TokenPairSerializer(tokens).data)


class PasswordResetView(PublicAuthView):
    @extend_schema(tags=[TAG], request=PasswordResetRequestSerializer, responses={
        202: DetailSerializer, 400: _error("Invalid input."),
        429: _error("Too many reset requests from this IP or for this e-mail; see Retry-After.")})
    def post(self, request):
        serializer = PasswordResetRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_password_reset_request(request=request._request, email=serializer.validated_data["email"])
        return Response({"detail": PASSWORD_RESET_SENT}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(PublicAuthView):
    @extend_schema(tags=[TAG], request=PasswordResetConfirmSerializer, responses={
        200: DetailSerializer,
        400: _error("Invalid or used link (uid or token), or a new password the validators refuse.")})
    def post(self, request):
        serializer = PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_password_reset_confirm(**serializer.validated_data)
        return Response({"detail": "The password is changed; sign in with it."})
