"""The inbox: a person sees and marks only their own notices, at a fixed number of queries."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from veche.notifications.models import Notification, NotificationPreference

from .builders import make_notification, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client):
    user = person()
    client.force_login(user)
    return user


def test_inbox_needs_sign_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_inbox_shows_only_own_notices_with_unread_marked(client, reader):
    unread = make_notification(reader, title="Your appeal was registered")
    read = make_notification(reader, title="Your appeal was sent")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    make_notification(person(), title="Someone else's answer")
    html = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert unread.title in html and read.title in html
    assert "Someone else" not in html
    assert html.count("notification--unread") == 1
    assert f'href="{unread.url}"' in html


def test_marking_a_notice_read(client, reader):
    notice = make_notification(reader)
    response = client.post("/notifications/read/", {"notification": [notice.pk]})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_marking_someone_elses_notice_read_changes_nothing(client, reader):
    theirs = make_notification(person())
    client.post("/notifications/read/", {"notification": [theirs.pk, "junk"]})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_own_notices(client, reader):
    mine = [make_notification(reader) for _ in range(3)]
    theirs = make_notification(person())
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_is_never_a_get(client, reader):
    notice = make_notification(reader)
    assert client.get("/notifications/read-all/").status_code == 405
    assert client.get(f"/notifications/read/?notification={notice.pk}").status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None


def test_inbox_query_count_does_not_grow_with_notices(
    client, reader, django_assert_max_num_queries
):
    make_notification(reader)
    client.get("/notifications/")  # the first request of a session does its one-time checks
    with django_assert_max_num_queries(8) as few:
        client.get("/notifications/")
    for _ in range(29):
        make_notification(reader)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/notifications/")
    assert response.content.decode().count("notification--unread") == 30


def test_settings_page_saves_the_email_mode(client, reader):
    page = client.get("/notifications/settings/")
    assert page.status_code == 200
    assert NotificationPreference.objects.get(user=reader).email_mode == "immediate"
    client.post("/notifications/settings/", {"email_mode": "digest"})
    assert NotificationPreference.objects.get(user=reader).email_mode == "digest"


def test_settings_refuse_an_unknown_mode(client, reader):
    response = client.post("/notifications/settings/", {"email_mode": "hourly"})
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=reader).email_mode == "immediate"


def test_unread_count_tag_counts_own_unread_notices_once_per_request(
    reader, django_assert_num_queries
):
    make_notification(reader)
    make_notification(reader)
    make_notification(person())
    request = RequestFactory().get("/")
    request.user = reader
    template = Template(
        "{% load notifications %}{% unread_notification_count as n %}{{ n }}|"
        "{% unread_notification_count as again %}{{ again }}"
    )
    with django_assert_num_queries(1):
        assert template.render(Context({"request": request})) == "2|2"


def test_header_link_shows_the_unread_count_to_signed_in_people_only(reader):
    make_notification(reader)
    template = Template("{% load notifications %}{% notifications_link %}")
    request = RequestFactory().get("/")
    request.user = reader
    request.resolver_match = None
    html = template.render(Context({"request": request}))
    assert 'href="/notifications/"' in html
    assert '<span class="badge">1' in html
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert template.render(Context({"request": request})).strip() == ""


def test_with_a_shared_cache_the_count_is_kept_until_a_notice_comes_or_one_is_read(
    reader, monkeypatch, django_assert_num_queries
):
    """The header's count on every signed-in page: counted once, then read from the cache until
    a notice is made for the person, or they read one."""
    from tests.factories import make_discussion
    from veche.discussions.notices import MeetingRecordPublished
    from veche.notifications import services
    from veche.notifications.queries import unread_count

    monkeypatch.setattr("veche.core.stamped.is_shared", lambda: True)
    make_notification(reader)
    assert unread_count(reader) == 1
    with django_assert_num_queries(0):
        assert unread_count(reader) == 1
    services.notify(
        MeetingRecordPublished(), subject=make_discussion(), extra={}, user_ids=[reader.pk]
    )
    assert unread_count(reader) == 2
    services.mark_read(user=reader, ids=[Notification.objects.filter(user=reader).first().pk])
    assert unread_count(reader) == 1
    services.mark_all_read(user=reader)
    assert unread_count(reader) == 0
    make_notification(reader)  # made past the services (the admin): the lifetime bounds it
    assert unread_count(reader) == 0
