"""The rating of organizations found from the main navigation, on a phone and a desktop; and an
operator's journey from the alert of an undeliverable appeal to sending it to another address,
in Chromium on the demo city."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, save_screenshot
from tests.sign_in import code_to_type
from veche.appeals.models import Dispatch
from veche.core.models import AuditEvent
from veche.demo.city import DEMO_PASSWORD, DEMO_TOTP_SECRET
from veche.demo.operators import OPERATOR_EMAIL
from veche.notifications.tests.builders import deliver_events

VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_resident_finds_the_rating_and_reads_it_on_any_screen(new_context, demo, viewport):
    page = new_context(viewport=VIEWPORTS[viewport]).new_page()
    page.goto("/")
    page.locator("nav.main-nav").get_by_role("link", name="Рейтинг").click()
    page.wait_for_url("**/organizations/rating/")

    rows = page.locator("table.league tbody tr")
    assert rows.count() >= 6
    assert "Комитет внешнего благоустройства" in rows.first.inner_text()
    assert "Водоканал" in rows.last.inner_text()
    assert page.get_by_role("heading", name="Пока без места в рейтинге").is_visible()
    save_screenshot(page, f"league-ru-{viewport}")
    assert_accessible(page, f"rating ({viewport})")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the rating is {overflow}px wider than the {viewport} viewport"

    # A district's table, and from an organization's page back to its own row.
    page.locator("select#territory").select_option("kazan-sovetsky")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/organizations/rating/?territory=kazan-sovetsky")
    assert "Администрация Кировского" not in page.locator("main").inner_text()
    page.goto("/organizations/kazan-vodokanal/")
    page.get_by_role("link", name="Сравнение с другими").click()
    page.wait_for_url("**/organizations/rating/?territory=kazan#organization-kazan-vodokanal")
    # Its own row, at the last place (Vodokanal ends the city's table, whatever its length).
    target = page.locator("tr:target").inner_text()
    assert "Водоканал" in target
    assert target.startswith(str(page.locator("table.league tbody tr").count()))


def test_an_operator_sends_an_undeliverable_appeal_to_another_address(new_context, demo):
    deliver_events()  # what the worker does: the operators' notices of the letter given up
    page = new_context(viewport=DESKTOP).new_page()
    # The demo's staff hold the demo's authenticator secret, not the tests' one.
    page.goto("/accounts/login/")
    form = page.locator('form[action="/accounts/login/"]')
    form.locator('input[name="login"]').fill(OPERATOR_EMAIL)
    form.locator('input[name="password"]').fill(DEMO_PASSWORD)
    form.locator('button[type="submit"]').click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.locator('main input[name="code"]').fill(code_to_type(DEMO_TOTP_SECRET))
    page.locator('main form button[type="submit"]:not([form])').click()
    page.wait_for_url("**/accounts/profile/")

    page.goto("/notifications/")
    page.get_by_role("link", name="Не удалось доставить обращение").click()
    page.wait_for_url("**/admin/appeals/dispatch/*/change/")
    assert "Recipient address rejected" in page.locator("#content").inner_text()
    save_screenshot(page, "dispatch-ru-desktop")

    page.get_by_role("link", name="Отправить на другой адрес").click()
    page.locator("input[name=recipient]").fill("priemnaya.zhkh@example.org")
    page.locator("textarea[name=reason]").fill(
        "Прежний ящик закрыт; новый адрес приёмной указан на сайте комитета."
    )
    page.locator("#content input[type=submit]").click()
    page.wait_for_url("**/admin/appeals/dispatch/*/change/")
    assert "priemnaya.zhkh@example.org" in page.locator(".messagelist").inner_text()
    dispatch = Dispatch.objects.get(recipient="priemnaya.zhkh@example.org")
    assert dispatch.status == Dispatch.Status.PENDING
    event = AuditEvent.objects.get(action="dispatch.recipient_changed")
    assert event.actor.email == OPERATOR_EMAIL

    page.goto("/admin/appeals/responsibility/")
    page.get_by_role("link", name="Кто отвечает…").click()
    page.locator("select[name=category]").select_option("water")
    page.locator("select[name=territory]").select_option("kazan-privolzhsky")
    page.locator("#who-answers input[type=submit]").click()
    assert "Отвечает: МУП «Водоканал»" in page.locator("#answer").inner_text()
    save_screenshot(page, "who-answers-ru-desktop")
