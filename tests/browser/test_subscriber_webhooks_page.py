"""A subscriber adds a webhook endpoint for the public events of a territory in the browser,
without JavaScript's help: a private address is refused with the reason, the secret is shown
once. Each state passes axe and is photographed on a desktop and a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, language_cookie, save_screenshot, sign_in
from tests.factories import make_territory, make_user
from veche.api.models import WebhookSubscription

DESK = "desk@newsroom.example"


@pytest.fixture(autouse=True)
def _public_receivers_only(settings):
    settings.VECHE_WEBHOOK_ALLOW_NETWORKS = []


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_subscriber_adds_an_endpoint(new_context, live_server, axe, language):
    city = make_territory("kazan", ru="Казань", en="Kazan")
    make_user(DESK)
    context = new_context(viewport=DESKTOP)
    context.add_cookies([language_cookie(live_server, language)])
    page = sign_in(context.new_page(), DESK)
    page.goto("/accounts/profile/")
    page.locator("a[href='/accounts/webhooks/']").click()
    add = page.locator("form[action$='/add/'] button[type=submit]")

    page.locator("#id_url").fill("https://169.254.169.254/latest/")
    add.click()
    expect(page.locator("#id_url-error, .field-error, .errorlist").first).to_be_visible()
    assert not WebhookSubscription.objects.exists()
    axe(page)

    page.locator("#id_url").fill("https://93.184.215.14/veche")
    page.locator("#id_territory").select_option(str(city.pk))
    add.click()
    subscription = WebhookSubscription.objects.get()
    assert subscription.territory == city
    expect(page.locator(".api-secret")).to_contain_text(subscription.secret)
    expect(page.locator("table").first).to_contain_text("https://93.184.215.14/veche")
    axe(page)
    save_screenshot(page, f"subscriber-webhooks-{language}-desktop")
    page.set_viewport_size(PHONE)
    save_screenshot(page, f"subscriber-webhooks-{language}-phone")
