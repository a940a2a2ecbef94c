"""A tenant's time zone and currency for the aggregator, which should not query the database per event.

Looked up in the store (shared by every consumer, 1 h TTL), else the database (then stored; while
the database is unreachable the lookup raises and the consumer retries the batch), and
memoised per process for a few minutes only (a `foodsys.common.memo` memo, so tests start
without it): a restaurant changing its time zone is picked up within PROCESS_TTL_SECONDS plus the
store's TTL.
"""

from __future__ import annotations

import logging
import time
import zoneinfo
from dataclasses import dataclass
from functools import cached_property

from foodsys.common.memo import process_memo
from metrics.store import MetricsStore

logger = logging.getLogger(__name__)

PROCESS_TTL_SECONDS = 300
MISS_TTL_SECONDS = 30
# tenant id -> (monotonic expiry, TenantProfile)
_profiles = process_memo("metrics.tenant_profiles", max_entries=10_000)


@dataclass(frozen=True)
class TenantProfile:
    timezone: str
    currency: str

    @cached_property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def as_dict(self) -> dict[str, str]:
        return {"timezone": self.timezone, "currency": self.currency}


FALLBACK = TenantProfile(timezone="UTC", currency="USD")


def profile_from_db(tenant_id: str) -> TenantProfile | None:
    """None for an unknown tenant; a database error propagates (the caller retries rather than guess)."""
    from django.db import connection

    from restaurants.models import Restaurant

    if not connection.in_atomic_block:  # a long-running consumer gets no request signals to do this
        connection.close_if_unusable_or_obsolete()
    row = Restaurant.objects.filter(tenant_id=tenant_id).values_list("timezone", "currency").first()
    return TenantProfile(timezone=row[0], currency=row[1]) if row else None


def tenant_profile(tenant_id: str, *, store: MetricsStore) -> TenantProfile:
    tenant_id = str(tenant_id)
    now = time.monotonic()
    hit = _profiles.get(tenant_id)
    if hit and hit[0] > now:
        return hit[1]
    stored = store.get_profile(tenant_id)
    if stored.get("timezone") and stored.get("currency"):
        profile = TenantProfile(timezone=stored["timezone"], currency=stored["currency"])
    else:
        # Database down: raise, so the consumer retries the batch; a guessed time zone would count
        # the tenant's revenue on the wrong day for good.
        profile = profile_from_db(tenant_id)
        if profile is None:
            logger.warning("unknown tenant %s; using UTC/USD for its metrics", tenant_id)
            # briefly, so a burst of its events does not query the database per event
            _profiles.set(tenant_id, (now + MISS_TTL_SECONDS, FALLBACK))
            return FALLBACK
        store.set_profile(tenant_id, profile.as_dict())
    _profiles.set(tenant_id, (now + PROCESS_TTL_SECONDS, profile))
    return profile


def forget(tenant_id: str | None = None) -> None:
    """Drops memoised profiles (all, or one tenant's), e.g. after a rebuild."""
    if tenant_id is None:
        _profiles.clear()
    else:
        _profiles.pop(str(tenant_id))
