"""Redis as the default cache for one test, with keys of its own."""

import uuid
from contextlib import contextmanager

from django.core.cache import caches
from django.test import override_settings


@contextmanager
def own_redis_cache(name: str):
    """Veche's Redis cache, its keys under a prefix of this test's own in a database no test
    flushes (the test processes share the server, and a FLUSHDB by one would wipe what another
    is counting); the keys are deleted afterwards. Yields the cache."""
    prefix = f"{name}-{uuid.uuid4().hex}"
    redis = {
        "default": {
            "BACKEND": "veche.core.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/13",
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=redis):
        backend = caches["default"]
        try:
            yield backend
        finally:
            client = backend._cache.get_client(write=True)
            for key in client.scan_iter(f"{prefix}:*"):
                client.delete(key)
