"""GET /api/restaurants/: free-text `q` searches, and other queries without results, add no cache entries
(anyone can send endless distinct values); lists of real cities and cuisines are still cached."""

import uuid

import pytest
from django.core.cache import caches
from django_redis.cache import RedisCache

from foodsys.common.ratelimit import COUNTER_PREFIX
from foodsys.testing import factories as f

URL = "/api/restaurants/"

pytestmark = pytest.mark.django_db


def _entries() -> set[str]:
    """The keys in the default cache, whichever backend it is (the list version key included), less the
    rate-limit counters that share the store on Redis."""
    cache = caches["default"]
    # LocMemCache's own dict is the only way to list its keys
    keys = set(cache.keys("*")) if isinstance(cache, RedisCache) else set(cache._cache)
    return {key for key in keys if COUNTER_PREFIX not in key}


def _get(client, params: dict, n: int = 0):
    response = client.get(URL, params, REMOTE_ADDR=f"10.6.{n // 200}.{n % 200}")
    assert response.status_code == 200, response.content
    return response


@pytest.fixture
def catalog(db):
    f.RestaurantFactory(name="Noodle Bar", city="Springfield", cuisines=["thai"])
    f.RestaurantFactory(name="Pizza Place", city="Shelbyville", cuisines=["italian"])
    return


def test_q_searches_add_no_cache_entries(client, catalog):
    _get(client, {})  # the list version key and the unfiltered page exist from here on
    before = _entries()

    for n in range(50):
        _get(client, {"q": uuid.uuid4().hex}, n)
    found = _get(client, {"q": "noodle"})

    assert _entries() == before
    assert [row["name"] for row in found.json()["results"]] == ["Noodle Bar"]


def test_q_searches_are_answered_fresh(client, catalog):
    assert _get(client, {"q": "bar"}).json()["count"] == 1

    f.RestaurantFactory(name="Salad Bar", city="Springfield")

    assert _get(client, {"q": "bar"}).json()["count"] == 2


@pytest.mark.parametrize("param", ["city", "cuisine"])
def test_filters_that_match_nothing_add_no_cache_entries(client, catalog, param):
    _get(client, {})
    before = _entries()

    for n in range(30):
        assert _get(client, {param: uuid.uuid4().hex}, n).json()["count"] == 0

    assert _entries() == before


def test_leading_zeros_in_the_page_number_share_one_entry(client, catalog):
    _get(client, {"city": "springfield"})
    before = _entries()

    for page in ("01", "001", "0001"):
        _get(client, {"city": "springfield", "page": page})

    assert _entries() == before


def test_lists_of_real_filters_are_still_cached(client, catalog):
    _get(client, {})
    before = _entries()

    first = _get(client, {"city": "Springfield"})
    added = _entries() - before
    again = _get(client, {"city": "SPRINGFIELD"})

    assert len(added) == 1  # one page entry
    assert _entries() - before == added
    assert first.json() == again.json() and first.json()["count"] == 1
