"""The open-data page of the demo city, with its first dump: accessible (axe, WCAG 2.1 AA) in
both languages on a phone and a desktop, no wider than the screen, and its dictionaries open
without JavaScript."""

import pytest

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    TIMEOUT_MS,
    assert_accessible,
    language_cookie,
    save_screenshot,
)
from veche.opendata.dumps import dump_day


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_open_data_page_is_accessible_on_a_phone_and_a_desktop(
    new_context, live_server, demo, language
):
    dump_day()
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = new_context(viewport=viewport, locale=language)
        context.add_cookies([language_cookie(live_server, language)])
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        assert page.goto("/open-data/").status == 200
        page.locator("details summary").first.click()
        assert page.locator("details table").first.is_visible()
        save_screenshot(page, f"open-data-{language}-{name}")
        assert_accessible(page, f"/open-data/ ({language}, {name})")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page is {overflow}px wider than the {name} viewport"


def test_the_dictionary_opens_without_javascript(new_context, live_server, transactional_db):
    dump_day()
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/open-data/")
    page.locator("details summary").first.click()
    assert page.locator("details table").first.is_visible()
