"""Pre-moderation lived in Chromium, in Russian: a new resident who has confirmed only a phone
publishes a problem where the site pre-moderates accounts below the census; they see it
"awaiting moderation", nobody else does; a moderator finds it in the workspace and refuses it
on a published ground; the author, told the ground, contests the refusal; a second moderator
reverses it and the problem is published for everyone. Each new page passes axe-core."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_escalation_and_contact import in_russian, look_at
from tests.factories import (
    make_category,
    make_organization,
    make_resident,
    make_staff,
    make_territory,
)
from tests.outbox import deliver_everything
from tests.sign_in import with_second_factor
from veche.appeals.models import Problem
from veche.identity.models import Level
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Нет пандуса у входа в поликлинику № 7"
APPEAL = "Просим оборудовать пандус у главного входа в поликлинику № 7 на улице Гоголя."
OBJECTION = "Это не реклама: пандуса действительно нет, вот адрес."


def moderator():
    return with_second_factor(make_staff(make_organization(), Membership.Role.MODERATOR))


def test_a_held_problem_is_refused_contested_and_published(new_context, axe, settings):
    settings.VECHE_PREMODERATION_BELOW_LEVEL = "census"
    district = make_territory(ru="Вахитовский район", en="Vakhitovsky District")
    make_organization(jurisdiction=[district])
    category = make_category()
    newcomer = make_resident(district, level=Level.PHONE)
    first, second = moderator(), moderator()

    # The newcomer publishes; the page says it awaits a moderator.
    page = sign_in(new_context().new_page(), newcomer.email)
    page.goto("/problems/new/")
    form = page.locator("main form.form")
    form.locator('[name="title"]').fill(TITLE)
    form.locator('[name="category"]').select_option(str(category.pk))
    form.locator('[name="territory"]').select_option(str(district.pk))
    form.locator('[name="description"]').fill("Маломобильные пациенты не могут войти.")
    form.locator('[name="appeal_text"]').fill(APPEAL)
    form.locator('button[name="confirm"][value="check"]').click()
    form.locator('button[name="confirm"][value="publish"]').click()
    page.wait_for_url(re.compile(r"/problems/\d+/$"))
    expect(page.locator(".message--success")).to_contain_text(
        in_russian(
            "Your problem is sent to the moderators: it is published once a moderator approves it."
        )
    )
    expect(page.locator("main")).to_contain_text(in_russian("Awaiting moderation"))
    axe(page, "the author's page of a problem awaiting moderation")
    look_at(page, "premoderation-awaiting")
    problem = Problem.objects.get(title=TITLE)
    url = page.url
    page.context.close()

    # Nobody else sees it.
    page = new_context().new_page()
    assert page.goto(url).status == 404
    page.goto("/problems/")
    expect(page.locator("main")).not_to_contain_text(TITLE)
    page.context.close()

    # The first moderator finds it in the queue and refuses it on a ground.
    page = sign_in(new_context().new_page(), first.email, second_factor=True)
    page.goto("/moderation/")
    awaiting = page.locator("section[aria-labelledby=awaiting-title] .moderation-item")
    expect(awaiting).to_have_count(1)
    expect(awaiting).to_contain_text(TITLE)
    axe(page, "the queue with a problem awaiting pre-moderation")
    look_at(page, "premoderation-queue")
    awaiting.get_by_role("link", name=in_russian("Decide")).click()
    axe(page, "a problem awaiting pre-moderation")
    look_at(page, "premoderation-item")
    refuse = page.locator("form.moderation-action", has=page.locator('input[value="refuse"]'))
    refuse.get_by_label(in_russian("Ground")).select_option("spam")
    refuse.get_by_label(in_russian("Explanation to the author")).fill("Похоже на рекламу.")
    refuse.get_by_role("button", name=in_russian("Refuse")).click()
    expect(page.locator(".message--success")).to_contain_text(
        in_russian("Refused: its author is told the ground.")
    )
    page.context.close()

    # The author is told the ground, sees it on the problem's page and contests once.
    deliver_everything()
    page = sign_in(new_context().new_page(), newcomer.email)
    page.goto(url)
    expect(page.locator("main")).to_contain_text(
        in_russian(
            "A moderator refused to publish this problem. Ground: %(ground)s.",
            ground=in_russian("spam or advertising"),
        )
    )
    axe(page, "the author's page of a refused problem")
    look_at(page, "premoderation-refused")
    page.get_by_role("link", name=in_russian("Contest the refusal")).click()
    page.get_by_label(in_russian("Why the decision is wrong")).fill(OBJECTION)
    page.get_by_role("button", name=in_russian("Contest the decision")).click()
    expect(page.locator("main")).to_contain_text(
        in_russian("Another moderator will decide; you will be told.")
    )
    page.context.close()

    # A second moderator reverses the refusal: the problem is published.
    page = sign_in(new_context().new_page(), second.email, second_factor=True)
    page.goto("/moderation/")
    page.get_by_role(
        "link", name=in_russian("publication refused").capitalize(), exact=False
    ).click()
    expect(page.locator("main")).to_contain_text(OBJECTION)
    page.get_by_label(in_russian("Reverse the decision")).check()
    page.get_by_label(in_russian("Answer to the author")).fill("Это не реклама, публикуем.")
    page.get_by_role("button", name=in_russian("Decide")).click()
    expect(page.locator(".message--success")).to_have_count(1)
    page.context.close()

    page = new_context().new_page()
    page.goto(url)
    expect(page.locator("h1")).to_have_text(TITLE)
    page.goto("/problems/")
    expect(page.locator("main")).to_contain_text(TITLE)
    problem.refresh_from_db()
    assert problem.status == Problem.Status.PUBLISHED
