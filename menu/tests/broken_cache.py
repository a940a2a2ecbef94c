"""A cache backend that fails like an unreachable Redis, for fall-through tests in embedded mode."""

from django.core.cache.backends.base import BaseCache
from django_redis.exceptions import ConnectionInterrupted


class UnreachableCache(BaseCache):
    def __init__(self, location, params):
        super().__init__(params)

    def _fail(self, *args, **kwargs):
        raise ConnectionInterrupted(connection=None)

    add = get = set = touch = delete = clear = incr = decr = has_key = get_many = set_many = _fail
