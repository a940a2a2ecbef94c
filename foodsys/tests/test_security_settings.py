"""Security settings: deploy checks, headers and CSP, HTTPS redirect, CORS, CSRF, no secrets in the tree."""

import hashlib
import json
import re
import subprocess
import sys
from base64 import b64encode
from pathlib import Path

import pytest
from django.core.management.utils import get_random_secret_key
from django.test import Client
from rest_framework.test import APIClient

from foodsys.api_docs import SWAGGER_UI_STYLE_HASH
from foodsys.env import BASE_DIR
from foodsys.settings.parts.security import content_security_policy

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: https:",
    "connect-src": "'self' ws: wss:",
    "frame-ancestors": "'none'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}


def _csp(response) -> dict[str, str]:
    directives = (part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return {d[0]: d[1] if len(d) > 1 else "" for d in directives}


def _production(*args: str, script: str | None = None, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "foodsys.settings.production",
           "SECRET_KEY": get_random_secret_key(), "DEBUG": "false", "SQLITE_PATH": str(tmp_path / "db.sqlite3")}
    command = [sys.executable, "-c", script] if script else [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180)


# --- production transport -------------------------------------------------------------------------
def test_production_settings_pass_the_security_deploy_checks(tmp_path):
    result = _production("check", "--deploy", "--tag", "security", "--fail-level", "WARNING", tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr[-3000:]
    assert "System check identified no issues" in result.stdout


def test_production_settings_pass_every_deploy_check_without_warnings(tmp_path):
    result = _production("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr[-3000:]
    assert "System check identified no issues" in result.stdout


_PRODUCTION_PROBE = """
import json
import django
django.setup()
from django.test import Client
client = Client()
out = {}
for path in ("/healthz", "/readyz", "/metrics", "/accounts/login/", "/api/restaurants/"):
    response = client.get(path)
    out[path] = [response.status_code, response.get("Location")]
secure = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
out["https"] = [secure.status_code, secure.get("Strict-Transport-Security"), secure.get("Content-Security-Policy")]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def production_probe(tmp_path_factory):
    result = _production(script=_PRODUCTION_PROBE, tmp_path=tmp_path_factory.mktemp("production"))
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_redirects_plain_http_to_https(production_probe):
    assert production_probe["/accounts/login/"] == [301, "https://testserver/accounts/login/"]
    assert production_probe["/api/restaurants/"] == [301, "https://testserver/api/restaurants/"]


def test_production_probes_and_scrape_are_exempt_from_the_https_redirect(production_probe):
    assert production_probe["/healthz"][0] == 200
    assert production_probe["/readyz"][0] in (200, 503)  # the probe answers; readiness is not this test's concern
    assert production_probe["/metrics"][0] == 200


def test_production_https_responses_carry_hsts_and_upgrade_insecure_requests(production_probe):
    status, hsts, csp = production_probe["https"]

    assert status == 200
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert "upgrade-insecure-requests" in csp


# --- headers and CSP in every environment ---------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/accounts/login/", "/api/restaurants/", "/admin/login/"])
def test_every_response_carries_the_security_headers_and_the_csp(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert _csp(response) == EXPECTED_CSP


def test_form_action_allows_google_only_when_google_sign_in_is_enabled():
    enabled = content_security_policy(google_enabled=True)["DIRECTIVES"]["form-action"]
    disabled = content_security_policy(google_enabled=False)["DIRECTIVES"]["form-action"]

    assert enabled == ["'self'", "https://accounts.google.com"]
    assert disabled == ["'self'"]


def _inline_code(html: str) -> list[str]:
    """<script> tags without src, and on*= event handler attributes."""
    scripts = [tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag]
    handlers = re.findall(r"<[^>]+\son[a-z]+\s*=", html)
    return scripts + handlers


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/", "/admin/login/", "/api/docs/"])
def test_pages_have_no_inline_scripts(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert _inline_code(response.content.decode()) == []


@pytest.mark.django_db
def test_api_docs_load_swagger_ui_from_this_site_and_allow_only_its_own_inline_style(client):
    response = client.get("/api/docs/")
    html = response.content.decode()
    init_script = client.get("/api/docs/?script=")

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn.jsdelivr.net" not in html
    assert init_script.status_code == 200
    assert init_script["Content-Type"].startswith("application/javascript")
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    hashes = {f"'sha256-{b64encode(hashlib.sha256(style.encode()).digest()).decode()}'" for style in styles}
    assert hashes == {SWAGGER_UI_STYLE_HASH}
    assert _csp(response)["style-src"] == f"'self' {SWAGGER_UI_STYLE_HASH}"
    assert _csp(response)["script-src"] == "'self'"


# --- CORS -----------------------------------------------------------------------------------------
@pytest.fixture
def cors_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    return "https://app.example.com"


@pytest.mark.django_db
def test_cors_allows_a_configured_origin_on_the_api(client, cors_origin):
    response = client.get("/api/restaurants/", headers={"Origin": cors_origin})

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == cors_origin


@pytest.mark.django_db
def test_cors_ignores_a_foreign_origin(client, cors_origin):
    response = client.get("/api/restaurants/", headers={"Origin": "https://evil.example.net"})
    preflight = client.options("/api/restaurants/", headers={
        "Origin": "https://evil.example.net", "Access-Control-Request-Method": "POST"})

    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Origin" not in preflight


@pytest.mark.django_db
def test_cors_headers_are_only_for_the_api(client, cors_origin):
    response = client.get("/accounts/login/", headers={"Origin": cors_origin})

    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


# --- CSRF -----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_login_form_post_without_csrf_token_is_refused(customer):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"username": customer.email, "password": "wrong-password"})

    assert response.status_code == 403


@pytest.mark.django_db
def test_login_form_post_with_csrf_token_is_processed(customer):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value

    response = client.post("/accounts/login/", {"username": customer.email, "password": "wrong-password",
                                                "csrfmiddlewaretoken": token})

    assert response.status_code == 200  # the form again, with its error: CSRF passed


@pytest.mark.django_db
def test_session_authenticated_unsafe_api_call_without_csrf_header_is_403_json(customer):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(customer)

    response = client.post("/api/auth/ws-ticket/")

    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["status"] == 403
    assert "CSRF" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_session_authenticated_unsafe_api_call_with_csrf_header_succeeds(customer):
    client = APIClient(enforce_csrf_checks=True)
    client.get("/accounts/login/")  # sets the csrftoken cookie
    client.force_login(customer)

    response = client.post("/api/auth/ws-ticket/", headers={"X-CSRFToken": client.cookies["csrftoken"].value})

    assert response.status_code == 201


# --- secrets --------------------------------------------------------------------------------------
_SECRET_PATTERNS = re.compile("|".join([
    "-----BEGIN [A-Z ]*PRIVATE " + "KEY-----",
    r"\bAKIA[0-9A-Z]{16}\b",                      # AWS access key id
    r"\bgh[pousr]_[A-Za-z0-9]{36}\b",             # GitHub token
    r"\bxox[abprs]-[A-Za-z0-9-]{10,}",            # Slack token
    r"\bsk_live_[A-Za-z0-9]{16,}",                # Stripe live key
    r"\bAIza[0-9A-Za-z_-]{35}\b",                 # Google API key
]))


def _repository_files() -> list[Path]:
    try:
        listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                                cwd=BASE_DIR, capture_output=True, check=True, timeout=30).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"needs a git checkout to list the repository's files: {exc}")
    return [BASE_DIR / name for name in listed.decode().split("\0") if name]


def test_repository_holds_no_private_keys_or_live_credentials():
    offenders = []
    for path in _repository_files():
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        offenders += [f"{path.relative_to(BASE_DIR)}: {m.group(0)[:12]}..." for m in _SECRET_PATTERNS.finditer(text)]

    assert offenders == []


def test_no_env_file_is_part_of_the_repository():
    names = {path.relative_to(BASE_DIR).as_posix() for path in _repository_files()}

    assert ".env" not in names
    assert ".env.example" in names
