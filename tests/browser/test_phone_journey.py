"""A resident confirms her mobile number on a phone without JavaScript: a typo is explained
beside the field, the code comes by SMS, and the page then shows the confirmed number."""

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, language_cookie, sign_in
from tests.factories import make_user
from tests.phone import sent_code
from veche.identity.eligibility import person_facts
from veche.identity.models import Level


def test_resident_confirms_her_phone_without_javascript(
    new_context, live_server, sms_outbox, axe, transactional_db
):
    resident = make_user("alsu@example.org")
    # axe-core needs scripts, so each step is checked in a second context that runs them.
    checker = new_context(viewport=PHONE).new_page()
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    for browser_page in (page, checker):
        browser_page.context.add_cookies([language_cookie(live_server, "en")])
        sign_in(browser_page, resident.email)

    page.goto("/verification/")
    phone = page.locator("section[aria-labelledby=phone-title]")
    expect(phone).to_contain_text("Confirm your phone")
    phone.get_by_label("Mobile phone number").fill("8 916 123-45")
    phone.get_by_role("button", name="Send a code").click()
    expect(phone.locator(".field__errors")).to_contain_text("is not a valid phone number")
    checker.goto("/verification/")
    checker.locator("#id_number").fill("8 916 123-45")
    checker.get_by_role("button", name="Send a code").click()
    axe(checker, "a refused phone number")

    phone.get_by_label("Mobile phone number").fill("8 916 123-45-67")
    phone.get_by_role("button", name="Send a code").click()
    expect(page.locator(".message--success")).to_contain_text("+7 916 123-45-67")
    assert [message.to for message in sms_outbox] == ["+79161234567"]
    code = sent_code()
    checker.goto("/verification/")
    axe(checker, "the code step")

    phone.get_by_label("Code from the text message").fill(code)
    phone.get_by_role("button", name="Confirm the number").click()
    expect(page.locator(".message--success")).to_contain_text("Your phone number is confirmed.")
    expect(page.locator("dl.facts")).to_contain_text("+7 916 123-45-67")
    assert person_facts(resident).level == Level.PHONE
    checker.goto("/verification/")
    axe(checker, "the confirmed phone")
