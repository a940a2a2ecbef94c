"""Cached public catalog reads: restaurant list pages, restaurant detail, menu.

What is cached is the rendered, time-independent part, as JSON bytes (`live_json`). `is_open_now`
and `is_paused` depend on the clock, so they are recomputed on every response from the cached
hours, zone and pause fields; a 30-minute TTL therefore never serves a stale open/paused flag.
`open_now=true` list queries are not cached at all: their result set changes with the clock.
A hit costs two cache round trips: the restaurant's tenant, then its version and entry together.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.utils.urls import remove_query_param, replace_query_param

from foodsys.common import cache
from foodsys.common.exceptions import NotFoundError
from foodsys.tenancy import keys
from menu.api.serializers import MenuCategorySerializer
from menu.selectors import menu_for_restaurant
from restaurants.api import live_json
from restaurants.api.serializers import RestaurantOutputSerializer
from restaurants.models import Restaurant
from restaurants.selectors import restaurant_list, restaurant_live_flags, restaurant_open_at, restaurant_tenant_id

MENU_RESTAURANT_FIELDS = ("id", "tenant_id", "name", "currency", "timezone", "opening_hours", "accepting_orders",
                          "paused_until", "delivery_fee", "minimum_order", "tax_rate", "estimated_delivery_minutes")


def with_live_flags(data: dict[str, Any], now=None) -> dict[str, Any]:
    """Overlays the clock-dependent flags on cached restaurant data."""
    data.update(restaurant_live_flags(
        opening_hours=data.get("opening_hours"), timezone=data["timezone"],
        accepting_orders=data["accepting_orders"],
        paused_until=parse_datetime(data["paused_until"]) if data.get("paused_until") else None,
        now=now or timezone.now(),
    ))
    return data


# Restaurant id -> tenant UUID, remembered per process so that a hit needs no lookup round trip.
# Both are immutable and it holds no tenant data, so it cannot go stale; only a database that
# reuses ids (tests) could make it wrong, which building an entry detects (_TenantMismatch).
_known_tenants: dict[int, str] = {}
_KNOWN_TENANTS_MAX = 50_000


class _TenantMismatch(Exception):
    pass


def _tenant_of(restaurant_id: int) -> str | None:
    """The tenant UUID of an active restaurant id; the (immutable) mapping is cached, misses are not."""
    tenant_id = _known_tenants.get(restaurant_id)
    if tenant_id is not None:
        return tenant_id

    def lookup() -> str | None:
        tenant_id = restaurant_tenant_id(restaurant_id=restaurant_id)
        return str(tenant_id) if tenant_id else None

    tenant_id = cache.get_or_compute("restaurant_tenant", keys.restaurant_tenant_map_key(restaurant_id), lookup,
                                     store_if=lambda tenant_id: tenant_id is not None)
    if tenant_id is not None:
        if len(_known_tenants) >= _KNOWN_TENANTS_MAX:
            _known_tenants.clear()
        _known_tenants[restaurant_id] = tenant_id
    return tenant_id


def forget_known_tenants() -> None:
    _known_tenants.clear()


def _active_restaurant(restaurant_id: int, tenant_id: str | None = None) -> Restaurant:
    restaurant = Restaurant.objects.active().filter(id=restaurant_id).first()
    if restaurant is None:
        raise NotFoundError("No such restaurant.")
    if tenant_id is not None and str(restaurant.tenant_id) != tenant_id:
        _known_tenants.pop(restaurant_id, None)
        cache.forget(keys.restaurant_tenant_map_key(restaurant_id))
        raise _TenantMismatch
    return restaurant


def _serve(restaurant_id: int, respond: Callable[[str], bytes]) -> bytes:
    """`respond(tenant_id)`, once more if the remembered tenant turned out wrong."""
    for attempt in (1, 2):
        tenant_id = _tenant_of(restaurant_id)
        if tenant_id is None:
            raise NotFoundError("No such restaurant.")
        try:
            return respond(tenant_id)
        except _TenantMismatch:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _detail_keys(restaurant_id: int, tenant_id: str) -> tuple[str, str]:
    return keys.tenant_version_key(tenant_id), keys.restaurant_body_cache_key(tenant_id)


def _menu_keys(restaurant_id: int, tenant_id: str) -> tuple[str, str]:
    return keys.tenant_version_key(tenant_id), keys.menu_body_cache_key(tenant_id, restaurant_id)


def detail_cache_reads(*, restaurant_id: int) -> list[str]:
    """The keys `public_restaurant_detail_json` reads, when known without a round trip."""
    tenant_id = _known_tenants.get(restaurant_id)
    return list(_detail_keys(restaurant_id, tenant_id)) if tenant_id else []


def menu_cache_reads(*, restaurant_id: int) -> list[str]:
    """The keys `public_menu_json` reads, when known without a round trip."""
    tenant_id = _known_tenants.get(restaurant_id)
    return list(_menu_keys(restaurant_id, tenant_id)) if tenant_id else []


def public_restaurant_detail_json(*, restaurant_id: int, prefetched: dict | None = None) -> bytes:
    """The detail response body; raises NotFoundError for unknown or inactive restaurants."""
    def respond(tenant_id: str) -> bytes:
        def build() -> bytes:
            row = live_json.plain(RestaurantOutputSerializer(_active_restaurant(restaurant_id, tenant_id)).data)
            return live_json.pack({}, [live_json.live_row(row)])

        version_key, entry_key = _detail_keys(restaurant_id, tenant_id)
        payload = cache.get_or_build("restaurant_detail", version_key=version_key, entry_key=entry_key,
                                     build=build, prefetched=prefetched)
        _, (row,) = live_json.unpack(payload)
        return live_json.fill(row, timezone.now())

    return _serve(restaurant_id, respond)


def menu_data(restaurant: Restaurant) -> dict[str, Any]:
    categories = menu_for_restaurant(restaurant=restaurant)
    summary = RestaurantOutputSerializer(restaurant).data
    return {
        "restaurant": {field: summary[field] for field in MENU_RESTAURANT_FIELDS},
        "categories": MenuCategorySerializer(categories, many=True).data,
    }


def _menu_payload(restaurant_id: int, tenant_id: str) -> bytes:
    data = live_json.plain(menu_data(_active_restaurant(restaurant_id, tenant_id)))
    restaurant = {**data["restaurant"], "is_open_now": None, "is_paused": None}  # appended, as with_live_flags
    row = live_json.live_row(restaurant, before=b'{"restaurant":',
                             after=b',"categories":' + live_json.render(data["categories"]) + b"}")
    return live_json.pack({}, [row])


def public_menu_json(*, restaurant_id: int, prefetched: dict | None = None) -> bytes:
    """The menu response body; raises NotFoundError for unknown or inactive restaurants."""
    def respond(tenant_id: str) -> bytes:
        version_key, entry_key = _menu_keys(restaurant_id, tenant_id)
        payload = cache.get_or_build("menu", version_key=version_key, entry_key=entry_key,
                                     build=lambda: _menu_payload(restaurant_id, tenant_id), prefetched=prefetched)
        _, (row,) = live_json.unpack(payload)
        return live_json.fill(row, timezone.now())

    return _serve(restaurant_id, respond)


def _fingerprint(filters: dict[str, Any], page: str, page_size: int) -> str:
    canonical = json.dumps({
        "city": (filters.get("city") or "").strip().lower(),
        "cuisine": (filters.get("cuisine") or "").strip().lower(),
        "q": (filters.get("q") or "").strip().lower(),
        "page": page, "page_size": page_size,
    }, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def _page_links(request, number: int, num_pages: int, page_param: str) -> dict[str, str | None]:
    if num_pages <= 1 and number <= 1:
        return {"next": None, "previous": None}
    url = request.build_absolute_uri()
    previous = None
    if number > 1:
        previous = remove_query_param(url, page_param) if number == 2 else replace_query_param(url, page_param,
                                                                                              number - 1)
    return {"next": replace_query_param(url, page_param, number + 1) if number < num_pages else None,
            "previous": previous}


def _page_key(request, paginator, filters: dict[str, Any]) -> str:
    page = str(request.query_params.get(paginator.page_query_param, "1"))[:20]
    return keys.restaurant_list_page_key(_fingerprint(filters, page, paginator.get_page_size(request)))


def restaurant_page_cache_reads(*, request, paginator, filters: dict[str, Any]) -> list[str]:
    """The keys `public_restaurant_page_json` reads (none for `open_now`, which is not cached)."""
    if filters.get("open_now"):
        return []
    return [keys.RESTAURANT_LIST_VERSION_KEY, _page_key(request, paginator, filters)]


def public_restaurant_page_json(*, request, paginator, filters: dict[str, Any],
                                prefetched: dict | None = None) -> bytes:
    """The body of one page `{count, next, previous, results}` of active restaurants matching `filters`."""
    now = timezone.now()

    def build() -> bytes:
        restaurants = restaurant_list(city=filters.get("city"), cuisine=filters.get("cuisine"), q=filters.get("q"))
        candidates = restaurant_open_at(restaurants=restaurants, when=now) if filters.get("open_now") else restaurants
        page = paginator.paginate_queryset(candidates, request)
        rows = live_json.plain(RestaurantOutputSerializer(page, many=True).data)
        header = {"count": paginator.page.paginator.count, "number": paginator.page.number,
                  "num_pages": paginator.page.paginator.num_pages}
        return live_json.pack(header, [live_json.live_row(row) for row in rows])

    if filters.get("open_now"):
        payload = build()
    else:
        payload = cache.get_or_build("restaurant_list", version_key=keys.RESTAURANT_LIST_VERSION_KEY,
                                     entry_key=_page_key(request, paginator, filters), build=build,
                                     prefetched=prefetched)
    header, rows = live_json.unpack(payload)
    links = _page_links(request, header["number"], header["num_pages"], paginator.page_query_param)
    return b"".join([
        live_json.render({"count": header["count"], **links})[:-1], b',"results":[',
        b",".join(live_json.fill(row, now) for row in rows), b"]}",
    ])
