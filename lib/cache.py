"""Redis as a cache that a Redis outage cannot turn into errors.

Sessions (`cached_db`) and sign-in rate limits live in this cache. With Redis down, reads miss,
writes are dropped and locks are granted: sessions come from the database, rate limits fail open
until Redis is back, and no page answers 500. Each failure is logged.
"""

import logging

import redis
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)
OUTAGE = (redis.ConnectionError, redis.TimeoutError)


class FailOpenRedisCache(RedisCache):
    def _or(self, fallback, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except OUTAGE as error:
            logger.warning("The cache is unreachable (%s): carrying on without it.", error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._or(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._or({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._or(False, super().has_key, key, version)

    def set(self, *args, **kwargs):
        return self._or(None, super().set, *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._or([], super().set_many, *args, **kwargs)

    def add(self, *args, **kwargs):
        # Granted: a caller waiting for a lock (allauth's rate limits) must not wait forever.
        return self._or(True, super().add, *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._or(False, super().touch, *args, **kwargs)

    def incr(self, key, delta=1, version=None):
        return self._or(delta, super().incr, key, delta, version)

    def delete(self, key, version=None):
        return self._or(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._or(None, super().delete_many, keys, version)

    def clear(self):
        return self._or(None, super().clear)
