"""Anti-fraud pages on the demo city, on a phone and a desktop: the moderator reads where the
last hour's signatures come from, with its alerts, and invalidates a network's signatures from
there; the appeal's page then says how many and why; the operator tunes a rate limit."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, save_screenshot, sign_in
from veche.appeals.fraud import watch
from veche.appeals.models import Problem
from veche.core import overload
from veche.core.models import AuditEvent, RateLimit
from veche.core.tests.test_overload_counts import send
from veche.demo.city import DEMO_PASSWORD, DEMO_TOTP_SECRET
from veche.demo.fraud import TITLE
from veche.demo.operators import OPERATOR_EMAIL

VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
GROUND = "Четыре подписи из одной сети за минуту: проверка показала, что это одна семья-бот"


def today() -> str:
    from django.utils import dateformat, timezone, translation

    with translation.override("ru"):
        return dateformat.format(timezone.localdate(), "j E Y")


def no_overflow(page, where):
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{where} is {overflow}px wider than the viewport"


def staff(new_context, email):
    """A page for each screen, signed in once (a code of the authenticator works only once)."""
    page = new_context(viewport=DESKTOP).new_page()
    sign_in(page, email, password=DEMO_PASSWORD, second_factor=True, secret=DEMO_TOTP_SECRET)
    session = page.context.storage_state()
    phone = new_context(viewport=PHONE, storage_state=session).new_page()
    return {"desktop": page, "phone": phone}


# Invalidated today, and read as invalidated today: within one day (conftest.py, one_city_day).
@pytest.mark.usefixtures("one_city_day")
def test_a_moderator_traces_signatures_and_invalidates_them_on_any_screen(
    new_context, demo, settings
):
    settings.VECHE_FRAUD_NETWORK_HOURLY = 1  # every network of the hour raises its alert
    watch()
    problem = Problem.objects.get(title=TITLE)
    pages = staff(new_context, "moderator@demo.veche.example")
    for viewport, page in pages.items():
        page.goto("/signing/sources/")
        assert page.locator("h1").inner_text() == "Откуда пришли подписи за последний час"
        assert "Много подписей из одной сети" in page.locator("main").inner_text()
        assert "Подписи поставлены программой" in page.locator("main").inner_text()
        save_screenshot(page, f"signing-sources-ru-{viewport}")
        assert_accessible(page, f"signing sources ({viewport})")
        no_overflow(page, f"signing sources ({viewport})")

    page = pages["desktop"]
    page.get_by_role("link", name="Признать недействительными…").first.click()
    page.wait_for_url("**/signing/invalidate/?source=*")
    page.locator("input[name=problem]").fill(str(problem.pk))
    page.locator("textarea[name=ground]").fill(GROUND)
    save_screenshot(page, "invalidate-ru-desktop")
    assert_accessible(page, "invalidation form")
    page.get_by_role("button", name="Признать недействительными").click()
    page.wait_for_url(f"**{problem.get_absolute_url()}")
    panel = page.locator("section.invalidations")
    # Two neighbours share a /24 (203.0.113.14 and .15): the busiest network of the hour.
    assert f"2 подписи признаны недействительными {today()}: {GROUND}" in panel.inner_text()
    assert AuditEvent.objects.filter(action="appeal.signatures_invalidated").count() == 2

    phone = new_context(viewport=PHONE).new_page()
    phone.goto(problem.get_absolute_url())
    phone.locator("section.invalidations").scroll_into_view_if_needed()
    save_screenshot(phone, "appeal-invalidated-ru-phone")
    assert_accessible(phone, "appeal with invalidations (phone)")


def starting_table():
    """The table as its migration leaves it (a transactional test's flush empties it)."""
    import importlib

    from django.apps import apps

    importlib.import_module("veche.core.migrations.0004_rate_limits").add_defaults(apps, None)


def test_an_operator_tunes_a_rate_limit_on_any_screen(new_context, demo, monkeypatch):
    starting_table()
    monkeypatch.setattr(overload._tally, "counting", True)  # as in Veche's gunicorn worker
    pages = staff(new_context, OPERATOR_EMAIL)
    for viewport, page in pages.items():
        page.goto("/admin/core/ratelimit/")
        assert page.locator("#result_list tbody tr").count() == 15
        assert_accessible(page, f"rate limits ({viewport})")
        save_screenshot(page, f"rate-limits-ru-{viewport}")

    page = pages["desktop"]
    row = RateLimit.objects.get(action="sign", scope="network")
    page.goto(f"/admin/core/ratelimit/{row.pk}/change/")
    page.locator("input[name=burst_limit]").fill("400")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/core/ratelimit/")
    assert RateLimit.objects.get(pk=row.pk).burst_limit == 400
    event = AuditEvent.objects.get(action="rate_limit.changed")
    assert event.actor.email == OPERATOR_EMAIL
    assert event.data == {"burst_limit": [120, 400]}

    # Beside the table, the load the site turned away: the operator's own requests so far,
    # counted by the live server in this process, and forty shed from a full queue, added to
    # the shared counters now.
    send(answered=0, shed=40)
    overload.flush_counts()
    for viewport, page in pages.items():
        page.goto("/admin/core/ratelimit/")
        page.get_by_role("link", name="Перегрузка: отклонённые запросы").click()
        summary = page.locator("#load-summary")
        assert summary.inner_text().startswith("За последний час: ответов на запросы")
        assert "отклонено 40 (" in summary.inner_text()
        assert page.locator("#load-minutes tbody tr").count() >= 1
        no_overflow(page, f"the load turned away ({viewport})")
        assert_accessible(page, f"load turned away ({viewport})")
        save_screenshot(page, f"load-ru-{viewport}")
