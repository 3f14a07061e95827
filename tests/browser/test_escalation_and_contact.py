"""Two journeys after an appeal is sent, lived in Chromium.

When nobody answers: the district administration never registers a residents' appeal; once the
registration days have passed, the author escalates it from the problem's page to the city's
executive committee, the page's timeline tells which deadline was missed, and the committee's
official finds that fact in the history the new appeal carries.

Contact with residents: an official of the addressee writes to everyone who signed the appeal,
publicly; the worker tells each signatory by notice and e-mail (through a real SMTP server), and
a neighbour follows the notice to the problem's page, where the message stands in the timeline.
"""

import datetime

import pytest
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, save_screenshot
from tests.browser.test_appeal_lifecycle import (  # noqa: F401 (a fixture)
    expect_success,
    run_background_tasks,
    signed_in,
    stored_tasks,
)
from tests.factories import make_organization, make_problem, make_resident, make_staff
from tests.sign_in import with_second_factor
from veche.appeals.models import Appeal, Message
from veche.appeals.services import register_appeal, send_appeal_now, sign_appeal
from veche.notifications.models import Notification
from veche.organizations.models import Membership

MESSAGE = (
    "Уважаемые жители! Ремонт двора начнётся 12 мая. Просим в этот день освободить парковку "
    "у домов 12 и 14."
)


def in_russian(message: str, **params) -> str:
    with translation.override("ru"):
        return gettext(message) % params


def russian_date(day: datetime.date) -> str:
    with translation.override("ru"):
        return formats.date_format(day, "j E Y")


def organizations():
    committee = make_organization(
        "kazan-executive-committee",
        ru="Исполнительный комитет г. Казани",
        en="Executive Committee of Kazan",
    )
    administration = make_organization(
        "kazan-vakhitovsky-administration",
        parent=committee,
        ru="Администрация Вахитовского района",
        en="Administration of Vakhitovsky District",
    )
    return committee, administration


def look_at(page, name: str) -> None:
    """Full-page pictures on a desktop and on a phone, when $VECHE_SCREENSHOTS is set."""
    if save_screenshot(page, f"{name}-desktop") is None:
        return
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    save_screenshot(page, f"{name}-phone")
    page.set_viewport_size(size or DESKTOP)


def staff(organization, role=Membership.Role.OFFICIAL):
    return with_second_factor(make_staff(organization, role))  # staff roles must use one


# Escalated today, and read as escalated today: within one day (conftest.py, one_city_day).
@pytest.mark.usefixtures("one_city_day", "stored_tasks")
def test_an_unregistered_appeal_is_escalated_with_its_missed_deadline(
    new_context,
    live_server,
    axe,
    transactional_db,
):
    committee, administration = organizations()
    committee_official = staff(committee)
    problem = make_problem(organization=administration, title="Ямы во дворе на улице Гоголя")
    appeal = problem.current_appeal
    sign_appeal(user=make_resident(problem.territory), appeal=appeal)
    send_appeal_now(author=problem.author, appeal=appeal)
    received = timezone.now() - datetime.timedelta(days=settings.VECHE_REGISTRATION_DAYS + 4)
    Appeal.objects.filter(pk=appeal.pk).update(sent_at=received)
    last_day = timezone.localdate(received) + datetime.timedelta(
        days=settings.VECHE_REGISTRATION_DAYS
    )

    # The author sees that the administration is late, and what she may do about it.
    author = signed_in(new_context, problem.author.email)
    author.goto(problem.get_absolute_url())
    escalate = author.locator(f'form[action="/problems/{problem.pk}/escalate/"]')
    expect(escalate.locator('[name="organization"]')).to_have_value(str(committee.pk))
    panel = author.locator('section[aria-labelledby="escalate-title"]')
    expect(panel.locator(".alert--danger")).to_contain_text(administration.name["ru"])
    expect(panel.locator(".alert--danger")).to_contain_text(russian_date(last_day))
    # Closing is offered only as solved before an answer.
    close = author.locator(f'form[action="/problems/{problem.pk}/close/"]')
    expect(close.locator('input[name="outcome"]')).to_have_value("solved")
    axe(author, "a late appeal, before escalating")
    look_at(author, "appeal-late")
    escalate.locator('button[type="submit"]').click()
    expect_success(author)

    appeal.refresh_from_db()
    problem.refresh_from_db()
    new = problem.current_appeal
    assert (appeal.status, appeal.missed_deadline, appeal.missed_deadline_on) == (
        Appeal.Status.ESCALATED,
        Appeal.MissedDeadline.REGISTRATION,
        last_day,
    )
    assert (new.previous, new.organization) == (appeal, committee)
    history = author.locator('section[aria-labelledby="history-title"] .timeline__item')
    expect(history).to_have_count(2)
    expect(history.nth(0).locator(".timeline__escalation")).to_contain_text(
        administration.name["ru"]
    )
    expect(history.nth(0).locator(".timeline__escalation")).to_contain_text(committee.name["ru"])
    expect(author.locator("#appeal-title")).to_contain_text(committee.name["ru"])
    axe(author, "the escalated appeal")

    # She sends the new appeal at once, with the signatures it has.
    author.once("dialog", lambda dialog: dialog.accept())
    author.locator(f'form[action="/problems/{problem.pk}/send/"] button').click()
    expect_success(author)
    new.refresh_from_db()
    assert new.status == Appeal.Status.SENT

    # The committee's official reads in the new appeal which deadline the district missed.
    official = signed_in(new_context, committee_official.email, second_factor=True)
    official.goto(f"/cabinet/appeals/{new.pk}/")
    earlier = official.locator('section[aria-labelledby="previous-title"]')
    expect(earlier).to_contain_text(administration.name["ru"])
    expect(earlier.locator(".alert--danger")).to_have_text(
        in_russian(
            "Not registered in time: the last day was %(due)s. "
            "The author escalated it on %(date)s.",
            due=russian_date(last_day),
            date=russian_date(timezone.localdate()),
        )
    )
    axe(official, "the escalated appeal in the superior organization's cabinet")


@pytest.mark.usefixtures("stored_tasks")
def test_an_official_writes_to_every_signatory_and_the_public_timeline_shows_it(
    new_context,
    live_server,
    axe,
    smtp_server,
    transactional_db,
):
    _committee, administration = organizations()
    official_user = staff(administration)
    problem = make_problem(organization=administration, title="Ямы во дворе на улице Гоголя")
    appeal = problem.current_appeal
    neighbours = [make_resident(problem.territory) for _ in range(2)]
    for neighbour in neighbours:
        sign_appeal(user=neighbour, appeal=appeal)
    send_appeal_now(author=problem.author, appeal=appeal)
    register_appeal(official=official_user, appeal=appeal, registration_number="ВХ-12/26")
    run_background_tasks()  # everyone hears it was sent and registered
    mails_before = len(smtp_server.messages)

    official = signed_in(new_context, official_user.email, second_factor=True)
    official.goto(f"/cabinet/appeals/{appeal.pk}/")
    form = official.locator(f'form[action="/cabinet/appeals/{appeal.pk}/signatories/"]')
    official.locator("details", has=form).locator("summary").click()
    expect(form.locator('button[type="submit"]')).to_contain_text("3")
    form.locator('[name="signatories-text"]').fill(MESSAGE)
    form.locator('[name="signatories-public"]').check()
    axe(official, "writing to all signatories")
    form.locator('button[type="submit"]').click()
    expect_success(official)
    expect(official.locator("#history")).to_contain_text(MESSAGE[:40])
    message = Message.objects.get()
    assert (message.audience, message.public) == (Message.Audience.SIGNATORIES, True)

    # The worker tells each signatory: a notice, and an e-mail over SMTP.
    run_background_tasks()
    signatories = {problem.author.email, *(neighbour.email for neighbour in neighbours)}
    received = smtp_server.wait_for(mails_before + len(signatories))[mails_before:]
    recipients = smtp_server.recipients[mails_before:]
    assert sorted(address for [address] in recipients) == sorted(signatories)
    for letter in received:
        assert MESSAGE[:40] in letter.get_body(preferencelist=("plain",)).get_content()
    assert Notification.objects.filter(kind="message_to_signatories").count() == 3

    # A neighbour follows the notice to the problem's page; the message is in its timeline.
    neighbour = signed_in(new_context, neighbours[0].email)
    neighbour.goto("/notifications/")
    axe(neighbour, "notifications with the officials' message")
    neighbour.locator(f'main a[href="{problem.get_absolute_url()}"]').first.click()
    neighbour.wait_for_url(f"**{problem.get_absolute_url()}")
    timeline = neighbour.locator('section[aria-labelledby="history-title"]')
    expect(timeline.locator(".answer--message")).to_contain_text(MESSAGE[:40])
    expect(timeline.locator(".answer--message")).to_contain_text(administration.name["ru"])
    axe(neighbour, "the public message in the timeline")
    look_at(neighbour, "appeal-public-message")

    # Anyone, signed in or not, reads it there.
    visitor = new_context().new_page()
    visitor.goto(problem.get_absolute_url())
    expect(visitor.locator(".answer--message")).to_contain_text(MESSAGE[:40])
