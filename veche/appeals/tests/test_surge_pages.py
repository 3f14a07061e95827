"""The problem page under a surge: visitors who are not signed in get a copy from the shared
cache with their own CSRF token and the live count fetched apart; signing answers with the
signing panel only; signatories come a page at a time."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import make_resident, make_territory
from veche.appeals.models import Appeal, Signature
from veche.appeals.queries import SIGNATORIES_PAGE
from veche.appeals.services import sign_appeal

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_pages(settings, monkeypatch):
    settings.VECHE_PAGE_CACHE_SECONDS = 5
    # One process here: its own cache is what every request of the test reads.
    monkeypatch.setattr("veche.core.stamped.is_shared", lambda: True)


def token_in(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_visitors_get_the_page_from_the_cache_each_with_a_token_of_their_own(shared_pages, problem):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get(problem.get_absolute_url()).content.decode()
    with CaptureQueriesContext(connection) as queries:
        second_page = second.get(problem.get_absolute_url()).content.decode()
    assert len(queries) == 0
    assert "Вернуть трамвай" in second_page
    assert token_in(first_page) != token_in(second_page)
    # The token each visitor got works with their own cookie: the language switch posts.
    form = {"language": "en", "next": "/", "csrfmiddlewaretoken": token_in(second_page)}
    assert second.post("/i18n/setlang/", form).status_code == 302
    form["csrfmiddlewaretoken"] = token_in(first_page)  # another visitor's token does not
    assert second.post("/i18n/setlang/", form).status_code == 403


def test_the_cached_page_fetches_the_live_count_which_counts_every_signature(
    shared_pages, client, problem, district
):
    client.get(problem.get_absolute_url())  # now in the cache, with one signature (the author's)
    for _ in range(2):
        sign_appeal(user=make_resident(district), appeal=problem.current_appeal)
    page = client.get(problem.get_absolute_url()).content.decode()
    assert 'data-count="1"' in page  # the copy, a few seconds old
    assert 'hx-trigger="load, every 10s"' in page  # …asks for the live count at once
    live = client.get(f"/problems/{problem.pk}/count/").content.decode()
    assert 'data-count="3"' in live


def test_signed_in_people_get_the_copy_with_their_own_parts(shared_pages, problem, district):
    author = problem.author
    as_author = Client()
    as_author.force_login(author)
    first = as_author.get(problem.get_absolute_url()).content.decode()  # renders the copy
    assert "/edit/" in first and "/send/" in first  # the author's own actions
    person = make_resident(district)
    client = Client()
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(problem.get_absolute_url()).content.decode()
    # The person's own panel, header and forms; nothing of the author's; no marks left.
    assert f'action="/problems/{problem.pk}/sign/"' in page
    assert f'action="/problems/{problem.pk}/comment/"' in page
    assert "/accounts/logout/" in page
    assert "/edit/" not in page and "/send/" not in page
    assert "<!--slot-" not in page and "<!--/slot-" not in page
    assert 'hx-trigger="load, every 10s"' in page  # the count the copy holds is fetched anew
    assert token_in(page) != token_in(first)
    # The page itself came from the copy: no query reads the comments or the history.
    assert not any("appeals_comment" in q["sql"] for q in queries)
    anonymous = Client().get(problem.get_absolute_url()).content.decode()
    assert "/accounts/logout/" not in anonymous and "/edit/" not in anonymous


def test_a_visitor_with_a_message_or_a_query_gets_the_page_made_for_them(
    shared_pages, client, problem
):
    client.get(problem.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        client.get(problem.get_absolute_url() + "?reply=1")
    assert len(queries) > 0


@pytest.mark.parametrize("reply", ["9" * 5000, "²", "0"])
def test_a_reply_that_names_no_comment_opens_the_page(client, problem, reply):
    response = client.get(problem.get_absolute_url(), {"reply": reply})
    assert response.status_code == 200


def test_the_sign_button_answers_with_the_signing_panel(client, problem, district):
    person = make_resident(district)
    client.force_login(person)
    response = client.post(
        f"/problems/{problem.pk}/sign/", {"agree": "on"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="panel sign-box" id="sign-box"')
    assert 'data-state="signed"' in html
    assert 'class="message message--success"' in html
    assert 'data-count="2"' in html
    assert Signature.objects.filter(appeal=problem.current_appeal, user=person).count() == 1


def test_a_refusal_comes_back_in_the_panel_with_its_reason(client, problem):
    stranger = make_resident(make_territory("elsewhere"))
    client.force_login(stranger)
    response = client.post(
        f"/problems/{problem.pk}/sign/", {"agree": "on"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert 'data-state="unsigned"' in html
    assert 'class="message message--error"' in html
    assert not Signature.objects.filter(user=stranger).exists()


def test_without_javascript_signing_redirects_to_the_page(client, problem, district):
    client.force_login(make_resident(district))
    response = client.post(f"/problems/{problem.pk}/sign/", {"agree": "on"})
    assert response.status_code == 302
    assert Appeal.objects.get(pk=problem.current_appeal_id).signature_count == 2


def test_signatories_come_a_page_at_a_time_in_the_order_they_signed(client, problem, district):
    people = [make_resident(district) for n in range(SIGNATORIES_PAGE + 5)]
    revision = problem.current_appeal.current_revision
    Signature.objects.bulk_create(
        Signature(appeal=problem.current_appeal, user=p, revision=revision, full_name="И")
        for p in people
    )
    page = client.get(problem.get_absolute_url()).content.decode()
    first_url = f"/problems/{problem.pk}/signatories/"
    # Loaded when the reader opens the list; without JavaScript, a link to their page.
    assert f'hx-get="{first_url}" hx-trigger="toggle once"' in page
    assert page.count('<li class="signatories__more">') == 1
    first = client.get(first_url, headers={"HX-Request": "true"}).content.decode()
    assert first.count("<li>") == SIGNATORIES_PAGE
    more = re.search(r'hx-get="(/problems/\d+/signatories/\?after=\d+)"', first).group(1)
    rest = client.get(more, headers={"HX-Request": "true"}).content.decode()
    assert rest.count("<li>") == 6  # the author's signature came first: 1 + 55 - 50
    assert "signatories__more" not in rest
    assert client.get(more).status_code == 200  # the same page without JavaScript


def test_what_a_person_changes_shows_on_their_next_page_and_everyone_s(
    shared_pages, problem, district
):
    url = problem.get_absolute_url()
    person = make_resident(district)
    client = Client()
    client.force_login(person)
    client.get(url)  # the copies are kept…
    Client().get(url)
    response = client.post(f"/problems/{problem.pk}/comment/", {"text": "Трамвай нужен к зиме"})
    assert response.status_code == 302
    assert "Трамвай нужен к зиме" in client.get(url).content.decode()  # …and now stale
    assert "Трамвай нужен к зиме" in Client().get(url).content.decode()


def test_a_signature_leaves_the_kept_page_as_it_is(shared_pages, problem, district):
    Client().get(problem.get_absolute_url())
    sign_appeal(user=make_resident(district), appeal=problem.current_appeal)
    with CaptureQueriesContext(connection) as queries:
        Client().get(problem.get_absolute_url())
    assert len(queries) == 0  # the surge's readers keep their copy; the count comes live


def test_a_resident_s_text_cannot_forge_the_marks_of_a_part(shared_pages, problem, district):
    from veche.core import slots

    forged = slots.opening("core/_header.html") + "FORGED" + slots.closing("core/_header.html")
    person = make_resident(district)
    client = Client()
    client.force_login(person)
    client.post(f"/problems/{problem.pk}/comment/", {"text": forged})
    page = client.get(problem.get_absolute_url()).content.decode()
    assert "FORGED" in page  # shown as the text it is…
    assert forged not in page  # …escaped, so no part of the page is taken for it
    assert page.count('class="site-header"') == 1


def test_with_each_process_s_own_cache_signed_in_people_get_a_page_made_for_them(
    settings, problem, district
):
    settings.VECHE_PAGE_CACHE_SECONDS = 5
    Client().get(problem.get_absolute_url())
    client = Client()
    client.force_login(make_resident(district))
    with CaptureQueriesContext(connection) as queries:
        client.get(problem.get_absolute_url())
    assert any("appeals_comment" in q["sql"] for q in queries)


def test_the_kept_page_holds_no_author_s_password_or_e_mail(shared_pages, problem, district):
    from django.core.cache import cache

    client = Client()
    client.force_login(make_resident(district))
    client.get(problem.get_absolute_url())
    Client().get(problem.get_absolute_url())
    held = [v for k, v in cache._cache.items() if "problem-page:" in k]  # the pickled values
    assert len(held) == 2
    held = b"".join(held)
    assert "Вернуть трамвай".encode() in held  # the copies themselves, pickled…
    author = problem.author  # …hold nothing of the author's account but the name
    assert author.email.encode() not in held
    assert author.password.encode() not in held


def test_a_comment_naming_the_token_s_stand_in_never_carries_a_reader_s_token(
    shared_pages, problem, district
):
    from veche.appeals.views.problem_page import _token_slot

    writer = Client()
    writer.force_login(make_resident(district))
    bait = f"[read more](https://example.org/?t={_token_slot()})"
    writer.post(f"/problems/{problem.pk}/comment/", {"text": bait})
    for reader in (Client(), writer):
        page = reader.get(problem.get_absolute_url()).content.decode()
        token = token_in(page)
        assert "example.org" in page
        assert page.count(token) == page.count('name="csrfmiddlewaretoken"')  # in forms only
