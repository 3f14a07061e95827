"""A deputy's office takes up a problem publicly, lived in Chromium (issue 10, item 8).

The deputy's assistant opens a problem addressed to a district administration, writes the
letter, previews it on the deputy's letterhead and sends it. The problem's page then shows
"Taken up by" with the deputy's office, the date and the letter; the worker e-mails the letter
with its PDF to the administration's appeals address through a real SMTP server; an anonymous
visitor sees who took the problem up and opens the letter's verification page.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.test_appeal_lifecycle import (  # noqa: F401 (a fixture)
    expect_success,
    run_background_tasks,
    signed_in,
    stored_tasks,
)
from tests.browser.test_escalation_and_contact import in_russian, look_at, staff
from tests.factories import make_organization, make_problem
from veche.appeals.models import TakeUp
from veche.organizations.models import Membership, Organization

LETTER = (
    "Депутат поддерживает жителей: ямы во дворе опасны для детей и машин скорой помощи. "
    "Прошу включить ремонт двора в план работ этого сезона и сообщить жителям сроки."
)


@pytest.mark.usefixtures("stored_tasks")
def test_a_deputys_office_takes_up_a_problem_and_its_page_shows_it(
    new_context, live_server, axe, smtp_server, transactional_db
):
    administration = make_organization(
        "kazan-vakhitovsky-administration",
        ru="Администрация Вахитовского района",
        en="Administration of Vakhitovsky District",
    )
    deputy = make_organization(
        "deputy-galiev",
        kind=Organization.Kind.DEPUTY,
        ru="Депутат Казанской городской думы Галиев Р. М.",
        en="Kazan City Duma deputy R. M. Galiev",
    )
    deputy.letterhead_heading = {"ru": "ДЕПУТАТ КАЗАНСКОЙ ГОРОДСКОЙ ДУМЫ\nГалиев Ренат Маратович"}
    deputy.save()
    problem = make_problem(organization=administration, title="Ямы во дворе на улице Гоголя")
    assistant = staff(deputy, Membership.Role.OFFICIAL)
    assistant.last_name, assistant.first_name = "Хасанова", "Лилия"  # the letter is signed by name
    assistant.save(update_fields=["last_name", "first_name"])
    run_background_tasks()
    mails_before = len(smtp_server.messages)

    page = signed_in(new_context, assistant.email, second_factor=True)
    page.goto(problem.get_absolute_url())
    page.get_by_role("link", name=in_russian("Take up this problem")).click()
    expect(page.locator("h1")).to_have_text(in_russian("Take up the problem publicly"))
    page.locator('textarea[name="text"]').fill(LETTER)
    page.get_by_role("button", name=in_russian("Preview")).click()
    preview = page.locator(".letter-preview")
    expect(preview).to_contain_text("ДЕПУТАТ КАЗАНСКОЙ ГОРОДСКОЙ ДУМЫ")
    expect(preview).to_contain_text(administration.name["ru"])
    expect(preview).to_contain_text(problem.title)
    expect(preview).to_contain_text("Хасанова Лилия")
    assert not TakeUp.objects.exists()
    axe(page, "the letter taking up a problem, previewed")
    look_at(page, "take-up-preview")

    page.get_by_role("button", name=in_russian("Send the letter")).click()
    expect_success(page)
    panel = page.locator("#taken-up")
    expect(panel.get_by_role("link", name=deputy.name["ru"])).to_have_attribute(
        "href", deputy.get_absolute_url()
    )
    take_up = TakeUp.objects.get()
    expect(panel.locator(f'a[href="{take_up.document.get_absolute_url()}"]')).to_have_count(1)
    expect(page.locator(".timeline__taken-up")).to_contain_text(deputy.name["ru"])
    # Its only organization has taken the problem up: nothing more is offered.
    expect(panel.get_by_role("link", name=in_russian("Take up this problem"))).to_have_count(0)
    axe(page, "the problem's page with the organization that took it up")
    look_at(page, "take-up-problem-page")

    # The worker e-mails the letter, with its PDF, to the administration's appeals address.
    run_background_tasks()
    [letter] = [
        message
        for message in smtp_server.wait_for(mails_before + 1)[mails_before:]
        if message["To"] == administration.dispatch_email
    ]
    [attachment] = list(letter.iter_attachments())
    assert attachment.get_content().startswith(b"%PDF")

    # Anyone sees who took the problem up and checks the letter by its code.
    visitor = new_context().new_page()
    visitor.goto(problem.get_absolute_url())
    visitor.locator("#taken-up").get_by_role("link", name=in_russian("verify it")).click()
    expect(visitor.locator("body")).to_contain_text(take_up.document.code)
    expect(visitor.get_by_role("link", name=problem.title)).to_have_count(1)
