"""REDIS_URL unset -> local-memory cache and in-memory channel layer; set -> django-redis + channels-redis."""

from foodsys.env import env, optional

REDIS_URL = optional("REDIS_URL")
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="foodsys")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                # Errors surface to our callers, which log and fall through to the database.
                "IGNORE_EXCEPTIONS": False,
            },
        }
    }
    # Rate-limit counters (RATELIMIT_USE_CACHE): the same Redis store; Redis evicts nothing unless the
    # operator sets an allkeys-* maxmemory-policy (docs/operations.md), and list pages are bounded.
    CACHES["ratelimit"] = dict(CACHES["default"])
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py's async pool refuses a 101st concurrent connection ("Too many connections"):
            # 500 sockets joining or leaving at once each hold one briefly, so the cap is higher.
            # No client-side socket timeout, on purpose:
            # - redis-py 8's default (5 s) equals channels-redis's server-side BZPOPMIN timeout; under
            #   load the reply lost that race and the socket was closed 4503 (django/channels_redis#422);
            # - with any socket timeout redis-py sends each command through asyncio.wait_for, which on
            #   Python 3.11 loses a cancellation that arrives as the send completes (CPython gh-86296,
            #   fixed in 3.12): a consumer that disconnected then kept its receive() looping on BZPOPMIN
            #   forever (a leaked task and connection per lost cancel; the test loop never closed).
            # BZPOPMIN bounds every read on the server; keepalive finds a dead peer; connect is bounded.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": None, "socket_connect_timeout": 5,
                                  "socket_keepalive": True,
                                  "max_connections": env.int("CHANNEL_LAYER_MAX_CONNECTIONS", default=2000)}],
                       "prefix": f"{CACHE_KEY_PREFIX}:asgi", "capacity": 1000},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "foodsys",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        },
        # Rate-limit counters (RATELIMIT_USE_CACHE) in a local-memory cache of their own: user-keyed
        # entries (catalog pages, tokens) culling the default cache's 300 entries never reset a counter.
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "foodsys-ratelimit",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"MAX_ENTRIES": env.int("RATELIMIT_CACHE_MAX_ENTRIES", default=200_000)},
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CACHE_TTL_SECONDS = env.int("CACHE_TTL_SECONDS", default=30 * 60)
