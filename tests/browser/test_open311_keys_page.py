"""A resident gives an app an Open311 key in the browser, in Russian, without JavaScript's help:
the key is shown once, then listed by its first characters, and revoked. Each state passes axe
and is photographed on a desktop and a phone."""

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, language_cookie, save_screenshot, sign_in
from tests.factories import make_resident, make_territory
from veche.api.models import Open311Key
from veche.api.open311.services import key_for

RESIDENT = "resident@district.example"


def test_a_resident_issues_and_revokes_a_key_for_an_app(new_context, live_server, axe):
    make_resident(make_territory("vakhitovsky"), email=RESIDENT)
    context = new_context(viewport=DESKTOP)
    context.add_cookies([language_cookie(live_server, "ru")])
    page = sign_in(context.new_page(), RESIDENT)
    page.goto("/accounts/profile/")
    page.get_by_role("link", name="Приложения, которые подают проблемы от моего имени").click()
    page.wait_for_url("**/accounts/open311-keys/")
    axe(page)

    page.locator("#id_name").fill("Городской ремонт")
    page.get_by_role("button", name="Выдать ключ").click()
    raw = page.locator(".api-secret dd code").first.inner_text()
    assert key_for(raw) is not None
    expect(page.locator("main")).to_contain_text("показывается только один раз")
    axe(page)
    save_screenshot(page, "open311-keys-ru-desktop")
    page.set_viewport_size(PHONE)
    save_screenshot(page, "open311-keys-ru-phone")

    page.goto("/accounts/open311-keys/")
    expect(page.locator("main")).not_to_contain_text(raw)
    page.get_by_role("button", name="Отозвать ключ «Городской ремонт»").click()
    expect(page.locator("main")).to_contain_text("отозван")
    assert Open311Key.objects.get().revoked_at is not None
    axe(page)
