"""Veche's Redis cache keeps one Redis client per connection pool (Django builds one per call),
and that client is shared safely between the threads of a gunicorn worker."""

import threading

import pytest
from django.core.cache import caches
from django.test import override_settings

REDIS = {
    "default": {
        "BACKEND": "veche.core.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/11",
        "KEY_PREFIX": "veche-cache-tests",
    }
}


@pytest.fixture
def cache():
    with override_settings(CACHES=REDIS):
        backend = caches["default"]
        backend.clear()
        yield backend
        backend.clear()


def test_one_client_serves_every_call(cache):
    cache.set("page", "содержимое", 30)
    assert cache.get("page") == "содержимое"
    assert cache._cache.get_client() is cache._cache.get_client(write=True)


def test_threads_share_the_client_and_every_increment_counts(cache):
    cache.set("count", 0, 30)
    errors = []

    def add():
        try:
            for _ in range(200):
                cache.incr("count")
        except Exception as error:  # pragma: no cover - shown by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=add) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cache.get("count") == 1600
    many = [cache.get_many(["count", "page"]) for _ in range(3)]
    assert many == [{"count": 1600}] * 3
