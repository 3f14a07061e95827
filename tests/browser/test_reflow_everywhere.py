"""Every page a person of the demo city can reach by following links fits a phone's width (WCAG
1.4.10, reflow): staff pages too, which the accessibility test of the public pages does not see.

Each of the demo's people signs in on a phone, in Russian (its words are the longest), and
follows the links of every page from the start of their work, one page of each kind (a link's
path and query with their numbers taken out), until none is left or `LIMIT` pages are seen. A
page that scrolls sideways is named with the elements that stick out, a page that fails with
its status, and all are reported at once.
"""

import re
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import PHONE, language_cookie, sign_in
from veche.demo.city import DEMO_PASSWORD, DEMO_TOTP_SECRET
from veche.demo.operators import OPERATOR_EMAIL

# Who signs in, whether with a second factor, and where their work starts.
PEOPLE = [
    ("admin@demo.veche.example", True, ["/cabinet/", "/moderation/"]),
    ("official@demo.veche.example", True, ["/cabinet/"]),
    ("organizer@demo.veche.example", True, ["/cabinet/", "/discussions/"]),
    (OPERATOR_EMAIL, True, ["/cabinet/", "/organizations/"]),
    ("resident@demo.veche.example", False, ["/problems/", "/discussions/"]),
]
LIMIT = 120
# Not pages: Django's admin (its own layout), files, feeds, the API, and signing out.
NOT_PAGES = re.compile(
    r"^/(admin|static|media|api|i18n|accounts/logout)/"
    r"|\.(pdf|docx|csv|json|xml|geojson|zip|ics|png|jpg|txt)$|/(download|export|feed)"
)
WIDER = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# What sticks out past the right edge, outside the boxes that scroll on purpose.
STICKING_OUT = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
    && !e.closest('.table-wrap, .data-table-wrap, .table-box, .org-tabs ul'))
  .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))
  .slice(-3)"""
LINKS = "[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"


def kind_of(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def walk(page, host: str, start: list[str]) -> tuple[int, list[str]]:
    """Visit one page of each kind reachable from `start`; return how many were visited and
    what was too wide or failed."""
    queue, kinds, too_wide, visited = list(start), set(), [], 0
    while queue and visited < LIMIT:
        path = queue.pop(0)
        if kind_of(path) in kinds:
            continue
        kinds.add(kind_of(path))
        response = page.goto(path)
        if response.status >= 500:
            too_wide.append(f"{path}: answered {response.status}")
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited += 1
        wider = page.evaluate(WIDER)
        if wider > 0:
            too_wide.append(f"{path}: {wider}px wider, {page.evaluate(STICKING_OUT)}")
        for href in page.evaluate(LINKS):
            link = urlparse(href)
            # With its query: a tab (?show=…) or a form for one thing (?problem=N) is a page.
            target = link.path + (f"?{link.query}" if link.query else "")
            ours = link.netloc in ("", host) and link.path.startswith("/")
            if ours and not NOT_PAGES.search(link.path) and kind_of(target) not in kinds:
                queue.append(target)
    return visited, too_wide


@pytest.mark.parametrize("email,second_factor,start", PEOPLE, ids=[p[0] for p in PEOPLE])
def test_every_page_a_person_reaches_fits_a_phone(
    new_context, live_server, demo, email, second_factor, start
):
    context = new_context(viewport=PHONE)
    context.add_cookies([language_cookie(live_server, "ru")])
    page = context.new_page()
    sign_in(
        page, email, password=DEMO_PASSWORD, second_factor=second_factor, secret=DEMO_TOTP_SECRET
    )

    visited, too_wide = walk(page, urlparse(live_server.url).netloc, start)

    # The walk saw a person's working pages, not a sign-in form it was sent back to.
    assert visited >= 40, f"only {visited} pages reached"
    assert not too_wide, "\n".join(too_wide)
    assert visited < LIMIT, "the walk stopped at its limit: raise LIMIT to see every page"
