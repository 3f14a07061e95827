"""Every public page of the demo city passes axe-core (WCAG 2.1 AA) and works without JavaScript."""

import pytest

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    TIMEOUT_MS,
    assert_accessible,
    language_cookie,
    save_screenshot,
)
from veche.appeals.models import Problem
from veche.discussions.models import Discussion, Submission

# The public pages, in groups: the demo is loaded once for each group (the database is emptied
# after every test, and a load takes a quarter of a minute), and each page of the group is checked.
PUBLIC_PAGES = {
    "places": [
        "/",
        "/territories/",
        "/territories/kazan/",
        "/territories/kazan-vakhitovsky/",
        "/organizations/",
        "/organizations/kazan-executive-committee/",
        "/organizations/rating/",
    ],
    "accounts-and-about": [
        "/about/",
        "/privacy/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/documents/verify/",
    ],
    "problems": [
        "/problems/",
        "/problems/{problem}/",
        "/problems/{problem}/revisions/",
    ],
    "discussions": [
        "/discussions/",
        "/discussions/{intake}/",
        "/discussions/{concluded}/",
        "/discussions/submissions/{submission}/",
    ],
}
LANGUAGES = ["ru", "en"]
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}


def page_name(path: str) -> str:
    return path.strip("/").replace("/", "-").replace("{", "").replace("}", "") or "home"


def resolve(path: str) -> str:
    """Fill in the demo items whose pages show the most: a problem whose answer is being rated,
    a discussion taking submissions, a concluded one, an answered question."""
    if "{" not in path:
        return path
    discussions = {d.stage: d for d in Discussion.objects.all()}
    return path.format(
        problem=Problem.objects.get(title__startswith="Сломана детская площадка").pk,
        intake=discussions["intake"].pk,
        concluded=discussions["conclusion"].pk,
        submission=Submission.objects.filter(answers__isnull=False).first().pk,
    )


@pytest.fixture(scope="module")
def page_for(browser, live_server):
    """One page per language and viewport, reused by the tests: a fresh renderer costs ~1 s.

    The database is emptied after every test, so the session a page carries over is void and
    every visit is anonymous; only the language cookie and the static files' cache remain.
    """
    pages = {}

    def get(language: str, viewport: str):
        if (language, viewport) not in pages:
            context = browser.new_context(
                base_url=live_server.url, viewport=VIEWPORTS[viewport], locale=language
            )
            context.set_default_timeout(TIMEOUT_MS)
            context.add_cookies([language_cookie(live_server, language)])
            pages[language, viewport] = context.new_page()
        return pages[language, viewport]

    yield get
    for page in pages.values():
        page.context.close()


@pytest.mark.parametrize("group", PUBLIC_PAGES)
def test_public_pages_are_accessible(page_for, demo, group):
    # Each page in each language at each width.
    for path in map(resolve, PUBLIC_PAGES[group]):
        for language in LANGUAGES:
            for viewport in VIEWPORTS:
                page = page_for(language, viewport)
                response = page.goto(path)

                assert response.status == 200, f"{path} ({language}, {viewport})"
                assert page.locator("html").get_attribute("lang") == language
                save_screenshot(page, f"{page_name(path)}-{language}-{viewport}")
                assert_accessible(page, f"{path} ({language}, {viewport})")
                # WCAG 1.4.10 (reflow): the page scrolls only vertically, on a phone too.
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, f"{path} is {overflow}px wider than the {viewport} viewport"


def test_resident_picks_a_district_without_javascript(new_context, demo):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")

    picker = page.locator('form[action="/territory/choose/"]')
    picker.locator("select#territory-picker").select_option("kazan-vakhitovsky")
    picker.locator('button[type="submit"]').click()

    page.wait_for_url("**/territories/kazan-vakhitovsky/")
    assert page.locator("main h1").inner_text() == "Вахитовский район"
    # The choice is remembered: the picker now shows the district on every page.
    page.goto("/about/")
    assert page.locator("select#territory-picker").input_value() == "kazan-vakhitovsky"
