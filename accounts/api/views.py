"""Thin JWT auth endpoints: validate input, call one service, serialise the result."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api.serializers import (
    AuthErrorSerializer,
    AuthResultSerializer,
    GoogleTokenSerializer,
    LoginSerializer,
    MeSerializer,
    RefreshSerializer,
    RegisterSerializer,
    TokenPairSerializer,
    UserMembershipSerializer,
    UserSerializer,
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
        201: AuthResultSerializer, 400: _error("Invalid input, email taken, weak password or role not allowed.")})
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(**serializer.validated_data)
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
        429: _error("Too many failed attempts from this IP."), 503: _error("Google could not be reached.")})
    def post(self, request):
        services.google_require_enabled()  # before validation: a disabled feature reads as absent
        serializer = GoogleTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, tokens = services.google_login_tokens(request=request._request, **serializer.validated_data)
        return Response(_auth_result(user, tokens))
