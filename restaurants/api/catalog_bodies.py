"""The public catalog's response bodies: one builder per GET, used by every path that answers it.

    catalog_restaurant_page_body(...)  GET /api/restaurants/
    catalog_restaurant_body(...)       GET /api/restaurants/{id}/
    catalog_menu_body(...)             GET /api/restaurants/{id}/menu/ (the DRF action and the fast path)

Each builder owns the cache, the tenant lookup and who may see what: an active restaurant is public
and cached; an inactive one exists only for its members and admins (`viewer`) and is never cached.
What is cached is the rendered, time-independent part (`live_splice`); `is_open_now` and
`is_paused` are computed for `now` on every response, so a 30-minute TTL never serves a stale flag.
`open_now=true` list queries are not cached at all: their result set changes with the clock. Nor
are free-text `q` searches, or pages without results: anyone can send endless distinct values, and
each would otherwise become an entry (the cached pages are those of real cities, cuisines and pages).

A detail or menu hit costs one Redis round trip once this process knows the restaurant's tenant:
the view names the entry's keys (`*_cache_reads`) and they come back with its rate limits
(`prefetched`). The first read of a restaurant in a process also looks its tenant up.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from rest_framework.utils.urls import remove_query_param, replace_query_param

from foodsys.common import cache
from foodsys.common.exceptions import NotFoundError
from foodsys.common.memo import process_memo
from foodsys.tenancy import keys
from restaurants.api import live_splice
from restaurants.api.serializers import RestaurantOutputSerializer
from restaurants.models import Restaurant
from restaurants.selectors import restaurant_get, restaurant_list, restaurant_open_at, restaurant_tenant_id

# The menu's `restaurant` object, in this order (the spliced fields last).
MENU_RESTAURANT_FIELDS = ("id", "tenant_id", "name", "currency", "timezone", "opening_hours", "accepting_orders",
                          "paused_until", "delivery_fee", "minimum_order", "tax_rate", "estimated_delivery_minutes",
                          *live_splice.SPLICED_FIELDS)

# Restaurant id -> tenant UUID, so that a hit needs no lookup round trip. Both are immutable and it
# holds no tenant data, so it cannot go stale; only a database that reuses ids (tests) could make it
# wrong, which building an entry detects (_TenantMismatch).
_known_tenants = process_memo("restaurant_tenants", max_entries=50_000)


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
        _known_tenants.set(restaurant_id, tenant_id)
    return tenant_id


def _active_restaurant(restaurant_id: int, tenant_id: str) -> Restaurant:
    restaurant = Restaurant.objects.active().filter(id=restaurant_id).first()
    if restaurant is None:
        raise NotFoundError("No such restaurant.")
    if str(restaurant.tenant_id) != tenant_id:
        _known_tenants.pop(restaurant_id)
        cache.forget(keys.restaurant_tenant_map_key(restaurant_id))
        raise _TenantMismatch
    return restaurant


def _cached_entry(name: str, restaurant_id: int, *, entry_key: Callable[[str], str],
                  build: Callable[[Restaurant], bytes], prefetched: dict | None) -> bytes:
    """The active restaurant's entry from the cache (built on a miss); once more if the remembered
    tenant turned out wrong. NotFoundError for unknown or inactive restaurants."""
    def from_cache(tenant_id: str) -> bytes:
        return cache.get_or_build(name, version_key=keys.tenant_version_key(tenant_id),
                                  entry_key=entry_key(tenant_id), prefetched=prefetched,
                                  build=lambda: build(_active_restaurant(restaurant_id, tenant_id)))

    for attempt in (1, 2):
        tenant_id = _tenant_of(restaurant_id)
        if tenant_id is None:
            raise NotFoundError("No such restaurant.")
        try:
            return from_cache(tenant_id)
        except _TenantMismatch:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _entry_for(viewer, name: str, restaurant_id: int, *, entry_key: Callable[[str], str],
               build: Callable[[Restaurant], bytes], prefetched: dict | None) -> bytes:
    try:
        return _cached_entry(name, restaurant_id, entry_key=entry_key, build=build, prefetched=prefetched)
    except NotFoundError:
        if not (viewer is not None and viewer.is_authenticated):  # the public never sees an inactive one
            raise
    # An inactive restaurant, for its members and admins only (restaurant_get decides); never cached.
    return build(restaurant_get(restaurant_id=restaurant_id, user=viewer))


def _menu_entry_key(restaurant_id: int) -> Callable[[str], str]:
    return lambda tenant_id: keys.menu_body_cache_key(tenant_id, restaurant_id)


def _restaurant_entry(restaurant: Restaurant) -> bytes:
    row = live_splice.json_ready(RestaurantOutputSerializer(restaurant).data)
    return live_splice.encode_entry({}, [live_splice.split_row(row)])


# The menu body's `categories` come from the menu app, which sits above restaurants in the layers:
# it registers its builder in MenuConfig.ready(), so this module imports no menu code.
_menu_categories: Callable[[Restaurant], list] | None = None


def register_menu_categories(build: Callable[[Restaurant], list]) -> None:
    """`build(restaurant)` -> the serialized categories of its public menu (called once, at app start)."""
    global _menu_categories
    _menu_categories = build


def _menu_entry(restaurant: Restaurant) -> bytes:
    if _menu_categories is None:
        raise RuntimeError("no menu categories builder registered (is the menu app installed?)")
    categories = _menu_categories(restaurant)
    summary = RestaurantOutputSerializer(restaurant).data
    data = live_splice.json_ready({"restaurant": {field: summary[field] for field in MENU_RESTAURANT_FIELDS},
                                   "categories": categories})
    row = live_splice.split_row(data["restaurant"], before=b'{"restaurant":',
                                after=b',"categories":' + live_splice.render(data["categories"]) + b"}")
    return live_splice.encode_entry({}, [row])


def _one_row_body(payload: bytes, now: datetime) -> bytes:
    _, (row,) = live_splice.decode_entry(payload)
    return live_splice.render_row(row, now)


# --- detail and menu -------------------------------------------------------------------------
def restaurant_cache_reads(*, restaurant_id: int) -> list[str]:
    """The keys `catalog_restaurant_body` reads, when known without a round trip."""
    tenant_id = _known_tenants.get(restaurant_id)
    return [keys.tenant_version_key(tenant_id), keys.restaurant_body_cache_key(tenant_id)] if tenant_id else []


def menu_cache_reads(*, restaurant_id: int) -> list[str]:
    """The keys `catalog_menu_body` reads, when known without a round trip."""
    tenant_id = _known_tenants.get(restaurant_id)
    return [keys.tenant_version_key(tenant_id), keys.menu_body_cache_key(tenant_id, restaurant_id)] if tenant_id else []


def catalog_restaurant_body(*, restaurant_id: int, viewer, now: datetime, prefetched: dict | None = None) -> bytes:
    """The restaurant as `viewer` (a user, or None) may see it; NotFoundError when they may not."""
    payload = _entry_for(viewer, "restaurant_detail", restaurant_id, entry_key=keys.restaurant_body_cache_key,
                         build=_restaurant_entry, prefetched=prefetched)
    return _one_row_body(payload, now)


def catalog_menu_body(*, restaurant_id: int, viewer, now: datetime, prefetched: dict | None = None) -> bytes:
    """`{"restaurant": {...}, "categories": [...]}` as `viewer` (a user, or None) may see it;
    NotFoundError when they may not."""
    payload = _entry_for(viewer, "menu", restaurant_id, entry_key=_menu_entry_key(restaurant_id),
                         build=_menu_entry, prefetched=prefetched)
    return _one_row_body(payload, now)


# --- list pages ------------------------------------------------------------------------------
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
    page = str(int(page)) if page.isdigit() else page  # "007" is page 7, not another entry
    return keys.restaurant_list_page_key(_fingerprint(filters, page, paginator.get_page_size(request)))


def _list_cached(filters: dict[str, Any]) -> bool:
    """Whether this list query is cached: not `open_now` (the clock) nor a free-text `q` search."""
    return not filters.get("open_now") and not (filters.get("q") or "").strip()


def _has_results(payload: bytes) -> bool:
    return json.loads(payload.partition(b"\n")[0])["count"] > 0  # the entry's header line


def restaurant_page_cache_reads(*, request, paginator, filters: dict[str, Any]) -> list[str]:
    """The keys `catalog_restaurant_page_body` reads (none for queries that are not cached)."""
    if not _list_cached(filters):
        return []
    return [keys.RESTAURANT_LIST_VERSION_KEY, _page_key(request, paginator, filters)]


def catalog_restaurant_page_body(*, request, paginator, filters: dict[str, Any], now: datetime,
                                 prefetched: dict | None = None) -> bytes:
    """One page `{count, next, previous, results}` of the active restaurants matching `filters`."""
    def build() -> bytes:
        restaurants = restaurant_list(city=filters.get("city"), cuisine=filters.get("cuisine"), q=filters.get("q"))
        candidates = restaurant_open_at(restaurants=restaurants, when=now) if filters.get("open_now") else restaurants
        page = paginator.paginate_queryset(candidates, request)
        rows = live_splice.json_ready(RestaurantOutputSerializer(page, many=True).data)
        header = {"count": paginator.page.paginator.count, "number": paginator.page.number,
                  "num_pages": paginator.page.paginator.num_pages}
        return live_splice.encode_entry(header, [live_splice.split_row(row) for row in rows])

    if not _list_cached(filters):
        payload = build()
    else:
        payload = cache.get_or_build("restaurant_list", version_key=keys.RESTAURANT_LIST_VERSION_KEY,
                                     entry_key=_page_key(request, paginator, filters), build=build,
                                     prefetched=prefetched, store_if=_has_results)
    header, rows = live_splice.decode_entry(payload)
    links = _page_links(request, header["number"], header["num_pages"], paginator.page_query_param)
    return b"".join([
        live_splice.render({"count": header["count"], **links})[:-1], b',"results":[',
        b",".join(live_splice.render_row(row, now) for row in rows), b"]}",
    ])
