"""A report lived in Chromium, in Russian: a neighbour reports a comment that publishes someone's
phone number; a moderator finds it in the workspace the header offers, reads it with the reason,
and hides it on the ground "other people's personal data"; the public sees the ground in its
place; the author follows the notice to the decision and contests it; a second moderator reverses
the decision and the comment is shown again. Each page of the workspace passes axe-core."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_escalation_and_contact import in_russian, look_at
from tests.factories import make_organization, make_problem, make_resident, make_staff
from tests.outbox import deliver_everything
from tests.sign_in import with_second_factor
from veche.appeals.services import add_comment
from veche.moderation.models import Decision
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)

COMMENT = "Это всё соседка из кв. 12, Анна Петрова, тел. 8-917-123-45-67 — звоните ей."
OBJECTION = "Это мой собственный рабочий телефон, я сам его опубликовал."


def moderator():
    return with_second_factor(make_staff(make_organization(), Membership.Role.MODERATOR))


def test_a_moderator_hides_a_reported_comment_and_its_author_contests_it(new_context, axe):
    problem = make_problem()
    comment = add_comment(author=problem.author, problem=problem, text=COMMENT)
    neighbour = make_resident(problem.territory)
    first, second = moderator(), moderator()

    # A neighbour reports the comment from the problem's page.
    page = sign_in(new_context().new_page(), neighbour.email)
    page.goto(problem.get_absolute_url())
    page.locator(f'#comment-{comment.pk} a:text("{in_russian("Report")}")').click()
    page.get_by_label(in_russian("someone's personal data")).check()
    page.get_by_label(in_russian("Details")).fill("Чужой телефон.")
    page.get_by_role("button", name=in_russian("Send to moderators")).click()
    expect(page.locator(".message--success")).to_have_count(1)
    page.context.close()

    # The moderator opens the workspace from the header and decides.
    page = sign_in(new_context().new_page(), first.email, second_factor=True)
    page.locator(".account-nav").get_by_role("link", name=in_russian("Moderation")).click()
    expect(page.locator(".moderation-item")).to_have_count(1)
    expect(page.locator(".moderation-item")).to_contain_text("8-917-123-45-67")
    expect(page.locator(".moderation-item")).to_contain_text("Чужой телефон.")
    axe(page, "the moderators' queue")
    look_at(page, "moderation-queue")
    page.locator(".moderation-item").get_by_role("link", name=in_russian("Decide")).click()
    axe(page, "a reported item")
    look_at(page, "moderation-item")
    hide = page.locator("form.moderation-action", has=page.locator('input[value="hide"]'))
    hide.get_by_label(in_russian("Ground")).select_option("personal_data")
    hide.get_by_label(in_russian("Explanation to the author")).fill("Номер телефона соседки.")
    hide.get_by_role("button", name=in_russian("Hide")).click()
    expect(page.locator(".message--success")).to_contain_text(
        in_russian("The content is hidden; its author is told why.")
    )
    page.context.close()

    # The public sees the ground in the comment's place.
    page = new_context().new_page()
    page.goto(problem.get_absolute_url())
    placeholder = page.locator(f"#comment-{comment.pk}")
    expect(placeholder).not_to_contain_text("8-917-123-45-67")
    expect(placeholder).to_contain_text(in_russian("other people's personal data"))
    placeholder.scroll_into_view_if_needed()
    look_at(page, "moderation-placeholder")
    page.context.close()

    # The author is told (the worker makes the notice), follows it and contests once.
    deliver_everything()
    page = sign_in(new_context().new_page(), problem.author.email)
    page.goto("/notifications/")
    page.get_by_role(
        "link", name=in_russian("A moderator hid your text (%(kind)s)", kind="комментарий")
    ).click()
    expect(page.locator("main")).to_contain_text(in_russian("a moderator of the platform"))
    expect(page.locator("main")).to_contain_text("Номер телефона соседки.")
    axe(page, "the author's page of the decision")
    look_at(page, "moderation-decision")
    page.get_by_label(in_russian("Why the decision is wrong")).fill(OBJECTION)
    page.get_by_role("button", name=in_russian("Contest the decision")).click()
    expect(page.locator("main")).to_contain_text(
        in_russian("Another moderator will decide; you will be told.")
    )
    expect(page.get_by_role("button", name=in_russian("Contest the decision"))).to_have_count(0)
    page.context.close()

    # A second moderator reverses it (the first may not: test_workspace.py; a code of the
    # authenticator app is not taken twice, so the first does not sign in again here).
    page = sign_in(new_context().new_page(), second.email, second_factor=True)
    page.goto("/moderation/")
    page.get_by_role("link", name=in_russian("content hidden").capitalize(), exact=False).click()
    expect(page.locator("main")).to_contain_text(OBJECTION)
    axe(page, "a contest")
    look_at(page, "moderation-contest")
    page.get_by_label(in_russian("Reverse the decision")).check()
    page.get_by_label(in_russian("Answer to the author")).fill(
        "Человек опубликовал свой номер сам."
    )
    page.get_by_role("button", name=in_russian("Decide")).click()
    expect(page.locator(".message--success")).to_have_count(1)
    page.goto(problem.get_absolute_url())
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("8-917-123-45-67")
    assert Decision.objects.get(action="hide").contest.outcome == "reversed"

    # The public record counts the decision under its ground and month, beside the rules.
    page.goto("/moderation/record/")
    expect(page.locator("table.moderation-record tbody tr")).to_have_count(1)
    axe(page, "the public record of moderation")
    look_at(page, "moderation-record")
