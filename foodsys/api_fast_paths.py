"""Fast paths: router routes whose anonymous JSON GETs skip DRF's per-request machinery.

A fast path only dispatches. An anonymous GET that DRF would answer with JSON goes to the route's
`answer(request, **url_kwargs) -> bytes`, which calls the same rate limits and body builder as the
DRF action; anything else (a token, a session, another method, `?format=`, another Accept) goes
to the router's own view, unchanged. Errors go through the one renderer (`errors.json_error`), and
every response carries the Allow header DRF gives the route. The route itself stays the router's:
one URL pattern, its name and its view class (schema, tenancy guard) as before.
Declared in foodsys/api_router.py. Imports no app.
"""

import functools
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern
from rest_framework.renderers import JSONRenderer

from foodsys.common.errors import json_error
from foodsys.common.exceptions import ApplicationError

Answer = Callable[..., bytes]
_JSON_ACCEPTS = ("*/*", "application/json", "application/*")


def is_anonymous_json_get(request: HttpRequest) -> bool:
    """No credentials, and an Accept that DRF's negotiation answers with JSON (its only renderer)."""
    user = getattr(request, "user", None)
    accept = request.META.get("HTTP_ACCEPT", "")
    return (request.method == "GET" and "HTTP_AUTHORIZATION" not in request.META and "format" not in request.GET
            and not (user is not None and user.is_authenticated)
            and (not accept.strip()
                 or any(part.split(";", 1)[0].strip() in _JSON_ACCEPTS for part in accept.split(","))))


def allow_header(drf_view) -> str:
    """The Allow header of a router view: its actions bound as ViewSetMixin.as_view binds them
    (HEAD follows GET), then DRF's own `allowed_methods`."""
    view = drf_view.cls(**drf_view.initkwargs)
    actions = dict(drf_view.actions)
    if "get" in actions:
        actions.setdefault("head", actions["get"])
    for method, action in actions.items():
        setattr(view, method, getattr(view, action))
    return ", ".join(view.allowed_methods)


def fast_path(pattern: URLPattern, answer: Answer) -> URLPattern:
    drf_view = pattern.callback
    if list(drf_view.cls.renderer_classes) != [JSONRenderer]:
        raise ImproperlyConfigured(f"{pattern.name}: a fast path answers JSON only, so DRF must render JSON only")
    headers = {"Allow": allow_header(drf_view)}

    @functools.wraps(drf_view)  # keeps cls, actions, initkwargs and csrf_exempt for the URL conf's readers
    def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if args or not is_anonymous_json_get(request):
            return drf_view(request, *args, **kwargs)
        try:
            body = answer(request, **kwargs)
        except ApplicationError as exc:
            return json_error(exc, headers=headers)
        return HttpResponse(body, content_type="application/json", headers=headers)

    return URLPattern(pattern.pattern, view, pattern.default_args, pattern.name)


def with_fast_paths(patterns: list, answers: dict[str, Answer]) -> list:
    """`patterns` (a router's), with the routes named in `answers` given their fast path and moved to
    the front, so that resolving them tries no other pattern first (a router's routes never overlap:
    each is its prefix plus its own suffix). Their `?format`/`.json` variants stay where they were."""
    missing = set(answers) - {getattr(p, "name", None) for p in patterns}
    if missing:
        raise ImproperlyConfigured(f"fast paths for routes the router does not have: {sorted(missing)}")

    def is_fast(p) -> bool:
        return isinstance(p, URLPattern) and p.name in answers and "format" not in p.pattern.regex.groupindex

    return [fast_path(p, answers[p.name]) for p in patterns if is_fast(p)] + [p for p in patterns if not is_fast(p)]
