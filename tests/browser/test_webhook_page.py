"""The head adds a webhook endpoint in the browser, in Russian, without JavaScript's help: the
secret is shown once, the endpoint is listed; a private address is refused with the reason. Each
state passes axe and is photographed on a desktop and a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, language_cookie, save_screenshot, sign_in
from tests.factories import make_organization, make_staff, make_territory
from tests.sign_in import with_second_factor
from veche.api.models import WebhookSubscription
from veche.organizations.models import Membership

HEAD = "head@district.example"


@pytest.fixture(autouse=True)
def _public_receivers_only(settings):
    settings.VECHE_WEBHOOK_ALLOW_NETWORKS = []


def test_the_head_adds_an_endpoint_and_a_private_one_is_refused(new_context, live_server, axe):
    office = make_organization("district-office", jurisdiction=[make_territory("vakhitovsky")])
    with_second_factor(make_staff(office, Membership.Role.HEAD, email=HEAD))
    context = new_context(viewport=DESKTOP)
    context.add_cookies([language_cookie(live_server, "ru")])
    page = sign_in(context.new_page(), HEAD, second_factor=True)
    page.goto("/cabinet/webhooks/")
    expect(page.get_by_role("heading", name="Добавить адрес приёма")).to_be_visible()

    page.locator("#id_url").fill("https://169.254.169.254/latest/")
    page.get_by_role("button", name="Добавить адрес приёма").click()
    expect(page.locator("main")).to_contain_text("не публичный адрес")
    assert not WebhookSubscription.objects.exists()

    page.locator("#id_url").fill("https://93.184.215.14/veche")
    page.get_by_role("button", name="Добавить адрес приёма").click()
    subscription = WebhookSubscription.objects.get()
    expect(page.locator(".api-secret")).to_contain_text(subscription.secret)
    expect(page.locator("table")).to_contain_text("https://93.184.215.14/veche")
    axe(page)
    save_screenshot(page, "webhooks-ru-desktop")
    page.set_viewport_size(PHONE)
    save_screenshot(page, "webhooks-ru-phone")
