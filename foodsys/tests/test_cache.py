import logging
import uuid
from decimal import Decimal

import pytest
from django.core.cache import cache as django_cache
from django.db import transaction

from foodsys.common import cache
from foodsys.tenancy import keys

TENANT = uuid.UUID("11111111-2222-3333-4444-555555555555")
UNREACHABLE_CACHE = {"default": {"BACKEND": "menu.tests.broken_cache.UnreachableCache"}}


def test_version_counter_is_created_on_first_read_and_stable():
    first = cache.current_version(keys.tenant_version_key(TENANT))

    assert first is not None
    assert cache.current_version(keys.tenant_version_key(TENANT)) == first


def test_bump_moves_the_version_by_one():
    before = cache.current_version(keys.tenant_version_key(TENANT))

    cache.bump_version(keys.tenant_version_key(TENANT))

    assert cache.current_version(keys.tenant_version_key(TENANT)) == before + 1


def test_a_lost_counter_restarts_above_its_old_value():
    # given a counter that was bumped, then evicted
    key = keys.tenant_version_key(TENANT)
    old = cache.current_version(key)
    cache.bump_version(key)
    django_cache.delete(key)

    # when it is bumped (or read) again
    cache.bump_version(key)

    # then it does not return to a version whose entries may still exist
    assert cache.current_version(key) > old + 1


def test_get_or_compute_counts_a_miss_then_a_hit_and_returns_json_ready_data():
    calls = []

    def compute():
        calls.append(1)
        return {"price": Decimal("9.50"), "name": "Soup"}

    hits, misses = cache.cache_stats.hits["test"], cache.cache_stats.misses["test"]
    first = cache.get_or_compute("test", "test:key", compute)
    second = cache.get_or_compute("test", "test:key", compute)

    assert first == second == {"price": "9.50", "name": "Soup"}
    assert len(calls) == 1
    assert cache.cache_stats.misses["test"] == misses + 1 and cache.cache_stats.hits["test"] == hits + 1
    assert cache.cache_stats.snapshot()["test"]["hits"] == hits + 1


def test_get_or_compute_does_not_store_refused_values():
    cache.get_or_compute("test", "test:none", lambda: None, store_if=lambda data: data is not None)

    assert django_cache.get("test:none") is None


def test_entries_are_stored_as_json_text_not_objects():
    cache.get_or_compute("test", "test:text", lambda: {"a": 1})

    assert django_cache.get("test:text") == '{"a": 1}'


@pytest.mark.django_db(transaction=True)
def test_invalidation_runs_only_when_the_write_commits():
    before = cache.current_version(keys.tenant_version_key(TENANT))

    with pytest.raises(RuntimeError), transaction.atomic():
        cache.invalidate_catalog_on_commit(TENANT, restaurant_changed=True)
        raise RuntimeError("rolled back")
    after_rollback = cache.current_version(keys.tenant_version_key(TENANT))
    list_before = cache.current_version(keys.RESTAURANT_LIST_VERSION_KEY)
    with transaction.atomic():
        cache.invalidate_catalog_on_commit(TENANT, restaurant_changed=True)
        inside = cache.current_version(keys.tenant_version_key(TENANT))

    assert after_rollback == before and inside == before
    assert cache.current_version(keys.tenant_version_key(TENANT)) == before + 1
    assert cache.current_version(keys.RESTAURANT_LIST_VERSION_KEY) == list_before + 1


@pytest.mark.django_db(transaction=True)
def test_menu_writes_leave_the_public_list_version_alone():
    list_before = cache.current_version(keys.RESTAURANT_LIST_VERSION_KEY)

    with transaction.atomic():
        cache.invalidate_catalog_on_commit(TENANT, restaurant_changed=False)

    assert cache.current_version(keys.RESTAURANT_LIST_VERSION_KEY) == list_before


def test_unreachable_cache_falls_through_with_a_warning(settings, caplog):
    settings.CACHES = UNREACHABLE_CACHE
    errors = cache.cache_stats.errors["test"]

    with caplog.at_level(logging.WARNING):
        version = cache.current_version(keys.tenant_version_key(TENANT))
        cache.bump_version(keys.tenant_version_key(TENANT))
        data = cache.get_or_compute("test", "test:key", lambda: {"from": "db"})

    assert version is None
    assert data == {"from": "db"}
    assert cache.cache_stats.errors["test"] == errors + 2  # the failed get and the failed set
    assert sum("using the database" in r.getMessage() for r in caplog.records) >= 3


# --- get_or_build: rendered bytes tagged with their version ---------------------------------
VERSION_KEY = keys.tenant_version_key(TENANT)
ENTRY_KEY = keys.menu_body_cache_key(TENANT, 1)


def _build_counting(calls: list, body: bytes = b'{"a":1}'):
    def build() -> bytes:
        calls.append(1)
        return body
    return build


def test_get_or_build_builds_once_then_serves_the_stored_bytes():
    calls: list = []

    first = cache.get_or_build("test", version_key=VERSION_KEY, entry_key=ENTRY_KEY, build=_build_counting(calls))
    second = cache.get_or_build("test", version_key=VERSION_KEY, entry_key=ENTRY_KEY, build=_build_counting(calls))

    assert first == second == b'{"a":1}'
    assert len(calls) == 1
    assert django_cache.get(ENTRY_KEY) == b"%d\n" % cache.current_version(VERSION_KEY) + b'{"a":1}'


def test_a_version_bump_makes_the_stored_bytes_a_miss():
    cache.get_or_build("test", version_key=VERSION_KEY, entry_key=ENTRY_KEY, build=lambda: b"old")

    cache.bump_version(VERSION_KEY)
    served = cache.get_or_build("test", version_key=VERSION_KEY, entry_key=ENTRY_KEY, build=lambda: b"new")

    assert served == b"new"


def test_bytes_stored_late_by_a_slow_reader_of_the_old_version_are_never_served():
    # given a reader that read version v, and a write that bumped it to v + 1 meanwhile
    old = cache.current_version(VERSION_KEY)
    cache.bump_version(VERSION_KEY)

    # when the slow reader stores what it built from the old rows
    django_cache.set(ENTRY_KEY, b"%d\n" % old + b"stale")

    # then the next reader rebuilds
    assert cache.get_or_build("test", version_key=VERSION_KEY, entry_key=ENTRY_KEY, build=lambda: b"fresh") == b"fresh"


def test_get_or_build_uses_prefetched_values_without_asking_the_cache(settings):
    version = cache.current_version(VERSION_KEY)
    prefetched = {VERSION_KEY: version, ENTRY_KEY: b"%d\n" % version + b"prefetched"}
    settings.CACHES = UNREACHABLE_CACHE  # any cache access would fail

    served = cache.get_or_build("test", version_key=VERSION_KEY, entry_key=ENTRY_KEY, build=lambda: b"built",
                                prefetched=prefetched)

    assert served == b"prefetched"


def test_get_or_build_falls_through_when_the_cache_is_unreachable(settings, caplog):
    settings.CACHES = UNREACHABLE_CACHE
    errors = cache.cache_stats.errors["test"]

    with caplog.at_level(logging.WARNING):
        served = cache.get_or_build("test", version_key=VERSION_KEY, entry_key=ENTRY_KEY, build=lambda: b"db")

    assert served == b"db"
    assert cache.cache_stats.errors["test"] == errors + 1
    assert "using the database" in caplog.text
