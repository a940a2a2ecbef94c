"""Cached public catalog reads: restaurant list pages, restaurant detail, menu.

What is cached is the serialized, time-independent part. `is_open_now` and `is_paused` depend on
the clock, so they are recomputed on every response from the cached hours, zone and pause fields
(`with_live_flags`); a 30-minute TTL therefore never serves a stale open/paused flag.
`open_now=true` list queries are not cached at all: their result set changes with the clock.
"""

import hashlib
import json
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.utils.urls import remove_query_param, replace_query_param

from foodsys.common import cache
from foodsys.common.exceptions import NotFoundError
from foodsys.tenancy import keys
from menu.api.serializers import MenuCategorySerializer
from menu.selectors import menu_for_restaurant
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


def _tenant_of(restaurant_id: int) -> str | None:
    """The tenant UUID of an active restaurant id; the (immutable) mapping is cached, misses are not."""
    def lookup() -> str | None:
        tenant_id = restaurant_tenant_id(restaurant_id=restaurant_id)
        return str(tenant_id) if tenant_id else None

    return cache.get_or_compute("restaurant_tenant", keys.restaurant_tenant_map_key(restaurant_id), lookup,
                                store_if=lambda tenant_id: tenant_id is not None)


def _active_restaurant(restaurant_id: int) -> Restaurant:
    restaurant = Restaurant.objects.active().filter(id=restaurant_id).first()
    if restaurant is None:
        raise NotFoundError("No such restaurant.")
    return restaurant


def public_restaurant_detail(*, restaurant_id: int) -> dict[str, Any]:
    """Raises NotFoundError for unknown or inactive restaurants."""
    tenant_id = _tenant_of(restaurant_id)
    if tenant_id is None:
        raise NotFoundError("No such restaurant.")
    version = cache.tenant_catalog_version(tenant_id)
    key = keys.restaurant_cache_key(tenant_id, version) if version is not None else None
    data = cache.get_or_compute(
        "restaurant_detail", key, lambda: RestaurantOutputSerializer(_active_restaurant(restaurant_id)).data
    )
    return with_live_flags(data)


def menu_data(restaurant: Restaurant) -> dict[str, Any]:
    categories = menu_for_restaurant(restaurant=restaurant)
    summary = RestaurantOutputSerializer(restaurant).data
    return {
        "restaurant": {field: summary[field] for field in MENU_RESTAURANT_FIELDS},
        "categories": MenuCategorySerializer(categories, many=True).data,
    }


def public_menu(*, restaurant_id: int) -> dict[str, Any]:
    tenant_id = _tenant_of(restaurant_id)
    if tenant_id is None:
        raise NotFoundError("No such restaurant.")
    version = cache.tenant_catalog_version(tenant_id)
    key = keys.menu_cache_key(tenant_id, restaurant_id, version) if version is not None else None
    data = cache.get_or_compute("menu", key, lambda: menu_data(_active_restaurant(restaurant_id)))
    with_live_flags(data["restaurant"])
    return data


def _fingerprint(filters: dict[str, Any], page: str, page_size: int) -> str:
    canonical = json.dumps({
        "city": (filters.get("city") or "").strip().lower(),
        "cuisine": (filters.get("cuisine") or "").strip().lower(),
        "q": (filters.get("q") or "").strip().lower(),
        "page": page, "page_size": page_size,
    }, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def _page_links(request, number: int, num_pages: int, page_param: str) -> dict[str, str | None]:
    url = request.build_absolute_uri()
    previous = None
    if number > 1:
        previous = remove_query_param(url, page_param) if number == 2 else replace_query_param(url, page_param,
                                                                                              number - 1)
    return {"next": replace_query_param(url, page_param, number + 1) if number < num_pages else None,
            "previous": previous}


def public_restaurant_page(*, request, paginator, filters: dict[str, Any]) -> dict[str, Any]:
    """One page `{count, next, previous, results}` of active restaurants matching `filters`."""
    restaurants = restaurant_list(city=filters.get("city"), cuisine=filters.get("cuisine"), q=filters.get("q"))
    now = timezone.now()

    def compute() -> dict[str, Any]:
        candidates = restaurant_open_at(restaurants=restaurants, when=now) if filters.get("open_now") else restaurants
        page = paginator.paginate_queryset(candidates, request)
        return {"count": paginator.page.paginator.count, "number": paginator.page.number,
                "num_pages": paginator.page.paginator.num_pages,
                "results": RestaurantOutputSerializer(page, many=True).data}

    if filters.get("open_now"):
        data = compute()
    else:
        version = cache.restaurant_list_version()
        key = None
        if version is not None:
            page = str(request.query_params.get(paginator.page_query_param, "1"))[:20]
            key = keys.restaurant_list_cache_key(version, _fingerprint(filters, page, paginator.get_page_size(request)))
        data = cache.get_or_compute("restaurant_list", key, compute)
    return {
        "count": data["count"],
        **_page_links(request, data["number"], data["num_pages"], paginator.page_query_param),
        "results": [with_live_flags(row, now) for row in data["results"]],
    }
