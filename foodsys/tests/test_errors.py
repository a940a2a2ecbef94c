"""The one error renderer: every error source answers {"error": {"code", "message", "fields"}, "status"}."""

import json
import re
import time
import uuid
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404
from django.test import RequestFactory
from django.urls import URLResolver, get_resolver, resolve
from django_ratelimit.exceptions import Ratelimited
from rest_framework import exceptions as drf
from rest_framework.test import APIClient

from foodsys.common.errors import flatten_fields, render
from foodsys.common.exception_handler import ratelimited_view
from foodsys.common.exceptions import ApplicationError, ConflictError, RateLimitedError
from foodsys.testing import factories as f
from foodsys.testing.fixtures import bearer_client
from orders.tests.helpers import order_payload

pytestmark = pytest.mark.django_db

FLAT_PATH = re.compile(r"^[A-Za-z_][\w-]*(\[\d+\])*(\.[A-Za-z_]\w*(\[\d+\])*)*$")


def assert_error_shape(response, status: int | None = None, code: str | None = None) -> dict:
    """The one shape, with the headers its status promises."""
    assert response["Content-Type"].startswith("application/json"), (response.status_code, response.content[:200])
    body = json.loads(response.content)
    assert set(body) == {"error", "status"}, body
    assert body["status"] == response.status_code, body
    error = body["error"]
    assert {"code", "message", "fields"} <= set(error), body
    assert isinstance(error["code"], str) and error["code"] and isinstance(error["message"], str), body
    assert isinstance(error["fields"], dict), body
    for path, messages in error["fields"].items():
        assert FLAT_PATH.match(path), f"{path!r} is not a flat field path"
        assert isinstance(messages, list) and all(isinstance(m, str) for m in messages), body
    if response.status_code in (429, 503):
        assert int(response["Retry-After"]) >= 1
    if response.status_code == 405:
        assert response.has_header("Allow")
    if status is not None:
        assert response.status_code == status, body
    if code is not None:
        assert error["code"] == code, body
    return error


@pytest.fixture
def steady_clock(monkeypatch):
    """Pins the clock the rate limits and the renderer read (17 s into a minute)."""
    now = (int(time.time()) // 60) * 60 + 17.0
    clock = SimpleNamespace(time=lambda: now)
    monkeypatch.setattr("foodsys.common.ratelimit.time", clock)
    monkeypatch.setattr("foodsys.common.errors.time", clock)
    return now


# --- the mapping -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("exc", "status", "code"), [
    (ApplicationError("Bad.", code="invalid_thing"), 400, "invalid_thing"),
    (ConflictError("Busy."), 409, "conflict"),
    (drf.ValidationError({"name": ["Required."]}), 400, "validation_error"),
    (drf.NotAuthenticated(), 401, "not_authenticated"),
    (drf.AuthenticationFailed(), 401, "authentication_failed"),
    (drf.PermissionDenied(), 403, "permission_denied"),
    (drf.NotFound(), 404, "not_found"),
    (drf.MethodNotAllowed("DELETE"), 405, "method_not_allowed"),
    (drf.NotAcceptable(), 406, "not_acceptable"),
    (drf.UnsupportedMediaType("text/csv"), 415, "unsupported_media_type"),
    (drf.ParseError(), 400, "parse_error"),
    (drf.Throttled(wait=12.2), 429, "rate_limited"),
    (RateLimitedError(retry_after=7), 429, "rate_limited"),
    (Ratelimited(), 429, "rate_limited"),
    (Http404(), 404, "not_found"),
    (PermissionDenied(), 403, "permission_denied"),
    (DjangoValidationError({"email": ["Taken."]}), 400, "validation_error"),
    (RequestDataTooBig(), 413, "payload_too_large"),
    (SuspiciousOperation(), 400, "bad_request"),
    (OperationalError("gone"), 503, "service_unavailable"),
    (InterfaceError("closed"), 503, "service_unavailable"),
    (IntegrityError("duplicate key"), 500, "server_error"),
    (DataError("value too long"), 500, "server_error"),
    (KeyError("surprise"), 500, "server_error"),
])
def test_every_exception_type_is_rendered_in_the_one_shape(exc, status, code):
    rendered = render(exc)

    assert rendered.status == status
    assert rendered.body["status"] == status and rendered.body["error"]["code"] == code
    assert set(rendered.body["error"]) >= {"code", "message", "fields"}


def test_429_and_503_carry_retry_after_and_401_its_challenge():
    challenge = drf.NotAuthenticated()
    challenge.auth_header = 'Bearer realm="api"'  # DRF's APIView sets it from the first authenticator

    assert render(RateLimitedError(retry_after=7)).headers == {"Retry-After": "7"}
    assert render(drf.Throttled(wait=12.2)).headers == {"Retry-After": "13"}
    assert render(OperationalError("gone")).headers == {"Retry-After": "5"}
    assert render(challenge).headers == {"WWW-Authenticate": 'Bearer realm="api"'}
    assert render(RateLimitedError(retry_after=7)).body["error"]["retry_after"] == 7


def test_database_errors_follow_one_rule_in_views_and_middleware(monkeypatch, restaurant):
    """Unreachable database (OperationalError, InterfaceError) -> 503; any other DatabaseError -> 500,
    whether it escapes a DRF view or a middleware (the middleware used to answer 503 for both)."""
    client = APIClient(raise_request_exception=False)
    header = {"HTTP_X_TENANT_ID": str(restaurant.tenant_id)}
    for error, status in ((OperationalError("gone"), 503), (IntegrityError("duplicate"), 500)):
        def fail(*args, error=error, **kwargs):
            raise error

        monkeypatch.setattr("foodsys.tenancy.middleware.resolve_tenant", fail)
        assert_error_shape(client.get("/api/orders/", **header), status)
        monkeypatch.undo()

        monkeypatch.setattr("foodsys.common.api_ratelimit.RateLimitedAPIMixin.initial", fail)
        assert_error_shape(client.get("/api/restaurants/"), status)
        monkeypatch.undo()


def test_a_database_error_in_a_plain_api_view_follows_the_same_rule(rf):
    from foodsys.common.middleware import ApiErrorMiddleware

    middleware = ApiErrorMiddleware(lambda request: None)
    request = rf.get("/api/anything/")

    assert middleware.process_exception(request, IntegrityError("duplicate")).status_code == 500
    assert middleware.process_exception(request, OperationalError("gone")).status_code == 503


# --- one field-path format ---------------------------------------------------------------------------

def test_nested_errors_flatten_to_one_path_format():
    nested = {"options": {1: {"name": ["Required."]}}, "items": [{}, {"quantity": ["Too many."]}],
              "address": {"city": ["Required."]}, "non_field_errors": ["Bad."], "lines": {"0": ["Bad line."]}}

    assert flatten_fields(nested) == {"options[1].name": ["Required."], "items[1].quantity": ["Too many."],
                                      "address.city": ["Required."], "non_field_errors": ["Bad."],
                                      "lines[0]": ["Bad line."]}
    assert flatten_fields({"items[0].quantity": ["Must be 1 to 50."]}) == {"items[0].quantity": ["Must be 1 to 50."]}


def test_option_group_validation_uses_the_flat_path_format(owner_client, menu_item):
    """Option groups used to answer {"options": {"0": {"name": [...]}}} where orders said items[0].quantity."""
    response = owner_client.post(f"/api/menu/items/{menu_item.id}/option-groups/",
                                 {"name": "Size", "options": [{"name": "S"}, {"price_delta": "1.00"}]}, format="json")

    error = assert_error_shape(response, 400, "validation_error")
    assert "options[1].name" in error["fields"]
    assert error["message"].startswith("options[1].name: ")


def test_order_validation_uses_the_same_path_format(customer_client, restaurant, menu_item):
    response = customer_client.post("/api/orders/", order_payload(restaurant, (menu_item, 0)), format="json")

    error = assert_error_shape(response, 400)
    assert any(path.startswith("items[0].") for path in error["fields"]), error


# --- validation in each app --------------------------------------------------------------------------

def test_accounts_register_validation(api_client):
    response = api_client.post("/api/auth/register/", {"email": "not-an-email", "password": "x"}, format="json")

    assert "email" in assert_error_shape(response, 400, "validation_error")["fields"]


def test_restaurants_create_validation(admin_client_api):
    response = admin_client_api.post("/api/restaurants/", {"name": ""}, format="json")

    assert "name" in assert_error_shape(response, 400)["fields"]


def test_menu_item_create_validation(owner_client, menu_item):
    response = owner_client.post("/api/menu/items/", {"name": "Soup", "category": menu_item.category_id,
                                                      "price": "-1"}, format="json")

    assert "price" in assert_error_shape(response, 400)["fields"]


# --- statuses ----------------------------------------------------------------------------------------

def test_401_carries_www_authenticate(api_client):
    response = api_client.get("/api/auth/me/")

    assert_error_shape(response, 401)
    assert response.has_header("WWW-Authenticate")


def test_a_bad_token_is_401_in_the_shape(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert_error_shape(api_client.get("/api/auth/me/"), 401)


def test_403_404_405(customer_client, admin_client_api, other_restaurant, owner_client):
    assert_error_shape(customer_client.get("/api/menu/items/"), 403)
    assert_error_shape(owner_client.get(f"/api/menu/categories/{f.CategoryFactory(tenant=other_restaurant).id}/"),
                       404)
    response = admin_client_api.delete("/api/orders/")
    assert_error_shape(response, 405, "method_not_allowed")
    assert "POST" in response["Allow"]


def test_409(owner_client, menu_item):
    response = owner_client.delete(f"/api/menu/categories/{menu_item.category_id}/")

    assert_error_shape(response, 409, "category_not_empty")


def test_429_carries_the_real_retry_after(settings, api_client, restaurant, steady_clock):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_ip": "1/h"}
    api_client.get("/api/restaurants/")

    response = api_client.get("/api/restaurants/")

    error = assert_error_shape(response, 429, "rate_limited")
    assert error["retry_after"] == int(response["Retry-After"])


def test_ratelimited_from_django_ratelimits_decorator_is_not_a_constant_60(steady_clock):
    """RATELIMIT_VIEW used to answer Retry-After: 60 whatever the window."""
    response = ratelimited_view(RequestFactory().get("/api/x/"), Ratelimited())

    assert_error_shape(response, 429, "rate_limited")
    assert response["Retry-After"] == "43"  # the minute window pinned 17 s in ends in 43 s


def test_503_when_the_database_is_unreachable(monkeypatch, api_client, restaurant):
    def gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("foodsys.common.api_ratelimit.RateLimitedAPIMixin.initial", gone)

    response = api_client.get("/api/restaurants/")

    assert_error_shape(response, 503, "service_unavailable")
    assert response["Retry-After"] == "5"


# --- middleware-level errors -------------------------------------------------------------------------

@pytest.mark.parametrize(("header", "status", "code"), [
    ("not-a-uuid", 400, "invalid_tenant_header"),
    (str(uuid.uuid4()), 404, "tenant_not_found"),
])
def test_tenant_header_errors_from_the_middleware(api_client, restaurant, header, status, code):
    assert_error_shape(api_client.get("/api/orders/", HTTP_X_TENANT_ID=header), status, code)


def test_tenant_header_of_a_tenant_one_is_not_a_member_of(customer_client, restaurant):
    assert_error_shape(customer_client.get("/api/orders/", HTTP_X_TENANT_ID=str(restaurant.tenant_id)), 403,
                       "not_a_member")


def test_the_tenant_middleware_keeps_fields_and_extra(monkeypatch, api_client):
    """TenantMiddleware used to render only status, code and message."""
    def refuse(**kwargs):
        raise ApplicationError("X-Tenant-ID: bad.", code="invalid_tenant_header",
                               fields={"X-Tenant-ID": ["Not a tenant UUID."]}, extra={"hint": "uuid"})

    monkeypatch.setattr("foodsys.tenancy.middleware.resolve_tenant", refuse)

    error = assert_error_shape(api_client.get("/api/orders/"), 400)

    assert error["fields"] == {"X-Tenant-ID": ["Not a tenant UUID."]} and error["hint"] == "uuid"


def test_the_url_resolvers_404_under_api(api_client):
    error = assert_error_shape(api_client.get("/api/no/such/endpoint/"), 404, "not_found")

    assert "/api/no/such/endpoint/" in error["message"]


def test_an_oversized_body_is_413(settings, owner_client):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = owner_client.post("/api/menu/items/", {"name": "x" * 5000}, format="json")

    assert_error_shape(response, 413, "payload_too_large")


def test_metrics_refusal_is_in_the_shape(client):
    response = client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert_error_shape(response, 403, "forbidden")


# --- every /api/ route, so a new endpoint can't bypass the renderer ----------------------------------

_SAMPLES = {"pk": "1", "item_id": "1", "restaurant_id": "1", "tenant_id": str(uuid.UUID(int=1)), "format": "json",
            "device_id": "1", "job_id": str(uuid.UUID(int=2)), "order_id": str(uuid.UUID(int=3)), "zone_id": "1"}
_ROUTE_SAMPLES = {**_SAMPLES, "format": ".json"}  # path()'s drf_format_suffix converter includes the dot


def _api_routes() -> list[tuple[str, object]]:
    """(sample path, URLPattern) of every route under /api/, from the live URL conf."""
    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern

    routes = []
    for route, pattern in walk(get_resolver().url_patterns, ""):
        if not route.startswith("api/"):
            continue
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: _SAMPLES.get(m.group(1), "x"), route)  # regex routes
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: _ROUTE_SAMPLES.get(m.group(1), "x"), path)  # path() routes
        path = "/" + path.replace("^", "").replace("$", "").replace("/?", "/").replace("\\.", ".")
        routes.append((path, pattern))
    return routes


def _answered_by(path: str, pattern) -> bool:
    """False for a format-suffix path that its sibling route (the same view) resolves first."""
    return resolve(path).route.endswith(str(pattern.pattern).lstrip("^"))


API_ROUTES = _api_routes()


def test_the_route_walk_sees_every_api_route():
    names = {pattern.name for _, pattern in API_ROUTES}

    assert len(API_ROUTES) > 20 and {"order-list", "auth-register", "restaurant-menu", "schema"} <= names
    assert sum(_answered_by(path, pattern) for path, pattern in API_ROUTES) > len(API_ROUTES) // 2
    for path, pattern in API_ROUTES:
        resolved = resolve(path).func  # a format-suffix path may resolve to its sibling route, of the same view
        assert resolved is pattern.callback or getattr(resolved, "cls", None) is pattern.callback.cls, path


def _explode(*args, **kwargs):
    raise RuntimeError("unexpected")


@pytest.mark.parametrize(("path", "pattern"), API_ROUTES, ids=[path for path, _ in API_ROUTES])
def test_every_api_route_answers_errors_in_the_one_shape(monkeypatch, path, pattern, admin_user, restaurant):
    client = bearer_client(admin_user)
    client.raise_request_exception = False

    # an anonymous read (the fast paths answer some), a method no route handles, a body that is not JSON
    anonymous = APIClient(raise_request_exception=False).get(path)
    if anonymous.status_code >= 400:
        assert_error_shape(anonymous)
    assert_error_shape(client.generic("TRACE", path))
    response = client.generic("POST", path, "{not json", content_type="application/json")
    if response.status_code >= 400:
        assert_error_shape(response)

    # an unexpected exception inside DRF's handling of the request
    view_class = getattr(pattern.callback, "cls", None)
    if view_class is not None:
        monkeypatch.setattr(view_class, "initial", _explode)
        assert_error_shape(client.get(path), 500, "server_error")
        monkeypatch.undo()

    # an unexpected exception in the view itself, whatever kind of view it is
    if _answered_by(path, pattern):
        monkeypatch.setattr(pattern, "callback", _explode)
        assert_error_shape(client.get(path), 500, "server_error")
