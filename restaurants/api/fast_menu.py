"""GET /api/restaurants/{id}/menu/ for anonymous JSON clients, without DRF's per-request machinery.

The storefront's hottest read. An anonymous GET that accepts JSON is answered here: the per-IP
limit and the cached body in one Redis round trip (as in RateLimitedAPIMixin), the live flags
spliced in (restaurants.api.public), the same bytes and headers as the DRF action. Everything
else — a bearer token or a session, another method, `?format=`, an Accept that is not JSON —
goes to `RestaurantViewSet.menu`, which stays the documented endpoint and holds the full rules.
"""

from django.http import HttpRequest, HttpResponse

from foodsys.common.api_ratelimit import ip_limit
from foodsys.common.errors import error_response
from foodsys.common.exceptions import NotFoundError, RateLimitedError
from foodsys.common.ratelimit import check_rates
from restaurants.api import public
from restaurants.api.views import RestaurantViewSet

_drf_menu = RestaurantViewSet.as_view({"get": "menu"})
_JSON_ACCEPTS = ("*/*", "application/json", "application/*")
# DRF adds this to every response of the action (the methods of the viewset's detail routes).
_HEADERS = {"Allow": "GET, HEAD, OPTIONS"}


def _accepts_json(accept: str) -> bool:
    """What DRF's negotiation would answer with JSON (its only renderer); anything else goes to DRF."""
    return not accept.strip() or any(part.split(";", 1)[0].strip() in _JSON_ACCEPTS for part in accept.split(","))


def _anonymous_json_get(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return (request.method == "GET" and "HTTP_AUTHORIZATION" not in request.META and "format" not in request.GET
            and not (user is not None and user.is_authenticated)
            and _accepts_json(request.META.get("HTTP_ACCEPT", "")))


def menu(request: HttpRequest, pk: str) -> HttpResponse:
    if not _anonymous_json_get(request):
        return _drf_menu(request, pk=pk)
    restaurant_id = int(pk)
    try:
        prefetched = check_rates(request, [ip_limit()], read=public.menu_cache_reads(restaurant_id=restaurant_id))
        body = public.public_menu_json(restaurant_id=restaurant_id, prefetched=prefetched)
    except RateLimitedError as exc:
        return error_response(429, "rate_limited", exc.message, retry_after=exc.retry_after,
                              headers={"Retry-After": str(exc.retry_after), **_HEADERS})
    except NotFoundError as exc:  # unknown or inactive: an anonymous caller is never one of its members
        return error_response(404, exc.code, exc.message, exc.fields, headers=_HEADERS)
    return HttpResponse(body, content_type="application/json", headers=_HEADERS)
