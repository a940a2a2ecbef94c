"""Route discovery, path filling, role clients and leak detection shared by the security suites.

Routes are read from the URL conf (HTTP) and `foodsys.routing.websocket_urlpatterns` (WebSocket),
so an endpoint added anywhere is picked up without touching these tests.
"""

import contextlib
import json
import re
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient
from rest_framework.views import APIView

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
PARAM = re.compile(r"\(\?P<(?P<name>\w+)>")
CONVERTER = re.compile(r"<(?:\w+:)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    template: str  # "/api/menu/items/{item_id}/option-groups/{pk}/"
    methods: tuple[str, ...]  # upper-case
    view: str  # dotted name of the view class


def _regex_template(regex: str) -> str:
    """`^orders/(?P<pk>[^/]+)/$` -> `orders/{pk}/` (balanced parentheses inside groups are skipped)."""
    out, i = [], 0
    regex = regex.removeprefix("^").removesuffix("$")
    while i < len(regex):
        match = PARAM.match(regex, i)
        if match is None:
            out.append(regex[i])
            i += 1
            continue
        depth, j = 1, match.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(regex[j], 0)
            j += 1
        out.append("{" + match["name"] + "}")
        i = j
    return "".join(out).replace("\\", "")


def _template(pattern) -> str:
    text = str(pattern.pattern)
    if text.startswith("^") or "(?P<" in text:
        return _regex_template(text)
    return CONVERTER.sub(lambda m: "{" + m["name"] + "}", text)


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + _template(pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + _template(pattern), pattern


def _methods(callback) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)  # DRF viewset: {"get": "list", ...}
    if actions:
        return tuple(method.upper() for method in HTTP_METHODS if method in actions)
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        return tuple(method.upper() for method in HTTP_METHODS
                     if hasattr(view_class, method) and method in view_class.http_method_names)
    allowed = getattr(callback, "allowed_methods", None)  # function views with @require_http_methods
    return tuple(method.upper() for method in (allowed or ("get",)))


def _dotted(callback) -> str:
    target = getattr(callback, "cls", None) or getattr(callback, "view_class", None) or callback
    return f"{target.__module__}.{target.__qualname__}"


def http_routes(prefix: str = "/api/") -> list[Route]:
    """Every route under `prefix`, one per URL pattern (format-suffix duplicates skipped)."""
    routes = {}
    for template, pattern in _walk(get_resolver().url_patterns):
        template = "/" + template
        if not template.startswith(prefix) or "format" in pattern.pattern.regex.groupindex:
            continue
        routes.setdefault(template, Route(template, _methods(pattern.callback), _dotted(pattern.callback)))
    return sorted(routes.values(), key=lambda route: route.template)


def ws_routes() -> list[str]:
    from foodsys.routing import websocket_urlpatterns

    return sorted("/" + template for template, _ in _walk(websocket_urlpatterns))


def is_drf_view(route: Route) -> bool:
    from django.utils.module_loading import import_string

    try:
        return issubclass(import_string(route.view), APIView)
    except (ImportError, TypeError):
        return False


# --- path parameters -------------------------------------------------------------------------
PK_OWNER_SEGMENT = {  # the literal segment before `{pk}` -> the world object it names
    "restaurants": "restaurant", "orders": "order", "categories": "category", "items": "item",
    "option-groups": "group", "options": "option", "print-devices": "device",
}
NAMED_PARAMS = {"tenant_id": "tenant_id", "item_id": "item", "restaurant_id": "restaurant", "order_id": "order",
                "device_id": "device", "job_id": "job", "zone_id": "zone"}


def path_values(template: str, tenant) -> dict[str, str]:
    """{parameter: value} for every `{parameter}` of the template, from `tenant` (a TenantWorld)."""
    parts = template.split("/")
    values = {}
    for index, part in enumerate(parts):
        match = re.fullmatch(r"\{(\w+)\}", part)
        if not match:
            continue
        name = match[1]
        attr = NAMED_PARAMS.get(name) or (PK_OWNER_SEGMENT.get(parts[index - 1]) if name in ("pk", "id") else None)
        if attr is None:
            raise LookupError(
                f"Don't know which object fills {{{name}}} in {template}: add the segment to PK_OWNER_SEGMENT "
                f"or the parameter to NAMED_PARAMS in tests/security/helpers.py")
        value = getattr(tenant, attr)
        values[name] = str(getattr(value, "pk", value))
    return values


def fill_path(template: str, tenant) -> str:
    """The template with every parameter set to `tenant`'s objects."""
    values = path_values(template, tenant)
    return re.sub(r"\{(\w+)\}", lambda m: values[m[1]], template)


# --- clients ---------------------------------------------------------------------------------
def client_for(user=None, tenant_header: str | None = None) -> APIClient:
    from foodsys.testing.fixtures import bearer_client

    client = bearer_client(user)
    if tenant_header:
        client.defaults["HTTP_X_TENANT_ID"] = tenant_header
    return client


def send(client: APIClient, method: str, path: str, body: Any = None):
    call = getattr(client, method.lower())
    if body is None:
        return call(path)
    return call(path, body, format="json")


# --- leaks -----------------------------------------------------------------------------------
def body_text(response) -> str:
    content = getattr(response, "content", b"") or b""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    return content.decode("utf-8", errors="replace")


def leaked(text: str, forbidden: set[str], request_echo: str = "") -> list[str]:
    """Forbidden strings in `text`, except ones the caller sent itself (echoing input leaks nothing).
    Text is compared with JSON escapes undone, so `\\u00e9` and `\\/` cannot hide a match."""
    with contextlib.suppress(ValueError):
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return sorted(s for s in forbidden if s and s in text and s not in request_echo)


# --- the printed matrix ----------------------------------------------------------------------
MATRIX: dict[tuple[str, str], dict[str, str]] = {}  # (method, route) -> role -> observed ("200", "4403", ...)
MATRIX_ROLES: list[str] = []
COUNTERS: dict[str, int] = {}  # e.g. {"fuzz requests": 1234}


def record(method: str, route: str, role: str, observed: str, ok: bool) -> None:
    MATRIX.setdefault((method, route), {})[role] = observed if ok else f"{observed}!"
    if role not in MATRIX_ROLES:
        MATRIX_ROLES.append(role)


def count(name: str, n: int = 1) -> None:
    COUNTERS[name] = COUNTERS.get(name, 0) + n


def summary_lines() -> list[str]:
    lines = []
    if MATRIX:
        for kind, is_ws in (("HTTP", False), ("WebSocket", True)):
            keys = [key for key in MATRIX if (key[0] == "WS") == is_ws]
            if keys:
                cases = sum(len(MATRIX[key]) for key in keys)
                roles = max(len(MATRIX[key]) for key in keys)
                lines.append(f"isolation matrix, {kind}: {len(keys)} route-methods x {roles} roles = {cases} cases")
        lines.append("cells: observed status or WebSocket close code; ! = unexpected; - = not applicable")
        width = max(len(f"{method} {route}") for method, route in MATRIX)
        cell = max(6, *(len(role) for role in MATRIX_ROLES)) + 1
        lines.append(" " * width + " " + "".join(role.rjust(cell) for role in MATRIX_ROLES))
        for (method, route), row in sorted(MATRIX.items(), key=lambda item: (item[0][1], item[0][0])):
            cells = "".join(row.get(role, "-").rjust(cell) for role in MATRIX_ROLES)
            lines.append(f"{method} {route}".ljust(width) + " " + cells)
    for name, value in sorted(COUNTERS.items()):
        lines.append(f"{name}: {value}")
    return lines
