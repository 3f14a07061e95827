"""Veche's Redis cache keeps one Redis client per connection pool (Django builds one per call),
and that client is shared safely between the threads of a gunicorn worker."""

import threading

import pytest

from tests.redis_cache import own_redis_cache


@pytest.fixture
def cache():
    with own_redis_cache("veche-cache-tests") as backend:
        yield backend


def test_one_client_serves_every_call(cache):
    cache.set("page", "содержимое", 30)
    assert cache.get("page") == "содержимое"
    assert cache._cache.get_client() is cache._cache.get_client(write=True)


def test_any_key_is_taken_without_memcached_s_warnings(cache, recwarn):
    """Redis takes keys memcached refuses: long ones, with spaces or control characters."""
    keys = ["rl:sign:address:" + "9" * 300, "with a space", "line\nbreak"]
    for n, key in enumerate(keys):
        cache.set(key, n, 30)
    assert cache.get_many(keys) == {key: n for n, key in enumerate(keys)}
    assert [str(w.message) for w in recwarn.list if "key" in str(w.message).lower()] == []


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


def test_many_versions_move_on_in_one_round_trip_and_each_value_goes_stale(cache, monkeypatch):
    from veche.core import stamped

    built = []

    def value(n):
        return stamped.stamped(f"v{n}", f"version:{n}", lambda: built.append(n) or n)

    assert [value(n) for n in range(1500)] == list(range(1500))
    assert [value(n) for n in range(1500)] == list(range(1500))
    assert len(built) == 1500  # kept
    client = cache._cache.get_client(write=True)
    sent = []
    real_execute = client.execute_command

    def counting(*args, **kwargs):
        sent.append(args[0])
        return real_execute(*args, **kwargs)

    # A server that has not seen the script yet is sent it once (SCRIPT LOAD, then EVALSHA
    # again); counted here is the usual case, where it has.
    client.script_load(stamped._BUMP_SCRIPT)
    monkeypatch.setattr(client, "execute_command", counting)
    stamped.move_on_many([f"version:{n}" for n in range(1000)] + ["version:0"])
    assert sent == ["EVALSHA"]  # one script for every version, nothing else
    monkeypatch.undo()
    built.clear()
    assert [value(n) for n in range(1500)] == list(range(1500))
    assert built == list(range(1000))  # each moved version made its value stale, no other
    stamped.move_on("version:never-made")  # a version nobody made starts at a random number
    first = cache.get("version:never-made")
    assert isinstance(first, int) and first > 1000
    lifetime = client.ttl(cache.make_and_validate_key("version:never-made"))
    assert 0 < lifetime <= stamped.VERSION_SECONDS
    stamped.move_on("version:never-made")
    assert cache.get("version:never-made") == first + 1


@pytest.mark.parametrize(
    "serializer",
    ["django.core.cache.backends.redis.RedisSerializer", "instance", None],
    ids=["named", "instance", "none"],
)
def test_django_s_serializer_is_taken(serializer):
    from django.core.cache.backends.redis import RedisSerializer

    from veche.core.cache import RedisCache

    serializer = RedisSerializer() if serializer == "instance" else serializer
    options = {"serializer": serializer} if serializer else {}
    RedisCache("redis://127.0.0.1:6379/13", {"OPTIONS": options})


def test_another_serializer_is_refused_at_start_for_the_scripts_read_its_numbers():
    """The versions' bump and the rate limits add to numbers in Redis, in Lua: a serializer
    that stored them otherwise (pickled, as JSON text with a prefix) would break both."""
    from django.core.exceptions import ImproperlyConfigured

    from veche.core.cache import RedisCache

    with pytest.raises(ImproperlyConfigured, match="serializer"):
        RedisCache(
            "redis://127.0.0.1:6379/13",
            {"OPTIONS": {"serializer": "django.core.serializers.json.DjangoJSONEncoder"}},
        )
