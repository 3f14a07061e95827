"""A hearing's meeting on its pages: the broadcast embedded only from a listed site (and the
page's frame-src for it alone), the remark form during the meeting, the organizer's page, and
the operator's list of broadcast sites."""

import pytest

from tests.factories import make_discussion, make_resident, make_user
from tests.sign_in import enter
from veche.core.models import AuditEvent
from veche.discussions import services
from veche.discussions.models import BroadcastOrigin, Discussion, Submission
from veche.discussions.tests.meeting_cast import (
    BROADCAST,
    REMARK,
    broadcast_operator,
    hearing,
    organizer_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]


def with_broadcast(discussion, url=BROADCAST):
    Discussion.objects.filter(pk=discussion.pk).update(broadcast_url=url)
    discussion.refresh_from_db()
    return discussion


def allow(origin="https://video.example.ru"):
    return BroadcastOrigin.objects.create(origin=origin, reason="Regional broadcasting")


# --- The broadcast ------------------------------------------------------------------------------


def test_a_broadcast_from_a_listed_site_is_embedded_and_framed_from_it_alone(client):
    discussion = with_broadcast(hearing())
    allow()
    response = client.get(discussion.get_absolute_url())
    page = response.content.decode()
    assert f'<iframe src="{BROADCAST}"' in page
    assert 'sandbox="allow-scripts allow-same-origin allow-presentation allow-popups"' in page
    assert "allowfullscreen" in page
    policy = response["Content-Security-Policy"]
    assert "frame-src https://video.example.ru" in policy
    assert policy.count("frame-src") == 1 and "default-src 'self'" in policy


def test_a_broadcast_elsewhere_is_a_link_and_the_policy_frames_nothing(client):
    discussion = with_broadcast(hearing(), "https://stream.elsewhere.example/live/1")
    allow()
    response = client.get(discussion.get_absolute_url())
    page = response.content.decode()
    assert "<iframe" not in page
    assert "Watch the broadcast on stream.elsewhere.example" in page
    assert 'target="_blank" rel="noopener noreferrer"' in page
    assert "frame-src" not in response["Content-Security-Policy"]


def test_a_site_taken_off_the_list_is_no_longer_framed(client):
    discussion = with_broadcast(hearing())
    allowed = allow()
    assert "<iframe" in client.get(discussion.get_absolute_url()).content.decode()
    services.disallow_broadcast_origin(user=broadcast_operator(), allowed=allowed)
    response = client.get(discussion.get_absolute_url())
    assert "<iframe" not in response.content.decode()
    assert "frame-src" not in response["Content-Security-Policy"]


def test_a_stored_hostile_link_is_never_embedded(client):
    discussion = with_broadcast(hearing(), "javascript:alert(1)//https://video.example.ru")
    allow()
    response = client.get(discussion.get_absolute_url())
    assert "<iframe" not in response.content.decode()
    assert "javascript:" not in response.content.decode()
    assert "frame-src" not in response["Content-Security-Policy"]


def test_a_public_discussion_has_no_meeting_panel(client):
    discussion = make_discussion()
    assert 'id="meeting"' not in client.get(discussion.get_absolute_url()).content.decode()


# --- The remark ---------------------------------------------------------------------------------


def test_a_resident_sends_a_remark_in_two_steps_and_sees_its_number(client):
    discussion = hearing()
    resident = make_resident(discussion.territory)
    enter(client, resident)
    page = client.get(discussion.get_absolute_url()).content.decode()
    assert "Send a remark to the meeting" in page
    url = f"/discussions/{discussion.pk}/meeting/remark/"
    checking = client.post(url, {"text": REMARK})
    assert checking.status_code == 200
    assert "Identification data" in checking.content.decode()
    assert not Submission.objects.exists()
    done = client.post(url, {"text": REMARK, "confirm": "yes"}, follow=True)
    submission = Submission.objects.get()
    assert submission.channel == Submission.Channel.MEETING_ONLINE
    assert submission.registration_number in done.content.decode()


def test_outside_the_meeting_no_form_is_offered_and_a_post_is_refused(client):
    discussion = hearing(started_minutes_ago=-60)
    enter(client, make_resident(discussion.territory))
    assert (
        "Send a remark to the meeting"
        not in client.get(discussion.get_absolute_url()).content.decode()
    )
    url = f"/discussions/{discussion.pk}/meeting/remark/"
    response = client.post(url, {"text": REMARK, "confirm": "yes"}, follow=True)
    assert "only while the meeting lasts" in response.content.decode()
    assert not Submission.objects.exists()


def test_someone_not_eligible_is_told_why_and_sees_no_form(client):
    discussion = hearing()
    enter(client, make_user())
    page = client.get(discussion.get_absolute_url()).content.decode()
    assert "You cannot send a remark to the meeting" in page
    assert "Send a remark to the meeting" not in page


def test_a_visitor_is_sent_to_sign_in_to_send_a_remark(client):
    discussion = hearing()
    response = client.post(f"/discussions/{discussion.pk}/meeting/remark/", {"text": REMARK})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- The organizer's page -----------------------------------------------------------------------


def test_the_organizer_sets_the_broadcast_on_the_meeting_page(client):
    discussion = hearing()
    enter(client, organizer_of(discussion))
    url = f"/discussions/{discussion.pk}/meeting/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"place": discussion.meeting_place, "length": 90, "broadcast_url": BROADCAST}
    )
    assert response.status_code == 302
    discussion.refresh_from_db()
    assert discussion.broadcast_url == BROADCAST


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "data:text/html,x", "http://video.example.ru/live"]
)
def test_the_meeting_page_says_why_a_link_is_refused(client, link):
    discussion = hearing()
    enter(client, organizer_of(discussion))
    response = client.post(
        f"/discussions/{discussion.pk}/meeting/",
        {"place": discussion.meeting_place, "length": 60, "broadcast_url": link},
    )
    assert response.status_code == 400
    assert "https://" in response.content.decode()
    discussion.refresh_from_db()
    assert discussion.broadcast_url == ""


def test_the_record_is_published_and_shown_on_the_hearing(client):
    discussion = hearing(started_minutes_ago=120)
    enter(client, organizer_of(discussion))
    response = client.post(
        f"/discussions/{discussion.pk}/meeting/record/",
        {"minutes": "**Five** participants spoke.", "recording_url": "https://video.example.ru/r"},
    )
    assert response.status_code == 302
    page = client.get(discussion.get_absolute_url()).content.decode()
    assert "<strong>Five</strong> participants spoke." in page
    assert 'href="https://video.example.ru/r"' in page


def test_residents_have_no_meeting_page(client):
    discussion = hearing()
    enter(client, make_resident(discussion.territory))
    assert client.get(f"/discussions/{discussion.pk}/meeting/").status_code in (403, 404)


def test_a_public_discussion_has_no_meeting_page(client):
    discussion = make_discussion()
    enter(client, organizer_of(discussion))
    assert client.get(f"/discussions/{discussion.pk}/meeting/").status_code == 403


# --- The operator's list ------------------------------------------------------------------------


def test_staff_without_the_permission_are_refused_the_list(client):
    enter(client, make_user(is_staff=True))
    assert client.get("/discussions/broadcast-sites/").status_code == 403
    response = client.post(
        "/discussions/broadcast-sites/", {"origin": "https://video.example.ru", "reason": "x"}
    )
    assert response.status_code == 403
    assert not BroadcastOrigin.objects.exists()


def test_an_operator_allows_and_removes_a_site_with_audit_rows(client):
    operator = broadcast_operator()
    enter(client, operator)
    response = client.post(
        "/discussions/broadcast-sites/",
        {"origin": "https://video.example.ru/", "reason": "Regional broadcasting"},
        follow=True,
    )
    assert "Hearings may now show broadcasts from https://video.example.ru." in (
        response.content.decode()
    )
    allowed = BroadcastOrigin.objects.get()
    assert allowed.origin == "https://video.example.ru" and allowed.added_by == operator
    event = AuditEvent.objects.get(action="discussions.broadcast_origin_allowed")
    assert event.actor == operator
    client.post(f"/discussions/broadcast-sites/{allowed.pk}/remove/")
    assert not BroadcastOrigin.objects.exists()
    assert AuditEvent.objects.filter(action="discussions.broadcast_origin_disallowed").exists()


def test_the_list_refuses_a_path_or_plain_http(client):
    enter(client, broadcast_operator())
    for origin in ("https://video.example.ru/live", "http://video.example.ru", "javascript:x"):
        response = client.post("/discussions/broadcast-sites/", {"origin": origin, "reason": "x"})
        assert response.status_code == 400
    assert not BroadcastOrigin.objects.exists()


def test_operators_find_the_list_from_the_organizations(client):
    enter(client, broadcast_operator())
    assert "/discussions/broadcast-sites/" in client.get("/organizations/").content.decode()
    client.logout()
    assert "/discussions/broadcast-sites/" not in client.get("/organizations/").content.decode()


# --- The API ------------------------------------------------------------------------------------


def test_the_api_gives_the_broadcast_and_the_published_record(client):
    discussion = with_broadcast(hearing(started_minutes_ago=120))
    url = f"/api/v1/discussions/{discussion.pk}/"
    data = client.get(url).json()
    assert data["broadcast_url"] == BROADCAST and data["meeting_record"] is None
    services.publish_meeting_record(
        user=organizer_of(discussion),
        discussion=discussion,
        minutes="Five participants spoke.",
        recording_url="https://video.example.ru/r",
    )
    record = client.get(url).json()["meeting_record"]
    assert record["minutes"] == "Five participants spoke."
    assert record["recording_url"] == "https://video.example.ru/r"
    assert "meeting_record" in str(client.get("/api/v1/schema/", {"format": "json"}).json())
