"""Rate limits of signing, publishing, commenting, rating and submitting: per account, per IP
address and per network, a burst and a sustained window, kept as operators' data and counted in
the cache; over a limit the action is refused with a message (429 problem details for the API)."""

import json
import uuid

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import path

from tests.factories import make_problem, make_resident, make_territory, make_user
from tests.redis_commands import redis_commands, text_of
from veche.appeals.models import Appeal, Comment, Signature
from veche.appeals.services import sign_appeal
from veche.core import ratelimits
from veche.core.models import AuditEvent, RateLimit
from veche.core.ratelimits import RateLimited, acting_from, spend
from veche.urls import urlpatterns as site_urlpatterns

pytestmark = pytest.mark.django_db

# Windows are fixed on the clock: the tests run at one moment 30 s into a minute (and well inside
# its hour and day), so that no window turns over between two attempts of a test.
MOMENT = 1_800_001_830.0


@pytest.fixture(autouse=True)
def _still_clock(monkeypatch):
    clock = [MOMENT]
    monkeypatch.setattr(ratelimits.time, "time", lambda: clock[0])
    return clock


def limit(action, scope, burst, burst_seconds=60, sustained=1000, sustained_seconds=3600):
    RateLimit.objects.update_or_create(
        action=action,
        scope=scope,
        defaults={
            "burst_limit": burst,
            "burst_seconds": burst_seconds,
            "sustained_limit": sustained,
            "sustained_seconds": sustained_seconds,
            "enabled": True,
        },
    )
    cache.delete(ratelimits.TABLE_KEY)


def only(action, scope, **numbers):
    """The table holds this one row for the action (the others are switched off)."""
    RateLimit.objects.filter(action=action).update(enabled=False)
    limit(action, scope, **numbers)


def attempts(action, user, address, times):
    """How many of `times` attempts went through before the limit refused."""
    allowed = 0
    with acting_from(address):
        for _ in range(times):
            try:
                spend(action, user)
            except RateLimited:
                continue
            allowed += 1
    return allowed


def test_the_starting_table_limits_every_action_in_every_scope():
    rows = set(RateLimit.objects.filter(enabled=True).values_list("action", "scope"))
    assert rows == {(a, s) for a in RateLimit.Action.values for s in RateLimit.Scope.values}


def test_an_account_over_its_burst_is_refused_and_another_account_is_not():
    only("sign", "account", burst=3)
    first, second = make_user(), make_user()
    assert attempts("sign", first, "203.0.113.7", 5) == 3
    assert attempts("sign", second, "203.0.113.7", 5) == 3


def test_one_address_is_counted_across_accounts():
    only("comment", "address", burst=4)
    people = [make_user() for _ in range(6)]
    allowed = sum(attempts("comment", person, "203.0.113.7", 1) for person in people)
    assert allowed == 4
    # Another address, even in the same network, has its own count.
    assert attempts("comment", people[0], "203.0.113.8", 1) == 1


def test_a_network_is_its_ipv4_slash_24_and_its_ipv6_slash_64():
    only("publish", "network", burst=2)
    person = make_user()
    assert attempts("publish", person, "198.51.100.1", 1) == 1
    assert attempts("publish", person, "198.51.100.250", 1) == 1
    assert attempts("publish", person, "198.51.100.9", 1) == 0  # same /24
    assert attempts("publish", person, "198.51.101.9", 1) == 1  # the next /24
    assert attempts("publish", person, "2001:db8:1:2::1", 2) == 2
    assert attempts("publish", person, "2001:db8:1:2:ffff::9", 1) == 0  # same /64
    assert attempts("publish", person, "::ffff:198.51.100.77", 1) == 0  # IPv4-mapped: same /24


def test_the_sustained_window_refuses_what_bursts_allowed(_still_clock):
    only("rate", "account", burst=2, burst_seconds=10, sustained=5, sustained_seconds=1000)
    person = make_user()
    clock = _still_clock
    clock[0] = 10_000.0
    assert attempts("rate", person, "203.0.113.7", 3) == 2
    clock[0] += 10  # a new burst window, the same sustained one: 3 attempts spent of 5
    assert attempts("rate", person, "203.0.113.7", 3) == 2
    clock[0] += 10  # the burst allows again, the sustained window (6 attempts) does not
    assert attempts("rate", person, "203.0.113.7", 1) == 0
    clock[0] += 1000  # both windows new
    assert attempts("rate", person, "203.0.113.7", 1) == 1


def test_the_refusal_says_what_and_when_in_the_persons_language():
    only("sign", "account", burst=1, burst_seconds=120, sustained=10, sustained_seconds=600)
    person = make_user()
    attempts("sign", person, "203.0.113.7", 1)
    from django.utils import translation

    with translation.override("ru"), acting_from("203.0.113.7"), pytest.raises(RateLimited) as e:
        spend("sign", person)
    assert "подпис" in str(e.value.args[0])
    assert "Попробуйте снова через 2 минуты" in str(e.value.args[0])
    assert 1 <= e.value.retry_after <= 120


def test_a_switched_off_row_counts_nothing():
    only("submit", "account", burst=1)
    RateLimit.objects.filter(action="submit").update(enabled=False)
    cache.delete(ratelimits.TABLE_KEY)
    assert attempts("submit", make_user(), "203.0.113.7", 5) == 5


def test_work_outside_a_request_is_not_counted():
    only("sign", "account", burst=1)
    person = make_user()
    for _ in range(3):
        spend("sign", person)  # the demo loader, the shell, a background task


def test_addresses_are_never_used_as_they_are():
    client = ratelimits.client_for("203.0.113.7")
    assert "203.0.113" not in client.address + client.network
    assert client.network == ratelimits.client_for("203.0.113.99").network
    assert client.address != ratelimits.client_for("203.0.113.99").address


# --- Through the services and the pages -------------------------------------------------------


def test_signing_over_the_limit_stores_no_signature_and_counts_nothing():
    district = make_territory("kazan-vakhitovsky")
    only("sign", "address", burst=2)
    appeals = [make_problem(territory=district).current_appeal for _ in range(3)]
    person = make_resident(district)
    with acting_from("203.0.113.7"):
        sign_appeal(user=person, appeal=appeals[0])
        sign_appeal(user=person, appeal=appeals[1])
        with pytest.raises(RateLimited):
            sign_appeal(user=person, appeal=appeals[2])
    appeals[2].refresh_from_db()
    assert appeals[2].signature_count == 1  # the author's
    assert not Signature.objects.filter(appeal=appeals[2], user=person).exists()


def test_a_signature_keeps_the_hashed_network_it_came_from():
    district = make_territory("kazan-vakhitovsky")
    appeal = make_problem(territory=district).current_appeal
    person = make_resident(district)
    with acting_from("203.0.113.7"):
        signature = sign_appeal(user=person, appeal=appeal)
    signature.refresh_from_db()
    assert signature.source == ratelimits.client_for("203.0.113.200").network


def test_commenting_over_the_limit_is_refused_on_the_page_with_the_message(client):
    only("comment", "account", burst=2)
    problem = make_problem()
    person = make_user()
    client.force_login(person)
    for n in range(3):
        response = client.post(f"/problems/{problem.pk}/comment/", {"text": f"Comment {n}"})
    assert Comment.objects.filter(problem=problem).count() == 2
    response = client.get(problem.get_absolute_url())
    assert "Слишком много попыток" in response.text and "(комментирование)" in response.text


def test_the_sign_button_says_why_it_refused(client):
    district = make_territory("kazan-vakhitovsky")
    only("sign", "network", burst=1)
    problems = [make_problem(territory=district) for _ in range(2)]
    person = make_resident(district)
    client.force_login(person)
    client.post(f"/problems/{problems[0].pk}/sign/", {"agree": "on"}, HTTP_HX_REQUEST="true")
    response = client.post(
        f"/problems/{problems[1].pk}/sign/",
        {"agree": "on"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Too many attempts at signing an appeal" in response.text
    assert not Signature.objects.filter(appeal=problems[1].current_appeal, user=person).exists()


# The API answers a refusal the service raises as problem details (core/errors.py): a view of
# the API lets the service's refusal through, as this one does.
def api_sign(request, pk):
    sign_appeal(user=request.user, appeal=Appeal.objects.get(problem_id=pk))
    from django.http import JsonResponse

    return JsonResponse({"signed": True}, status=201)


urlpatterns = [path("api/test/problems/<int:pk>/sign/", api_sign), *site_urlpatterns]
handler403 = "veche.core.errors.permission_denied"


@pytest.mark.urls(__name__)
def test_the_api_answers_429_problem_details_with_retry_after(client):
    district = make_territory("kazan-vakhitovsky")
    only("sign", "account", burst=1, burst_seconds=60)
    problems = [make_problem(territory=district) for _ in range(2)]
    person = make_resident(district)
    client.force_login(person)
    assert client.post(f"/api/test/problems/{problems[0].pk}/sign/").status_code == 201
    response = client.post(f"/api/test/problems/{problems[1].pk}/sign/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert 1 <= int(response["Retry-After"]) <= 60
    body = json.loads(response.content)
    assert body["status"] == 429
    assert body["title"] == "Too many attempts"
    assert "signing an appeal" in body["detail"]
    assert not Signature.objects.filter(appeal=problems[1].current_appeal, user=person).exists()


@pytest.mark.urls(__name__)
def test_a_refusal_that_is_not_a_rate_limit_stays_403(client):
    district = make_territory("kazan-vakhitovsky")
    problem = make_problem(territory=district)
    client.force_login(make_user())  # not verified: may not sign
    response = client.post(f"/api/test/problems/{problem.pk}/sign/")
    assert response.status_code == 403


# --- Counted in Redis, as in production ----------------------------------------------------------


@pytest.fixture
def redis_prefix(monkeypatch):
    """Redis, with keys of this test's own: the test processes share the server, and a FLUSHDB
    or a SCRIPT FLUSH by one would change what another is counting. The script is made this
    test's own too (a comment changes its SHA-1), so Redis has never seen it."""
    prefix = f"veche-fraud-tests-{uuid.uuid4().hex}"
    redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/11",
            "KEY_PREFIX": prefix,
        }
    }
    monkeypatch.setattr(
        ratelimits, "_INCREMENT_SCRIPT", f"{ratelimits._INCREMENT_SCRIPT}-- {prefix}\n"
    )
    monkeypatch.setattr(ratelimits, "_increment_script", None)
    with override_settings(CACHES=redis):
        client = cache._cache.get_client(write=True)
        try:
            yield prefix
        finally:
            for key in client.scan_iter(f"{prefix}:*"):
                client.delete(key)


def test_redis_counts_each_window_in_one_round_trip_and_refuses_over_the_limit(redis_prefix):
    only("sign", "network", burst=3, sustained=4)
    limit("sign", "account", burst=10, sustained=10)
    person = make_user()
    ratelimits.spend("sign", person)  # outside a request: not counted, no round trip
    with redis_commands() as sent:
        assert attempts("sign", person, "198.51.100.1", 5) == 3
    # Per attempt: the table from the cache, then one script for the four windows; and once,
    # the table stored after the first attempt read it from the database, and the script's
    # text loaded after Redis answered that it did not know it.
    assert len(sent) == 2 * 5 + 1 + 2
    assert sum(b"EVALSHA" in text_of(command) for command in sent) == 5 + 1
    client = cache._cache.get_client()
    keys = client.keys(f"{redis_prefix}:*rl:sign:network:*")
    assert len(keys) == 2  # the burst window and the sustained one
    assert all(client.ttl(key) > 0 for key in keys)


def test_a_counter_left_without_a_lifetime_gets_one_back(redis_prefix):
    only("sign", "network", burst=3, sustained=4)
    person = make_user()
    attempts("sign", person, "198.51.100.1", 1)
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(f"{redis_prefix}:*rl:sign:network:*"))
    assert keys
    for key in keys:
        client.persist(key)  # as a lost EXPIRE would leave it
    assert attempts("sign", person, "198.51.100.1", 1) == 1
    assert all(client.ttl(key) > 0 for key in keys)


# --- The operators' table -------------------------------------------------------------------------


def operator_with(*codenames):
    from django.contrib.auth.models import Permission

    operator = make_user(is_staff=True)
    operator.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return type(operator).objects.get(pk=operator.pk)


def test_an_operators_change_applies_at_once_and_is_audited():
    only("sign", "account", burst=1)
    person = make_user()
    assert attempts("sign", person, "203.0.113.7", 2) == 1  # the table is now in the cache
    row = RateLimit.objects.get(action="sign", scope="account")
    row.burst_limit = 5
    operator = operator_with("change_ratelimit")
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        ratelimits.save_rate_limit(actor=operator, rate_limit=row)
    assert attempts("sign", person, "203.0.113.7", 10) == 3  # 5 in the window, 2 attempts spent
    event = AuditEvent.objects.get(action="rate_limit.changed")
    assert event.actor == operator
    assert event.data == {"burst_limit": [1, 5]}


def test_only_an_operator_with_the_permission_changes_the_table():
    from django.core.exceptions import PermissionDenied

    row = RateLimit.objects.get(action="sign", scope="account")
    row.burst_limit = 1000
    for actor in (make_user(), operator_with("view_ratelimit")):
        with pytest.raises(PermissionDenied):
            ratelimits.save_rate_limit(actor=actor, rate_limit=row)
    assert RateLimit.objects.get(pk=row.pk).burst_limit != 1000
    assert not AuditEvent.objects.filter(action__startswith="rate_limit.").exists()


def test_a_sustained_window_shorter_than_the_burst_is_refused():
    from django.core.exceptions import ValidationError

    row = RateLimit.objects.get(action="sign", scope="account")
    row.sustained_seconds = row.burst_seconds
    with pytest.raises(ValidationError):
        ratelimits.save_rate_limit(actor=operator_with("change_ratelimit"), rate_limit=row)
