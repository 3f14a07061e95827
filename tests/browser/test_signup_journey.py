"""A newcomer's whole first visit: sign up, confirm the e-mail, sign in, switch the language."""

import re

from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from tests.factories import PASSWORD

EMAIL = "new.resident@example.org"
CONFIRMATION_LINK = re.compile(r"https?://\S+?/accounts/confirm-email/[^\s/]+/")


def mail_text(message) -> str:
    return message.get_body(preferencelist=("plain", "html")).get_content()


def test_newcomer_signs_up_confirms_the_address_signs_in_and_switches_language(
    page, live_server, smtp_server, axe, transactional_db
):
    page.goto("/")
    # A browser that asks for Russian gets the site in Russian, the city's language.
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    axe(page, "home")

    page.locator('header a[href="/accounts/signup/"]').click()
    page.wait_for_url("**/accounts/signup/")
    axe(page, "sign-up page")

    signup = page.locator('form[action="/accounts/signup/"]')
    signup.locator('input[name="email"]').fill(EMAIL)
    signup.locator('input[name="password1"]').fill(PASSWORD)
    signup.locator('input[name="password2"]').fill(PASSWORD)
    # Whatever consents the form requires (processing of personal data), the newcomer gives.
    for consent in signup.locator('input[type="checkbox"][required]').all():
        consent.check()
    signup.locator('button[type="submit"]').click()
    page.wait_for_url("**/accounts/confirm-email/")
    axe(page, "'verification sent' page")

    [message] = smtp_server.wait_for(1)
    assert smtp_server.recipients == [[EMAIL]]
    assert message["To"] == EMAIL
    link = CONFIRMATION_LINK.search(mail_text(message))
    assert link, f"no confirmation link in the e-mail:\n{mail_text(message)}"

    # Mail scanners follow links: opening the link must only show the form.
    page.goto(link.group(0))
    expect(page.locator("main").get_by_text(EMAIL).first).to_be_visible()
    confirm = page.locator('main form[method="post"][action^="/accounts/confirm-email/"]')
    expect(confirm).to_have_count(1)
    assert not EmailAddress.objects.get(email=EMAIL).verified
    axe(page, "confirmation page")

    # The form's key is signed anew on every render (its timestamp may differ from the mail's).
    confirm.locator('button[type="submit"]').click()
    page.wait_for_url("**/accounts/login/")
    assert EmailAddress.objects.get(email=EMAIL).verified
    axe(page, "sign-in page, after the confirmation")
    login = page.locator('form[action="/accounts/login/"]')
    login.locator('input[name="login"]').fill(EMAIL)
    login.locator('input[name="password"]').fill(PASSWORD)
    login.locator('button[type="submit"]').click()
    page.wait_for_url("**/accounts/profile/")
    expect(page.locator("main").get_by_text(EMAIL, exact=True)).to_be_visible()
    expect(page.locator('header form[action="/accounts/logout/"]')).to_have_count(1)
    axe(page, "profile page")

    html = page.locator("html")
    language_switch = page.locator('header form[action="/i18n/setlang/"]')
    expect(html).to_have_attribute("lang", "ru")
    language_switch.locator('button[name="language"][value="en"]').click()
    expect(html).to_have_attribute("lang", "en")
    assert page.url.endswith("/accounts/profile/")
    expect(language_switch.locator('button[value="en"]')).to_have_attribute("aria-current", "true")
    axe(page, "profile page in English")

    language_switch.locator('button[name="language"][value="ru"]').click()
    expect(html).to_have_attribute("lang", "ru")
    axe(page, "profile page back in Russian")
