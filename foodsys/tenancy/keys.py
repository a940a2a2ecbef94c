"""The one module that builds every tenant-derived name: cache keys, channel groups, Kafka keys,
rate-limit keys. Nothing else formats a tenant id into a name.
"""

import hashlib
import zlib
from functools import lru_cache
from uuid import UUID

TenantId = UUID | str


def _tid(tenant_id: TenantId) -> str:
    if not tenant_id:
        raise ValueError("A tenant id is required to build a tenant-scoped name.")
    if isinstance(tenant_id, UUID):
        return str(tenant_id)
    return _canonical(tenant_id)


@lru_cache(maxsize=4096)
def _canonical(text: str) -> str:
    """Validates and normalises a textual tenant id; memoised since the consumer builds keys per event."""
    return str(UUID(str(text)))


# --- cache -----------------------------------------------------------------------------------
def tenant_version_key(tenant_id: TenantId) -> str:
    """Per-tenant catalog version; bumping it invalidates every catalog entry of the tenant."""
    return f"tenant:{_tid(tenant_id)}:version"


def menu_body_cache_key(tenant_id: TenantId, restaurant_id: int) -> str:
    """The rendered public menu; unversioned, its value carries the version it was built under."""
    return f"tenant:{_tid(tenant_id)}:menu_body:{int(restaurant_id)}"


def restaurant_body_cache_key(tenant_id: TenantId) -> str:
    """The rendered public restaurant detail; its value carries the version it was built under."""
    return f"tenant:{_tid(tenant_id)}:restaurant_body"


# Not tenant-scoped: the public list spans tenants. Its own version counter is bumped by any
# restaurant write, so a read after a write is never stale.
RESTAURANT_LIST_VERSION_KEY = "public:restaurants:version"


def restaurant_list_page_key(query_fingerprint: str) -> str:
    """A rendered public list page; its value carries the list version it was built under."""
    return f"public:restaurants:page:{query_fingerprint}"


def restaurant_tenant_map_key(restaurant_id: int) -> str:
    """Public restaurant id -> its tenant UUID (immutable), so a detail/menu read can find its version."""
    return f"public:restaurant:{int(restaurant_id)}:tenant"


def metrics_key(tenant_id: TenantId, name: str) -> str:
    return f"tenant:{_tid(tenant_id)}:metrics:{name}"


# --- channels --------------------------------------------------------------------------------
def tenant_group(tenant_id: TenantId) -> str:
    return f"tenant.{_tid(tenant_id)}"


def user_group(user_id: int) -> str:
    return f"user.{int(user_id)}"


def ws_ticket_key(ticket: str) -> str:
    """Cache key of a WebSocket ticket; hashed so the secret never appears as a key."""
    return f"ws_ticket:{hashlib.sha256(ticket.encode()).hexdigest()}"


# --- kafka -----------------------------------------------------------------------------------
def kafka_key(tenant_id: TenantId) -> bytes:
    """Orders of one tenant share a partition, which keeps them in order."""
    return _tid(tenant_id).encode()


def outbox_relay_lock_id(tenant_id: TenantId) -> int:
    """Signed 32-bit id for pg_try_advisory_xact_lock(namespace, id): one outbox relay per tenant at a time."""
    return zlib.crc32(_tid(tenant_id).encode()) - 2**31


# --- rate limits -----------------------------------------------------------------------------
def tenant_limit_key(tenant_id: TenantId) -> str:
    return f"tenant_limit:{_tid(tenant_id)}"


def order_limit_key(user_id: int) -> str:
    return f"order_limit:{int(user_id)}"


def login_email_limit_key(email: str) -> str:
    """Failed-login counter of one account; django-ratelimit hashes it, so no address reaches the cache."""
    return f"login_email:{email.strip().lower()}"


def password_reset_email_limit_key(email: str) -> str:
    """Password-reset requests for one address (known or not); hashed by foodsys.common.ratelimit."""
    return f"password_reset_email:{email}"


def api_user_limit_key(user_id: int) -> str:
    return f"api_user_limit:{int(user_id)}"
