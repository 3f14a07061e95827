"""Django's Redis cache, with one Redis client per connection pool instead of one per call, and
no check of keys against memcached's rules.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` around the pool for every
cache operation, and redis-py's constructor fills a table of some eighty response callbacks each
time: a signature, which reads and writes the cache a dozen times, spent about a twentieth of its
CPU there. A `redis.Redis` over a pool is safe to share between threads (each command borrows a
connection from the pool), so one per pool is kept."""

from django.core.cache.backends import redis
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        serializer = self._options.get("serializer")
        if isinstance(serializer, str):
            serializer = import_string(serializer)
        if serializer is not None and not (
            serializer is redis.RedisSerializer or type(serializer) is redis.RedisSerializer
        ):
            # Lua scripts run on the values as Redis holds them: the versions' bump
            # (`veche.core.stamped`) and the rate limits' counters add to integers that Django's
            # serializer stores as plain numbers, and another serializer would store otherwise.
            raise ImproperlyConfigured(
                "Veche's cache keeps Django's own serializer: its scripts in Redis add to the "
                "numbers it stores (CACHES OPTIONS 'serializer')."
            )

    def validate_key(self, key):
        """Django checks every key of every call against memcached's rules (250 characters, no
        spaces or control characters) and warns of those it would refuse; Redis takes any key,
        so the check only cost time (about 1.5 % of a signature's CPU, reading six keys)."""
