"""A signed-in reader's problem page, from the kept copy: what it reads for the person (one
round trip to Redis, one query; a signature's reads go with the account's too) and that what
it shows is theirs and current: their signature and follow, the comment form with their own
token, who may sign after an operator's change. Run on a real Redis, as in production."""

import re
import uuid

import pytest
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_resident
from tests.redis_commands import redis_commands, text_of
from veche.accounts.sessions import HINT_COOKIE, SessionStore
from veche.appeals.models import Comment, Follow, Signature
from veche.appeals.services import sign_appeal, withdraw_signature
from veche.identity.eligibility import rule_for
from veche.identity.models import EligibilityRule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared_pages(settings):
    """Redis, with keys of this test's own in a database no test flushes, and kept pages."""
    prefix = f"veche-signed-in-page-{uuid.uuid4().hex}"
    redis = {
        "default": {
            "BACKEND": "veche.core.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/13",
            "KEY_PREFIX": prefix,
        }
    }
    settings.VECHE_PAGE_CACHE_SECONDS = 5
    settings.SESSION_ENGINE = "veche.accounts.sessions"  # as in production
    with override_settings(CACHES=redis):
        from django.core.cache import cache

        yield
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


def reader(person, **options) -> Client:
    client = Client(**options)
    client.force_login(person)
    return client


def page_of(client, problem) -> str:
    response = client.get(problem.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def token_in(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("signed", [False, True])
def test_a_reader_s_page_takes_one_round_trip_to_redis_and_one_query(problem, district, signed):
    person = make_resident(district)
    if signed:  # the panel then shows the signature's revision and where it went
        sign_appeal(user=person, appeal=problem.current_appeal)
    client = reader(person)
    page_of(client, problem)  # the copy is made; the session settles (consent, last seen)
    page_of(client, problem)
    with redis_commands() as sent, CaptureQueriesContext(connection) as queries:
        page = page_of(client, problem)
    # In one: the session, the account its cookie names with what the header reads for the
    # person (the unread count, the territory picker), the page's copy with who may sign, and
    # the person's record and blocks, which say whether they may (`stamped.reads_ahead`).
    assert len(sent) == 1
    # The person's own signature and follow, in one: nothing else of the signature is read.
    assert len(queries) == 1
    assert "appeals_follow" in queries[0]["sql"] and "appeals_signature" in queries[0]["sql"]
    assert f'data-state="{"signed" if signed else "unsigned"}"' in page


def test_a_visitor_s_page_takes_one_round_trip_to_redis_and_no_query(problem):
    page_of(Client(), problem)  # the copy is made
    with redis_commands() as sent, CaptureQueriesContext(connection) as queries:
        page = page_of(Client(), problem)
    # The copy and its versions, with what every answer reads (the policy's origins), in one.
    assert len(sent) == 1 and b"MGET" in text_of(sent[0])
    assert b"problem-page" in text_of(sent[0])
    assert queries.captured_queries == []
    assert 'data-state="unsigned"' in page and "csrf-slot-" not in page


def test_each_reader_sees_their_own_signature_and_follow(problem, district):
    signed, withdrawn, stranger = (make_resident(district) for _ in range(3))
    appeal = problem.current_appeal
    sign_appeal(user=signed, appeal=appeal)  # signing follows the problem
    sign_appeal(user=withdrawn, appeal=appeal)
    withdraw_signature(user=withdrawn, appeal=appeal)
    Follow.objects.filter(user=withdrawn).delete()
    people = {"signed": signed, "withdrawn": withdrawn, "stranger": stranger}
    pages = {name: page_of(reader(person), problem) for name, person in people.items()}
    assert 'data-state="signed"' in pages["signed"]
    assert 'class="badge badge--ok"' in pages["signed"]  # the revision they signed
    assert f'action="/problems/{problem.pk}/withdraw/"' in pages["signed"]
    assert 'name="follow" value="off"' in pages["signed"]
    for name in ("withdrawn", "stranger"):
        assert 'data-state="unsigned"' in pages[name]
        assert f'action="/problems/{problem.pk}/sign/"' in pages[name]
        assert 'name="follow" value="on"' in pages[name]


def test_the_kept_comment_form_carries_each_reader_s_own_token(problem, district, monkeypatch):
    from veche.appeals.views import problem_page

    first = reader(make_resident(district), enforce_csrf_checks=True)
    first_page = page_of(first, problem)  # makes the copy, with the comment form in it
    built = []
    real_form = problem_page.CommentForm
    monkeypatch.setattr(
        problem_page, "CommentForm", lambda *a, **k: built.append(1) or real_form(*a, **k)
    )
    second = reader(make_resident(district), enforce_csrf_checks=True)
    page = page_of(second, problem)
    assert built == []  # the form came with the copy
    assert 'id="comment-form"' in page and 'name="text"' in page
    assert token_in(page) != token_in(first_page)
    assert "csrf-slot-" not in page
    form = {"text": "Поддерживаю трамвай", "csrfmiddlewaretoken": token_in(page)}
    assert second.post(f"/problems/{problem.pk}/comment/", form).status_code == 302
    assert Comment.objects.filter(problem=problem, text="Поддерживаю трамвай").exists()
    form["csrfmiddlewaretoken"] = token_in(first_page)  # another reader's token does not pass
    assert second.post(f"/problems/{problem.pk}/comment/", form).status_code == 403


def test_an_operator_s_change_of_who_may_sign_shows_on_the_kept_pages_at_once(problem, district):
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    anonymous, person = Client(**english), reader(make_resident(district), **english)
    before = page_of(anonymous, problem), page_of(person, problem)
    rule = rule_for(EligibilityRule.Action.SIGN, problem.current_appeal)
    if rule is None:
        rule = EligibilityRule.objects.create(action="sign")
    rule.min_age = 77
    rule.save()
    after = page_of(anonymous, problem), page_of(person, problem)
    for old, new in zip(before, after, strict=True):
        assert "aged 77 or older" not in old
        assert "aged 77 or older" in new


def test_a_signature_reads_the_cache_with_the_account_in_one_round_trip(problem, district):
    def sign(client):
        url = reverse("appeals:sign", args=[problem.pk])
        return client.post(url, {"agree": "on"}, headers={"HX-Request": "true"})

    sign(reader(make_resident(district)))  # keeps the appeal to sign and the rate limits' table
    client = reader(make_resident(district))
    page_of(client, problem)  # the session settles; the account and the record are kept
    with redis_commands() as sent:
        response = sign(client)
    assert 'data-state="signed"' in response.content.decode()
    commands = [text_of(command) for command in sent]
    # The session, the account, the problem to sign, the person's record and blocks and the
    # rate limits' table in one MGET (`stamped.reads_ahead`); then the rate limits' counters;
    # nothing else.
    assert len(commands) == 2
    assert b"MGET" in commands[0]
    for read in (b"sessions", b":account:", b"appeals:to-sign:", b"eligibility:", b"ratelimits"):
        assert read in commands[0]
    assert b"EVALSHA" in commands[1]


def test_a_get_of_the_sign_address_reads_nothing_for_signing(problem, district):
    client = reader(make_resident(district))
    page_of(client, problem)
    with redis_commands() as sent:
        response = client.get(reverse("appeals:sign", args=[problem.pk]))
    assert response.status_code == 405
    assert not any(b"appeals:to-sign:" in text_of(command) for command in sent)
    assert not any(b"ratelimits" in text_of(command) for command in sent)


def test_the_account_cookie_comes_with_a_sign_in_and_goes_with_the_sign_out(problem, district):
    person = make_resident(district)
    client = reader(person)
    response = client.get(problem.get_absolute_url())
    cookie = response.cookies[HINT_COOKIE]
    assert cookie.value == str(person.pk)
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert HINT_COOKIE not in client.get(problem.get_absolute_url()).cookies  # set once
    response = client.post(reverse("account_logout"))
    assert response.cookies[HINT_COOKIE].value == ""  # deleted
    assert response.cookies[HINT_COOKIE]["max-age"] == 0


def test_the_account_cookie_only_says_where_to_read_ahead(problem, district):
    person, other = make_resident(district), make_resident(district)
    sign_appeal(user=other, appeal=problem.current_appeal)
    page_of(reader(other), problem)  # the other's account and record are kept
    client = reader(person)
    page_of(client, problem)
    client.cookies[HINT_COOKIE] = str(other.pk)  # stale, or forged
    with redis_commands() as sent:
        page = page_of(client, problem)
    assert 'data-state="unsigned"' in page  # the session's person, not the cookie's
    assert len(sent) == 2  # what the cookie named, then what the session names
    # A visitor with a session of their own, not signed in: the cookie signs no one in.
    stranger = Client()
    stranger.post("/territory/choose/", {"territory": district.code})
    assert stranger.cookies["sessionid"].value
    stranger.cookies[HINT_COOKIE] = str(other.pk)
    signatures = Signature.objects.count()
    response = stranger.post(reverse("appeals:sign", args=[problem.pk]), {"agree": "on"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Signature.objects.count() == signatures
    assert response.cookies[HINT_COOKIE]["max-age"] == 0  # and it is dropped


def test_a_signature_under_a_cookie_naming_another_is_the_session_s(problem, district):
    person, other = make_resident(district), make_resident(district)
    client = reader(person)
    page_of(client, problem)
    client.cookies[HINT_COOKIE] = str(other.pk)
    url = reverse("appeals:sign", args=[problem.pk])
    response = client.post(url, {"agree": "on"}, headers={"HX-Request": "true"})
    assert 'data-state="signed"' in response.content.decode()
    assert Signature.objects.filter(user=person).count() == 1
    assert not Signature.objects.filter(user=other).exists()
    assert response.cookies[HINT_COOKIE].value == str(person.pk)  # set right


def test_a_session_the_cache_lost_is_read_from_the_database_once(problem, district):
    person = make_resident(district)
    client = reader(person)
    page_of(client, problem)
    cache.delete(KEY_PREFIX + client.cookies["sessionid"].value)
    with redis_commands() as sent:
        response = client.get(problem.get_absolute_url())
    assert response.wsgi_request.user == person
    # Read ahead with the account and found missing, it is not asked for again, only put back.
    commands = [text_of(command) for command in sent]
    assert b"MGET" in commands[0]
    assert not any(b"GET" in command and b"sessions" in command for command in commands[1:])
    assert cache.get(KEY_PREFIX + client.cookies["sessionid"].value)


def test_a_session_ended_elsewhere_drops_the_cookie(problem, district):
    person = make_resident(district)
    client = reader(person)
    page_of(client, problem)
    SessionStore(client.cookies["sessionid"].value).delete()  # a sign-out on another machine
    response = client.get(problem.get_absolute_url())
    assert not response.wsgi_request.user.is_authenticated
    assert response.cookies[HINT_COOKIE]["max-age"] == 0
