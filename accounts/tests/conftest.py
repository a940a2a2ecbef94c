"""Fixtures for the accounts tests: a fake Google at the HTTP edge, and Google sign-in switched on."""

import json
import time
from types import SimpleNamespace

import pytest
import requests

GOOGLE_USERINFO_URL = "https://www.googleapis.com/oauth2/v3/userinfo"
GOOGLE_TOKEN_URL = "https://accounts.google.com/o/oauth2/token"
GOOGLE_TOKENINFO_URL = "https://oauth2.googleapis.com/tokeninfo"
OUR_CLIENT_ID = "test-client-id.apps.googleusercontent.com"


def _json_response(status: int, payload: dict, url: str) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(payload).encode()
    response.headers["Content-Type"] = "application/json"
    response.url = url
    return response


class FakeGoogle:
    """Answers the two Google endpoints social-auth calls; any other outgoing HTTP call fails the test."""

    def __init__(self):
        self.profiles: dict[str, dict] = {}  # access token -> userinfo
        self.codes: dict[str, str] = {}  # authorization code -> access token
        self.audiences: dict[str, str] = {}  # access token -> client id it was issued to
        self.calls: list[tuple[str, str]] = []

    def add_account(self, access_token: str, *, email: str, sub: str = "1001", name: str = "Grace Hopper",
                    email_verified: bool = True, code: str | None = None, audience: str = OUR_CLIENT_ID) -> None:
        self.audiences[access_token] = audience
        given, _, family = name.partition(" ")
        self.profiles[access_token] = {"sub": sub, "email": email, "email_verified": email_verified, "name": name,
                                       "given_name": given, "family_name": family}
        if code:
            self.codes[code] = access_token

    def __call__(self, method, url, headers=None, data=None, **kwargs):
        self.calls.append((method, url))
        if url == GOOGLE_USERINFO_URL:
            token = (headers or {}).get("Authorization", "").removeprefix("Bearer ")
            if token not in self.profiles:
                return _json_response(401, {"error": "invalid_request", "error_description": "Invalid Credentials"},
                                      url)
            return _json_response(200, self.profiles[token], url)
        if url == GOOGLE_TOKENINFO_URL:
            token = (kwargs.get("params") or {}).get("access_token")
            if token not in self.audiences:
                return _json_response(400, {"error": "invalid_token"}, url)
            return _json_response(200, {"aud": self.audiences[token], "azp": self.audiences[token]}, url)
        if url == GOOGLE_TOKEN_URL and method == "POST":
            token = self.codes.get((data or {}).get("code"))
            if token is None:
                return _json_response(400, {"error": "invalid_grant", "error_description": "Bad Request"}, url)
            return _json_response(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3599}, url)
        raise AssertionError(f"unexpected outgoing HTTP call: {method} {url}")


@pytest.fixture
def fake_google(monkeypatch) -> FakeGoogle:
    google = FakeGoogle()
    monkeypatch.setattr("social_core.backends.base.requests.request", google)
    return google


@pytest.fixture
def google_on(settings, fake_google) -> FakeGoogle:
    """Google sign-in as it is with GOOGLE_OAUTH2_KEY/SECRET set (settings are read once at start-up)."""
    settings.GOOGLE_OAUTH2_ENABLED = True
    settings.SOCIAL_AUTH_GOOGLE_OAUTH2_KEY = OUR_CLIENT_ID
    settings.SOCIAL_AUTH_GOOGLE_OAUTH2_SECRET = "test-client-secret"
    settings.AUTHENTICATION_BACKENDS = [
        "accounts.backends.LoginThrottleBackend",
        "social_core.backends.google.GoogleOAuth2",
        "django.contrib.auth.backends.ModelBackend",
    ]
    return fake_google


@pytest.fixture(autouse=True)
def _steady_ratelimit_clock(monkeypatch):
    """Rate limits count in fixed windows; one clock reading per test keeps a window edge from
    falling between a test's attempts (the counters still expire in the cache as usual)."""
    now = time.time()
    monkeypatch.setattr("foodsys.common.ratelimit.time", SimpleNamespace(time=lambda: now))
