"""Veche on more than one machine, as the README's "Running on more than one machine" runs it,
here on one: two gunicorn app servers and two background workers (each with its outbox sweep)
in production settings, sharing one PostgreSQL database, one Redis and one media folder.

One appeal is signed through both app servers at once by distinct verified residents, more than
its threshold needs: every signature the site said it took is stored and counted and shown,
no other, and the appeal reaches its addressee exactly once. Sessions are read from the shared
cache: one ended on one machine is ended on the other."""

import re
from typing import NamedTuple
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils.crypto import get_random_string

from tests.concurrency import at_once
from tests.factories import make_problem, make_resident, make_territory
from tests.production import (
    ONLY_POSTGRESQL,
    empty_redis,
    fetch,
    processes,
    production_env,
    redis_url,
)
from tests.servers import MailStore, mail_server, wait_until
from veche.appeals.models import DISPATCH_KIND, Appeal, Dispatch, Signature
from veche.core.models import OutboxMessage

pytestmark = [pytest.mark.django_db(transaction=True), ONLY_POSTGRESQL]

RESIDENTS = 30
# The author and 24 residents; the last six sign after the appeal has gone, and count too
# (support goes on after the dispatch, short of a supplementary list's doubling).
THRESHOLD = 25
SIGNED = "You have signed the appeal. Thank you!"
WORKER_OPTIONS = ("--interval", "0.2", "--no-reload", "--no-startup-delay")
SHOWN_COUNT = re.compile(r'<p class="sign-box__count"><strong>(\d+)</strong>')


class Machines(NamedTuple):
    app_servers: list[str]
    mail: MailStore


@pytest.fixture
def machines(tmp_path, settings, static_root):
    """Two machines' processes: on each an app server, a task worker and an outbox sweep (the
    clock command as a service), against the test database, a Redis database of their own and
    a real SMTP server."""
    cache = redis_url(14)  # not test_production_stack's: the two may run at the same time
    with mail_server() as mail, empty_redis(cache):
        env = production_env(
            tmp_path,
            STATIC_ROOT=str(static_root),
            CACHE_URL=cache,
            EMAIL_URL=f"smtp://127.0.0.1:{mail.port}?timeout=30",
        )
        # The residents' sessions are made here: signed with the machines' key.
        settings.SECRET_KEY = env["SECRET_KEY"]
        with processes(env, tmp_path) as started:
            app_servers = []
            for machine in ("one", "two"):
                app_servers.append(started.app_server(f"{machine}-gunicorn"))
                started.start(f"{machine}-worker", "veche", "db_worker", *WORKER_OPTIONS)
                started.start(f"{machine}-sweep", "veche", "outbox_sweep", "--every", "1")
            started.wait_until_serving()
            yield Machines(app_servers, mail.handler)


class Refused(Exception):
    """The page after the signing said something other than that the signature was taken."""


def session_of(person) -> str:
    client = Client()
    client.force_login(person)
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def sign_through(app_server: str, session: str, problem_url: str) -> None:
    """What a browser does: post the signing form, then open the page it is sent back to, which
    shows the outcome. Raises Refused unless that says the signature was taken."""
    token = get_random_string(32)
    cookies = {django_settings.SESSION_COOKIE_NAME: session, "csrftoken": token}
    answer = fetch(
        f"{app_server}{problem_url}sign/",
        data={"csrfmiddlewaretoken": token, "agree": "on"},
        headers={"Origin": f"https://{urlsplit(app_server).netloc}", **browser(cookies)},
    )
    assert answer.status == 302, answer.body[:500]
    for cookie in answer.headers.get_all("Set-Cookie", []):
        name, _, value = cookie.split(";")[0].partition("=")
        cookies[name] = value
    page = fetch(app_server + answer.headers["Location"], headers=browser(cookies))
    assert page.status == 200, page.body[:500]
    if SIGNED not in page.body.decode():
        raise Refused


def browser(cookies: dict[str, str]) -> dict[str, str]:
    """The headers of a browser holding these cookies, reading in English."""
    jar = "; ".join(f"{name}={value}" for name, value in cookies.items())
    return {"Cookie": jar, "Accept-Language": "en"}


def shown_count(app_server: str, problem_url: str) -> int:
    page = fetch(app_server + problem_url)
    assert page.status == 200
    return int(SHOWN_COUNT.search(page.body.decode()).group(1))


def signed_in(app_server: str, session: str) -> bool:
    """Whether the profile opens for this session cookie (else: sent to the sign-in page)."""
    answer = fetch(
        f"{app_server}/accounts/profile/",
        headers=browser({django_settings.SESSION_COOKIE_NAME: session}),
    )
    if answer.status == 302:
        assert "/accounts/login/" in answer.headers["Location"]
        return False
    assert answer.status == 200, answer.status
    return True


def sign_out(app_server: str, session: str) -> None:
    token = get_random_string(32)
    answer = fetch(
        f"{app_server}/accounts/logout/",
        data={"csrfmiddlewaretoken": token},
        headers={
            "Origin": f"https://{urlsplit(app_server).netloc}",
            **browser({django_settings.SESSION_COOKIE_NAME: session, "csrftoken": token}),
        },
    )
    assert answer.status == 302, answer.body[:500]


def test_one_appeal_signed_through_two_app_servers_is_counted_exactly_and_sent_once(machines):
    district = make_territory("kazan-vakhitovsky")
    problem = make_problem(territory=district, threshold=THRESHOLD)
    url = problem.get_absolute_url()
    sessions = [session_of(make_resident(district)) for _ in range(RESIDENTS)]
    # Residents take turns between the app servers, as a load balancer would send them.
    presses = [
        (machines.app_servers[number % 2], session) for number, session in enumerate(sessions)
    ]

    outcomes = at_once(lambda press: sign_through(*press, url), presses, refusals=(Refused,))

    appeal = Appeal.objects.get(pk=problem.current_appeal_id)
    stored = Signature.objects.filter(appeal=appeal, withdrawn_at__isnull=True).count()
    assert outcomes == {"done": RESIDENTS}
    assert stored == RESIDENTS + 1 == appeal.signature_count  # and the author
    assert [shown_count(server, url) for server in machines.app_servers] == [stored, stored]
    assert appeal.status == Appeal.Status.SENT

    # One dispatch, one letter, sent in one attempt (by whichever worker claimed it).
    [dispatch] = Dispatch.objects.filter(appeal=appeal)
    letter = OutboxMessage.objects.get(kind=DISPATCH_KIND, target_id=dispatch.pk)
    wait_until(
        lambda: OutboxMessage.objects.get(pk=letter.pk).state == OutboxMessage.State.SENT,
        "a worker to send the appeal",
        seconds=45,
    )
    letter.refresh_from_db()
    assert letter.attempts == 1
    [received] = machines.mail.sent_to(dispatch.recipient)
    assert received["Message-ID"] == letter.message_id

    # Both machines read a resident's session from the shared cache once they have seen it; a
    # sign-out through one is a sign-out through both.
    one, two = machines.app_servers
    assert signed_in(one, sessions[0]) and signed_in(two, sessions[0])
    sign_out(one, sessions[0])
    assert not signed_in(two, sessions[0])
    assert signed_in(two, sessions[1])
