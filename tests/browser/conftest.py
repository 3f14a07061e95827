"""Browser tests' cast: headless Debian Chromium, a real SMTP server (tests.servers), and an
axe-core check."""

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from tests.demo_snapshot import demo_in_database
from tests.servers import mail_server

CHROMIUM = os.environ.get("VECHE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Nothing leaves the machine: no name or address but the loopback ones resolves (the rules
    # apply to IP literals too), so map tiles from a real tile server, or any other outside
    # request, fail at once, as they would offline.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        if _HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


# --- Browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all browser tests (package scope: it closes when they are done)."""
    # Playwright's sync API keeps an event loop running in the test thread while it is started,
    # and Django refuses ORM calls from a thread with a running loop; the calls (our tests' and
    # the database flush between them) are synchronous all the same. Allowed only while the
    # browser lives: set for the whole process, the variable would leak into subprocesses other
    # tests start, and `check --deploy` warns about it there.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(browser, live_server):
    """Open a browser context on the live server; every one opened is closed after the test."""
    opened = []

    def open_context(**options):
        # A resident of the demo city: the browser asks for Russian, like most visitors will.
        options.setdefault("locale", "ru-RU")
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


@pytest.fixture
def page(new_context, transactional_db):
    """A fresh page in a fresh context: no cookies carried over from another test."""
    return new_context().new_page()


def sign_in(
    page,
    email: str,
    *,
    password: str | None = None,
    second_factor: bool = False,
    secret: str | None = None,
):
    """Sign in through the sign-in form; staff enter the code of their authenticator app
    (tests.sign_in.with_second_factor, or the demo's `secret`), computed on the test's clock."""
    from tests.factories import PASSWORD
    from tests.sign_in import TOTP_SECRET, code_to_type

    page.goto("/accounts/login/")
    form = page.locator('form[action="/accounts/login/"]')
    form.locator('input[name="login"]').fill(email)
    form.locator('input[name="password"]').fill(password or PASSWORD)
    form.locator('button[type="submit"]').click()
    if second_factor:
        page.wait_for_url("**/accounts/2fa/authenticate/")
        page.locator('main input[name="code"]').fill(code_to_type(secret or TOTP_SECRET))
        # The form also holds the "cancel" button, which belongs to a sign-out form.
        page.locator('main form button[type="submit"]:not([form])').click()
    page.wait_for_url(re.compile(r".*/accounts/(profile|consent)/.*"))
    if "/accounts/consent/" in page.url:
        # An account an operator made: the person agrees to processing at the first sign-in.
        page.locator('input[name="consent_processing"]').check()
        page.locator('main form button[type="submit"]').first.click()
    page.wait_for_url("**/accounts/profile/")
    return page


def language_cookie(live_server, language: str) -> dict:
    return {"name": "veche_language", "value": language, "url": live_server.url}


# --- Accessibility ----------------------------------------------------------------------------


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page once it has loaded, with the WCAG 2.1 A and AA rules only.

    A click on a link only starts the navigation: axe run in between finds no document.
    """
    page.wait_for_load_state("load")
    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_21_AA},
            "resultTypes": ["violations"],
        },
    )
    return results.response["violations"]


def describe_violations(violations: list[dict], where: str = "") -> str:
    lines = [f"{len(violations)} accessibility violation(s){f' on {where}' if where else ''}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").replace("\n", " ").strip()
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def assert_accessible(page, where: str = "") -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(violations, where or page.url)


@pytest.fixture
def axe():
    """axe(page): fail the test unless axe-core finds no WCAG 2.1 A/AA violation on the page."""
    return assert_accessible


# --- Screenshots ------------------------------------------------------------------------------


def save_screenshot(page, name: str) -> Path | None:
    """A full-page PNG in $VECHE_SCREENSHOTS (for the README), when that variable is set."""
    directory = os.environ.get("VECHE_SCREENSHOTS")
    if not directory:
        return None
    path = Path(directory) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


# --- E-mail -----------------------------------------------------------------------------------


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost that Django sends through; yields its MailStore."""
    with mail_server() as controller:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = controller.hostname
        settings.EMAIL_PORT = controller.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 10
        yield controller.handler


# --- The demo city ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory):
    """The demo's files (photos, documents), made by the worker's first load and kept for the
    copies of its database that later tests get back (tests.demo_snapshot)."""
    return tmp_path_factory.mktemp("demo-files")


@pytest.fixture
def demo(transactional_db, settings, demo_files):
    """The demo city in the database, for a test that changes it freely (emptied after)."""
    settings.MEDIA_ROOT = demo_files / "media"
    demo_in_database()
