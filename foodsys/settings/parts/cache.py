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
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py's async pool refuses a 101st concurrent connection ("Too many connections"):
            # 500 sockets joining or leaving at once each hold one briefly, so the cap is higher.
            # redis-py 8 reads with a 5 s socket timeout by default, the same as the server-side timeout
            # of channels-redis's blocking BZPOPMIN: under load the reply lost that race and the socket
            # was closed 4503 (django/channels_redis#422). The read timeout must exceed the pop's.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15,
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
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CACHE_TTL_SECONDS = env.int("CACHE_TTL_SECONDS", default=30 * 60)
