"""A refused htmx request is shown on the page, lived in Chromium (issue 16: overload is answered,
not suffered).

htmx shows nothing of an answer 4xx or 5xx: before, a resident who pressed "Sign" while the
server shed load with 503 saw the button do nothing, and could not tell whether they had signed.
Now the refusal appears by the form; one shed from a full queue, which carried nothing out, is
sent again by the page after Retry-After, a few times at most; an expired form says to reload;
a lost connection says so; a session ended elsewhere takes the page to sign in and back.

The server's queue is simulated where gunicorn's worker notes it (`veche.core.overload`): the
live server's handler notes, for the requests a test names, that they waited a minute for a
thread, and the real middleware sheds them.
"""

import itertools
import time

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.test_appeal_lifecycle import signed_in
from tests.browser.test_escalation_and_contact import in_russian
from tests.browser.test_support_after_dispatch import look_at
from tests.factories import PASSWORD, make_discussion, make_problem, make_resident
from veche.appeals import services as services_signing
from veche.appeals.models import Signature
from veche.core import overload
from veche.core.errors import CSRF_ACTION_TEXT
from veche.discussions import services

BUSY = "Too many people are using it at this moment. Nothing was saved from this request yet: the page sends it again by itself in a few seconds."  # noqa: E501
GAVE_UP = "Veche is still too busy, and nothing was saved from this request. Try again in a minute."
NO_ANSWER = "Veche did not answer: the connection may have been lost. Check it, then reload the page to see whether what you sent went through."  # noqa: E501


@pytest.fixture
def queue(monkeypatch, settings):
    """`queue.shed(path, times)`: the next `times` requests to `path` waited a minute for a
    thread, as gunicorn's worker would note it; `queue.posts[path]` lists when each POST came,
    `queue.gets[path]` each GET."""
    settings.VECHE_QUEUE_LIMIT_MS = 500
    settings.VECHE_RETRY_AFTER_SECONDS = 1
    handle = WSGIHandler.__call__
    state = {"shed": {}, "POST": {}, "GET": {}}

    def noting(self, environ, start_response):
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        if method in ("GET", "POST"):
            state[method].setdefault(path, []).append(time.monotonic())
        if state["shed"].get(path, 0) > 0:
            state["shed"][path] -= 1
            overload.note_queued(time.monotonic() - 60)
        try:
            return handle(self, environ, start_response)
        finally:
            overload.note_queued(None)

    monkeypatch.setattr(WSGIHandler, "__call__", noting)

    class Queue:
        posts = state["POST"]
        gets = state["GET"]

        @staticmethod
        def shed(path: str, times: int) -> None:
            state["shed"][path] = times

    return Queue


def open_to_sign(new_context):
    """A resident on an appeal's page, the box to agree ticked: the problem, the sign address,
    the resident, the page and its sign form."""
    problem = make_problem(threshold=10)
    resident = make_resident(problem.territory, last_name="Сафина", first_name="Гульнара")
    page = signed_in(new_context, resident.email)
    page.goto(problem.get_absolute_url())
    sign = f"/problems/{problem.pk}/sign/"
    form = page.locator(f'form[action="{sign}"]')
    form.locator('input[name="agree"]').check()
    return problem, sign, resident, page, form


def press(form, queue=None, *, shed: int = 0):
    """Press the form's button, the first `shed` of its POSTs shed from a full queue; the
    refusal shown by the form, if one comes."""
    if shed:
        queue.shed(form.get_attribute("action"), times=shed)
    form.locator('button[type="submit"]').click()
    return form.locator("[data-request-error]")


def test_a_signature_shed_by_a_full_queue_is_shown_and_sent_again_by_the_page(
    new_context, live_server, queue, transactional_db
):
    problem, sign, resident, page, form = open_to_sign(new_context)
    refusal = press(form, queue, shed=2)
    expect(refusal).to_contain_text(in_russian("Veche is very busy right now"))
    expect(refusal).to_contain_text(in_russian(BUSY))
    expect(refusal).to_have_attribute("role", "alert")
    look_at(page, "sign-refused-busy")
    box = page.locator("#sign-box")
    expect(box).to_have_attribute("data-state", "signed", timeout=10_000)
    expect(box).to_contain_text(in_russian("You have signed the appeal. Thank you!"))
    expect(page.locator("[data-request-error]")).to_have_count(0)
    # Two refusals, then the signature: each resend waited the second Retry-After names.
    posts = queue.posts[sign]
    assert len(posts) == 3
    assert all(later - earlier >= 0.95 for earlier, later in itertools.pairwise(posts))
    assert Signature.objects.filter(appeal=problem.current_appeal, user=resident).count() == 1


def test_the_page_gives_up_after_three_resends_and_says_so(
    new_context, live_server, queue, transactional_db
):
    problem, sign, resident, page, form = open_to_sign(new_context)
    refusal = press(form, queue, shed=100)
    expect(refusal).to_contain_text(in_russian(BUSY))
    first = refusal.element_handle()
    expect(refusal).to_contain_text(in_russian(GAVE_UP), timeout=15_000)
    assert len(queue.posts[sign]) == 4  # the first and three resends
    # One alert all along, its words changed once: put in again at each resend, a screen
    # reader would read it out four times.
    assert first.evaluate("node => node.isConnected")
    page.wait_for_timeout(2_500)
    assert len(queue.posts[sign]) == 4
    # The person may press again, and is served once the queue empties.
    queue.shed(sign, times=0)
    press(form)
    expect(page.locator("#sign-box")).to_have_attribute("data-state", "signed")
    assert Signature.objects.filter(appeal=problem.current_appeal, user=resident).count() == 1


def test_a_press_of_the_persons_own_while_a_resend_waits_starts_the_count_again(
    new_context, live_server, queue, transactional_db
):
    _, sign, _, page, form = open_to_sign(new_context)
    refusal = press(form, queue, shed=100)
    expect(refusal).to_contain_text(in_russian(BUSY))
    first = refusal.element_handle()
    press(form)  # before the page's own resend, due a second or more later
    # Refused again in the same words, the person's own press is answered by a new alert (one
    # a screen reader reads out); the page's own resends keep it.
    page.wait_for_function("node => !node.isConnected", arg=first, timeout=5_000)
    expect(refusal).to_contain_text(in_russian(GAVE_UP), timeout=15_000)
    assert len(queue.posts[sign]) == 5  # two presses and three resends after the second


def test_who_signed_refused_when_opened_is_loaded_again_by_the_page(
    new_context, live_server, queue, transactional_db
):
    problem = make_problem(threshold=10)
    signatory = make_resident(problem.territory)
    services_signing.sign_appeal(user=signatory, appeal=problem.current_appeal)
    page = new_context().new_page()
    page.goto(problem.get_absolute_url())
    who = f"/problems/{problem.pk}/signatories/"
    queue.shed(who, times=1)
    details = page.locator("details.signatories")
    details.locator("summary").click()
    expect(details.locator("[data-request-error]")).to_contain_text(in_russian(BUSY))
    look_at(page, "who-signed-refused-busy")
    # The author and the signatory, where the link to the whole list stood.
    expect(details.locator("ol > li")).to_have_count(2, timeout=10_000)
    expect(details.locator("[data-request-error]")).to_have_count(0)
    assert len(queue.gets[who]) == 2
    assert queue.gets[who][1] - queue.gets[who][0] >= 0.95


def test_an_expired_form_says_to_reload_and_is_not_sent_again(
    new_context, live_server, queue, transactional_db
):
    problem, sign, resident, page, form = open_to_sign(new_context)
    page.context.clear_cookies()  # the browser's cookies cleared: the form's CSRF cookie too
    refusal = press(form)
    with translation.override("ru"):
        expect(refusal).to_contain_text(str(CSRF_ACTION_TEXT))
    look_at(page, "sign-refused-expired")
    page.wait_for_timeout(1_500)
    assert len(queue.posts[sign]) == 1
    assert not Signature.objects.filter(appeal=problem.current_appeal, user=resident).exists()


def test_a_lost_connection_is_said_by_the_form(new_context, live_server, queue, transactional_db):
    _, sign, _, page, form = open_to_sign(new_context)
    page.route(f"**{sign}", lambda route: route.abort("internetdisconnected"))
    expect(press(form)).to_contain_text(in_russian(NO_ANSWER))
    # Pressed again once the connection is back: the refusal goes, the signature is made.
    page.unroute(f"**{sign}")
    press(form)
    expect(page.locator("#sign-box")).to_have_attribute("data-state", "signed")
    expect(page.locator("[data-request-error]")).to_have_count(0)
    assert sign not in queue.posts or len(queue.posts[sign]) == 1


def test_a_mark_shed_is_sent_again_with_the_button_that_was_pressed(
    new_context, live_server, queue, transactional_db
):
    discussion = make_discussion(stage="intake")
    author = make_resident(discussion.territory)
    proposal = services.submit(
        user=author, discussion=discussion, kind="proposal", text="Сохранить липы на бульваре."
    )
    page = signed_in(new_context, make_resident(discussion.territory).email)
    page.goto(f"/discussions/{discussion.pk}/proposals/")
    mark = f"/discussions/submissions/{proposal.pk}/mark/"
    marks = page.locator(f"#marks-{proposal.pk}")
    assert marks.locator("form").get_attribute("action") == mark
    queue.shed(mark, times=1)
    # "Object", the second of the form's buttons: resent without it, the form would carry no
    # kind, and mean taking a mark back.
    marks.get_by_role("button", name=in_russian("Object")).click()
    expect(marks.locator("[data-request-error]")).to_contain_text(in_russian(BUSY))
    page.locator("h1").click()  # the focus leaves the button (htmx forgets which was pressed)
    expect(marks.get_by_role("button", name="✓ " + in_russian("I object"))).to_be_visible()
    expect(marks.locator(".debate-marks__counts")).to_contain_text(in_russian("Objections") + ": 1")
    assert len(queue.posts[mark]) == 2
    expect(page.locator("[data-request-error]")).to_have_count(0)


def test_a_session_ended_elsewhere_takes_the_page_to_sign_in_and_back(
    new_context, live_server, queue, transactional_db
):
    problem, _, resident, page, form = open_to_sign(new_context)
    page.context.clear_cookies(name="sessionid")  # signed out in another tab; CSRF cookie kept
    press(form)
    page.wait_for_url(f"**/accounts/login/?next=%2Fproblems%2F{problem.pk}%2F")
    assert page.locator("#sign-box").count() == 0  # the whole page went, not the box
    login = page.locator('form[action^="/accounts/login/"]')
    login.locator('input[name="login"]').fill(resident.email)
    login.locator('input[name="password"]').fill(PASSWORD)
    login.locator('button[type="submit"]').click()
    page.wait_for_url(f"**{problem.get_absolute_url()}")
    form.locator('input[name="agree"]').check()
    press(form)
    expect(page.locator("#sign-box")).to_have_attribute("data-state", "signed")
    assert Signature.objects.filter(appeal=problem.current_appeal, user=resident).count() == 1
