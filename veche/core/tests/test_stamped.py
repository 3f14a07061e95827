"""Values kept in the shared cache stamped with a version: a change makes them stale at once, and
a version the cache lost never makes a value stamped before the loss look current again."""

import time

import pytest
from django.core.cache import cache

from veche.core import stamped as module
from veche.core.release import keyed, release
from veche.core.stamped import (
    VERSION_SECONDS,
    Read,
    ReadAheadMiddleware,
    forget,
    forget_read_ahead,
    get,
    keep_many,
    move_on,
    read_ahead,
    stamped,
)


def built(values: list):
    """A build that says what it built, to count the builds."""

    def build():
        values.append(len(values) + 1)
        return values[-1]

    return build


def test_a_value_is_built_once_and_again_after_a_change():
    builds: list = []
    assert stamped("thing", "thing-version", built(builds)) == 1
    assert stamped("thing", "thing-version", built(builds)) == 1
    move_on("thing-version")
    assert stamped("thing", "thing-version", built(builds)) == 2


def test_a_lost_version_never_makes_an_older_value_current():
    """Stamped, changed (the value kept its old stamp), the version lost, changed again: the
    version does not count from the start again, where the old stamp waits."""
    builds: list = []
    stamped("thing", "thing-version", built(builds))
    kept_before = cache.get(keyed("thing"))
    move_on("thing-version")
    cache.delete("thing-version")  # evicted, or lost in a failover
    move_on("thing-version")
    cache.set(keyed("thing"), kept_before)  # a value stamped before the loss, still in the cache
    assert stamped("thing", "thing-version", built(builds)) == 2
    cache.delete("thing-version")  # lost before anything changed
    cache.set(keyed("thing"), kept_before)
    assert stamped("thing", "thing-version", built(builds)) == 3


def test_several_versions_each_make_the_value_stale():
    builds: list = []
    keys = ("person-version", "territories-version")
    stamped("record", keys, built(builds))
    move_on("territories-version")
    assert stamped("record", keys, built(builds)) == 2
    move_on("person-version")
    assert stamped("record", keys, built(builds)) == 3
    assert stamped("record", keys, built(builds)) == 3


@pytest.fixture
def clock(monkeypatch):
    """The time as the module and the test's cache read it, moved on by the test."""
    now = [time.time()]
    monkeypatch.setattr(module.time, "time", lambda: now[0])
    return now


def test_a_value_that_ran_out_is_built_again_by_one_request_while_others_get_the_one_before(
    clock,
):
    builds: list = []
    assert stamped("page", "page-version", built(builds), shared_seconds=5) == 1
    clock[0] += 6
    meanwhile = []

    def build_again():
        # Another request reads while this one builds: it gets the copy before, builds nothing.
        meanwhile.append(stamped("page", "page-version", built(builds), shared_seconds=5))
        return "built again"

    assert stamped("page", "page-version", build_again, shared_seconds=5) == "built again"
    assert meanwhile == [1] and builds == [1]
    assert stamped("page", "page-version", built(builds), shared_seconds=5) == "built again"
    clock[0] += 6  # the new copy runs out in its turn: built again, by the next reader
    assert stamped("page", "page-version", built(builds), shared_seconds=5) == 2


def run_out_while_another_builds(clock) -> list:
    """A page built once, run out, and claimed by another request (still building, or dead):
    the builds, to count them."""
    builds: list = []
    stamped("page", "page-version", built(builds), shared_seconds=5)
    clock[0] += 6
    made = cache.get(keyed("page"))[2]
    assert cache.add(f"{keyed('page')}:building:{made}", 1, module.GRACE)
    return builds


def test_a_change_is_never_waited_out_while_another_request_builds(clock):
    builds = run_out_while_another_builds(clock)
    assert stamped("page", "page-version", built(builds), shared_seconds=5) == 1
    move_on("page-version")
    assert stamped("page", "page-version", built(builds), shared_seconds=5) == 2


def test_the_copy_before_is_given_no_longer_than_the_grace_past_its_lifetime(clock):
    builds = run_out_while_another_builds(clock)  # and the builder dies
    assert stamped("page", "page-version", built(builds), shared_seconds=5) == 1
    clock[0] += module.GRACE
    assert stamped("page", "page-version", built(builds), shared_seconds=5) == 2


def test_values_kept_at_once_are_current_until_a_change():
    keep_many({"a": "kept"}, {"a": ("a-version",)})
    assert stamped("a", "a-version", lambda: "built") == "kept"
    move_on("a-version")
    assert stamped("a", "a-version", lambda: "built") == "built"


def test_forgetting_deletes_the_value_at_once():
    stamped("personal", "personal-version", lambda: "a name and an address")
    forget("personal", "personal-version")
    assert cache.get(keyed("personal")) is None
    assert stamped("personal", "personal-version", lambda: "read again") == "read again"


def test_a_version_made_for_a_value_never_built_does_not_stay_for_ever():
    """Anyone may ask for a page of a problem that does not exist: the version made on the way
    runs out, so that asking for many cannot fill the cache."""

    def missing():
        raise LookupError

    with pytest.raises(LookupError):
        stamped("test:missing", "test:missing-version", missing)
    assert cache.get("test:missing-version") is not None
    expires = cache._expire_info[cache.make_key("test:missing-version")]  # the test's LocMemCache
    assert expires is not None and expires <= time.time() + VERSION_SECONDS


def test_each_release_builds_and_reads_its_own_values(settings):
    """A rolling deployment runs two releases against one cache: a value the old code kept is
    never given to the new code, whose classes and templates it may not fit; the version stamps
    are shared, so a change still reaches both."""
    builds: list = []
    release.cache_clear()
    settings.VECHE_RELEASE = "old"
    try:
        assert stamped("thing", "thing-version", built(builds)) == 1
        settings.VECHE_RELEASE = "new"
        release.cache_clear()
        assert stamped("thing", "thing-version", built(builds)) == 2
        assert stamped("thing", "thing-version", built(builds)) == 2
        move_on("thing-version")
        settings.VECHE_RELEASE = "old"
        release.cache_clear()
        assert stamped("thing", "thing-version", built(builds)) == 3  # the change reached it
    finally:
        release.cache_clear()


def test_without_a_named_release_the_code_s_digest_names_it(settings, tmp_path, monkeypatch):
    from veche.core import release as module

    # Installed under a folder that happens to be called "tests": only the package's own
    # test folders are left out.
    package = tmp_path / "tests" / "veche"
    (package / "tests").mkdir(parents=True)
    (package / "views.py").write_text("A = 1\n")
    (package / "tests" / "test_views.py").write_text("B = 1\n")
    monkeypatch.setattr(module, "_PACKAGE", package)
    tmp_path = package
    settings.VECHE_RELEASE = ""
    try:
        release.cache_clear()
        first = release()
        (tmp_path / "tests" / "test_views.py").write_text("B = 2\n")  # tests are not the release
        release.cache_clear()
        assert release() == first
        (tmp_path / "views.py").write_text("A = 2\n")
        release.cache_clear()
        assert release() != first
    finally:
        release.cache_clear()


# --- Reading ahead -------------------------------------------------------------------------


@pytest.fixture
def round_trips(monkeypatch):
    """The reads the cache is asked for, each a list of keys (a `get_many` is one, however
    many keys it names, as it is on Redis)."""
    asked: list[list[str]] = []
    real_get_many, real_get = cache.get_many, cache.get
    inside = []

    def get_many(keys, *args, **kwargs):
        asked.append(list(keys))
        inside.append(True)
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    def get(key, *args, **kwargs):
        if not inside:
            asked.append([key])
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", get_many)
    monkeypatch.setattr(cache, "get", get)
    return asked


def in_a_request(work):
    """Run `work` as a view behind the middleware that gives each request its own room."""
    return ReadAheadMiddleware(lambda request: work())(None)


def test_values_read_ahead_cost_one_round_trip_and_answer_once(round_trips):
    stamped("a", "a-version", lambda: "kept a")
    stamped("b", ("b-version", "shared-version"), lambda: "kept b")
    cache.set("table", "kept table")
    round_trips.clear()

    def request():
        read_ahead([Read("a", "a-version"), Read("b", ("b-version", "shared-version"))], ["table"])
        first = (
            stamped("a", "a-version", lambda: "built"),
            stamped("b", ("b-version", "shared-version"), lambda: "built"),
            get("table"),
        )
        reads_before_the_second = len(round_trips)
        second = stamped("a", "a-version", lambda: "built")
        return first, second, reads_before_the_second

    first, second, reads = in_a_request(request)
    assert first == ("kept a", "kept b", "kept table")
    assert reads == 1  # the one read ahead
    assert second == "kept a"
    assert len(round_trips) == 2  # a second read of a value asks the cache again


def test_a_change_made_by_the_request_itself_is_read_after_it():
    """What was read ahead is dropped by a `move_on` of the same request: the request that
    changes a rule reads the rule's new value, not the one read before its change."""
    builds: list = []
    stamped("rule", "rule-version", built(builds))

    def request():
        read_ahead([Read("rule", "rule-version")])
        move_on("rule-version")
        return stamped("rule", "rule-version", built(builds))

    assert in_a_request(request) == 2


def test_a_change_made_elsewhere_after_the_read_ahead_is_read_by_the_next_request():
    builds: list = []
    stamped("rule", "rule-version", built(builds))

    def request():
        read_ahead([Read("rule", "rule-version")])
        cache.incr("rule-version")  # another process moves the version on meanwhile
        return stamped("rule", "rule-version", built(builds))

    assert in_a_request(request) == 1  # read a moment earlier: as current as it was then
    assert in_a_request(lambda: stamped("rule", "rule-version", built(builds))) == 2


def test_nothing_read_ahead_outlives_its_request(round_trips):
    """A thread serves request after request: what one read ahead and did not use is not
    given to the next, which may come after a change."""
    builds: list = []
    stamped("rule", "rule-version", built(builds))
    in_a_request(lambda: read_ahead([Read("rule", "rule-version")]))
    cache.incr("rule-version")
    assert in_a_request(lambda: stamped("rule", "rule-version", built(builds))) == 2
    assert module._ahead.get() is None


def test_outside_a_request_reading_ahead_reads_nothing(round_trips):
    read_ahead([Read("rule", "rule-version")], ["table"])
    assert round_trips == []
    assert stamped("rule", "rule-version", lambda: "built") == "built"


def test_keys_read_along_come_with_the_first_read_ahead_of_each_request(round_trips, monkeypatch):
    monkeypatch.setattr(module, "_ALONG", ["origins"])
    cache.set("origins", ["https://id.example"])

    def request():
        read_ahead([Read("a", "a-version")])
        read_ahead([Read("b", "b-version")])
        return get("origins")

    assert in_a_request(request) == ["https://id.example"]
    assert sum("origins" in keys for keys in round_trips) == 1
    assert len(round_trips) == 2  # the two reads ahead, and nothing for the origins


def test_a_key_read_ahead_again_is_not_answered_from_the_first_read():
    cache.set("table", "first")

    def request():
        read_ahead(keys=["table"])
        first = get("table")
        cache.delete("table")  # gone from the cache meanwhile
        read_ahead(keys=["table"])
        return first, get("table")

    assert in_a_request(request) == ("first", None)


def test_a_value_the_request_deleted_itself_is_read_again():
    cache.set("origins", ["https://old.example"])

    def request():
        read_ahead(keys=["origins"])
        cache.set("origins", ["https://new.example"])
        forget_read_ahead("origins")
        return get("origins")

    assert in_a_request(request) == ["https://new.example"]
