"""Another site frames Veche's widget: a page served by a second local HTTP server (another
origin) holds the iframe. Listed by the operator, the site shows the widget; not listed,
Chromium refuses to frame it. The widgets and the operator's page pass axe and are
photographed on a desktop and a phone."""

import re
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, language_cookie, save_screenshot, sign_in
from tests.factories import (
    make_category,
    make_discussion,
    make_organization,
    make_problem,
    make_territory,
    make_user,
)
from tests.sign_in import with_second_factor
from veche.embeds.models import EmbedOrigin

OPERATOR = "operator@veche.example"


@contextmanager
def partner_site(widget_url: str):
    """The municipality's own site: one page with the widget's iframe, on its own port."""
    page = (
        '<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Администрация</title>'
        f'</head><body><h1>Новости района</h1><iframe src="{widget_url}" title="Виджет Вече" '
        'width="400" height="460"></iframe></body></html>'
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def district(transactional_db):
    return make_territory("vakhitovsky", en="Vakhitovsky district", ru="Вахитовский район")


@pytest.fixture
def discussion(district):
    office = make_organization("district-office", jurisdiction=[district])
    return make_discussion(territory=district, organizer=office)


def _refused_frame_url(page) -> str:
    """The iframe's address once Chromium has settled it: the frame's navigation may end after
    the partner page's own "load", so its address is briefly empty. Chromium shows its error
    page in the frame instead of the widget."""
    frame = next(frame for frame in page.frames if frame != page.main_frame)
    for _ in range(100):
        if frame.url:
            break
        page.wait_for_timeout(50)
    return frame.url


def _widget_url(live_server, discussion) -> str:
    # The live server answers at localhost, the partner at 127.0.0.1: two origins.
    return f"{live_server.url}/embed/discussion/{discussion.pk}/?lang=ru"


def test_a_listed_site_shows_the_widget(page, live_server, discussion):
    with partner_site(_widget_url(live_server, discussion)) as site:
        EmbedOrigin.objects.create(origin=site, reason="Сайт района")
        page.goto(site)
        widget = page.frame_locator("iframe")
        expect(widget.get_by_role("heading", name=discussion.title)).to_be_visible()
        expect(widget.get_by_role("link", name="Принять участие")).to_have_attribute(
            "target", "_blank"
        )
        save_screenshot(page, "embed-partner-site")


def test_a_site_not_listed_is_refused_the_widget(page, live_server, discussion):
    EmbedOrigin.objects.create(origin="https://admin.example.ru", reason="Another site")
    refusals = []
    page.on("console", lambda message: refusals.append(message.text))
    with partner_site(_widget_url(live_server, discussion)) as site:
        page.goto(site)
        page.wait_for_load_state("load")
        expect(page.get_by_role("heading", name="Новости района")).to_be_visible()
        assert _refused_frame_url(page).startswith("chrome-error://")
    assert any(
        "frame-ancestors https://admin.example.ru" in text and "blocked" in text
        for text in refusals
    )


def test_nothing_is_framed_while_no_site_is_listed(page, live_server, discussion):
    refusals = []
    page.on("console", lambda message: refusals.append(message.text))
    with partner_site(_widget_url(live_server, discussion)) as site:
        page.goto(site)
        page.wait_for_load_state("load")
        assert _refused_frame_url(page).startswith("chrome-error://")
    assert any("frame-ancestors 'none'" in text and "blocked" in text for text in refusals)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_widgets_are_accessible(new_context, live_server, discussion, district, axe, viewport):
    make_category("roads")
    appeal = make_problem(territory=district, organization=discussion.organizer).current_appeal
    appeal.status, appeal.due_date = "sent", "2000-01-01"  # a deadline missed: it is ranked
    appeal.save(update_fields=["status", "due_date"])
    page = new_context(viewport=viewport).new_page()
    name = "desktop" if viewport == DESKTOP else "phone"
    for kind, url in (
        ("discussion", f"/embed/discussion/{discussion.pk}/"),
        ("report", f"/embed/report/{district.code}/"),
        ("rating", f"/embed/organization/{discussion.organizer.slug}/rating/"),
    ):
        for language in ("ru", "en"):
            page.goto(f"{url}?lang={language}")
            axe(page)
            save_screenshot(page, f"embed-{kind}-{language}-{name}")


def test_an_operator_allows_a_site_in_the_browser(new_context, live_server, axe):
    from django.contrib.auth.models import Permission

    operator = with_second_factor(make_user(OPERATOR, is_staff=True))
    operator.user_permissions.add(Permission.objects.get(codename="change_embedorigin"))
    context = new_context(viewport=DESKTOP)
    context.add_cookies([language_cookie(live_server, "ru")])
    page = sign_in(context.new_page(), OPERATOR, second_factor=True)
    page.goto("/organizations/")
    page.get_by_role("link", name="Сайты, встраивающие Вече").click()
    page.wait_for_url("**/cabinet/embedding-sites/")
    axe(page)

    page.locator("#id_origin").fill("https://admin.example.ru/news")
    page.locator("#id_reason").fill("Официальный сайт района")
    page.get_by_role("button", name="Разрешить сайт").click()
    expect(page.locator("main")).to_contain_text("без пути")
    assert not EmbedOrigin.objects.exists()

    page.locator("#id_origin").fill("https://admin.example.ru")
    page.get_by_role("button", name="Разрешить сайт").click()
    expect(page.locator("table")).to_contain_text("https://admin.example.ru")
    assert EmbedOrigin.objects.get().added_by == operator
    axe(page)
    save_screenshot(page, "embed-origins-ru-desktop")
    page.set_viewport_size(PHONE)
    save_screenshot(page, "embed-origins-ru-phone")


def test_a_page_offers_its_widgets_code(new_context, live_server, discussion, district, axe):
    EmbedOrigin.objects.create(origin="https://admin.example.ru", reason="Сайт района")
    page = new_context(viewport=DESKTOP).new_page()
    for url, name in (
        (discussion.get_absolute_url(), "discussion"),
        (district.get_absolute_url(), "territory"),
    ):
        page.goto(url)
        page.get_by_text("Встроить на свой сайт").click()
        code = page.get_by_label("Код для вставки")
        expect(code).to_have_value(re.compile(r'^<iframe src="http://localhost:\d+/embed/'))
        axe(page)
        save_screenshot(page, f"embed-snippet-{name}-desktop")
