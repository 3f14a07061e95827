"""A public hearing's meeting online, in the browser: while it lasts a resident watches the
broadcast (embedded from a listed site) and sends a remark, which is registered with the
hearing's next number and a receipt; after it the organizer publishes its record, which the
hearing's page shows. Checked with axe, on a phone and on a desktop."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import language_cookie, save_screenshot, sign_in
from tests.factories import make_resident
from tests.sign_in import with_second_factor
from veche.discussions import services
from veche.discussions.models import BroadcastOrigin, Discussion, Submission
from veche.discussions.tests.meeting_cast import BROADCAST, REMARK, hearing

PHONE = {"width": 375, "height": 812}
PLAYER = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
    "<title>Live broadcast</title></head>"
    "<body style='background:#222;color:#fff;font:20px sans-serif'><p>● Live: the hearing</p>"
    "</body></html>"
)


def signed_in(new_context, live_server, email: str, *, staff: bool = False, **options):
    context = new_context(**options)
    context.add_cookies([language_cookie(live_server, "en")])
    # The broadcasting site, answered in the browser itself: the test needs no network.
    context.route(
        "https://video.example.ru/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=PLAYER),
    )
    return sign_in(context.new_page(), email, second_factor=staff)


def test_a_remark_is_registered_during_the_meeting(new_context, live_server, axe, transactional_db):
    discussion = hearing()
    Discussion.objects.filter(pk=discussion.pk).update(broadcast_url=BROADCAST)
    BroadcastOrigin.objects.create(origin="https://video.example.ru", reason="Regional TV")
    resident = make_resident(discussion.territory, email="resident@example.org")
    earlier = services.submit(
        user=make_resident(discussion.territory),
        discussion=discussion,
        kind="proposal",
        text="Сделать велодорожку вдоль улицы Пушкина.",
    )
    organizer = discussion.created_by
    with_second_factor(organizer)

    # During the meeting, on a phone: the player, then the remark in two steps.
    page = signed_in(new_context, live_server, resident.email, viewport=PHONE)
    page.goto(discussion.get_absolute_url())
    meeting = page.locator("#meeting")
    expect(meeting.locator("iframe")).to_have_attribute("src", BROADCAST)
    expect(meeting.frame_locator("iframe").locator("body")).to_contain_text("Live")
    expect(meeting.get_by_role("heading", name="Send a remark to the meeting")).to_be_visible()
    axe(page, "the hearing during its meeting, on a phone")
    save_screenshot(page, "meeting-hearing-phone")
    meeting.locator('textarea[name="text"]').fill(REMARK)
    meeting.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Identification data")).to_be_visible()
    axe(page, "checking the remark")
    page.get_by_role("button", name="Confirm and send").click()
    remark = Submission.objects.get(channel=Submission.Channel.MEETING_ONLINE)
    assert remark.number == earlier.number + 1
    expect(page.locator(".receipt__number")).to_have_text(remark.registration_number)
    expect(page.locator(".message--success")).to_have_count(1)
    axe(page, "the remark's receipt")
    save_screenshot(page, "meeting-receipt-phone")

    # The same hearing on a desktop.
    page = signed_in(new_context, live_server, resident.email)
    page.goto(discussion.get_absolute_url())
    expect(page.locator("#meeting iframe")).to_be_visible()
    save_screenshot(page, "meeting-hearing-desktop")

    # After the meeting the organizer publishes its record; the hearing shows it.
    Discussion.objects.filter(pk=discussion.pk).update(
        meeting_at=timezone.now() - datetime.timedelta(hours=3)
    )
    page = signed_in(new_context, live_server, organizer.email, staff=True)
    page.goto(f"/discussions/{discussion.pk}/meeting/")
    record = page.locator(f'form[action="/discussions/{discussion.pk}/meeting/record/"]')
    record.locator('textarea[name="minutes"]').fill(
        "Twelve participants spoke; **three** remarks were sent online."
    )
    record.locator('input[name="recording_url"]').fill("https://video.example.ru/rec/12")
    record.get_by_role("button", name="Publish the record").click()
    expect(page.locator(".message--success")).to_have_count(1)
    axe(page, "the organizer's meeting page")
    save_screenshot(page, "meeting-organizer-desktop")
    page.goto(discussion.get_absolute_url())
    meeting = page.locator("#meeting")
    expect(meeting.locator("strong", has_text="three")).to_be_visible()
    expect(meeting.get_by_role("link", name="Recording of the meeting")).to_have_attribute(
        "href", "https://video.example.ru/rec/12"
    )
    expect(meeting).to_contain_text("1 remark was registered at the meeting.")
    expect(meeting.locator("iframe")).to_have_count(0)
    axe(page, "the hearing with its meeting's record")
    save_screenshot(page, "meeting-record-desktop")
