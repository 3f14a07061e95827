"""The e-control dashboard and the public archive in Chromium: accessible (axe, WCAG 2.1 AA),
without sideways scrolling on a phone, and filtered without JavaScript."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, save_screenshot
from tests.factories import (
    make_discussion,
    make_organization,
    make_staff,
    make_territory,
    set_fields,
)
from tests.sign_in import enter
from veche.discussions.models import Discussion, ExpertAnswer, Submission
from veche.organizations.models import Membership
from veche.reporting.tests.builders import add_submission
from veche.territories.models import Territory

VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}


def a_city():
    """Discussions of a city in several stages, with the problems e-control looks for."""
    kazan = make_territory("kazan", kind=Territory.Kind.CITY, ru="Казань", en="Kazan")
    district = make_territory(
        "kazan-vakhitovsky", parent=kazan, ru="Вахитовский район", en="Vakhitovsky District"
    )
    city_hall = make_organization(
        "city-hall", jurisdiction=[kazan], ru="Исполком г. Казани", en="Kazan City Executive"
    )
    committee = make_organization(
        "planning",
        parent=city_hall,
        ru="Комитет градостроительства",
        en="Urban Planning Committee",
    )
    organizer = make_staff(committee, Membership.Role.ORGANIZER)
    today = timezone.localdate()
    day = datetime.timedelta(days=1)

    late = make_discussion(
        stage="review",
        territory=district,
        organizer=committee,
        organizer_user=organizer,
        kind="hearing",
        subject="general_plan",
        title="Изменения в генеральный план: квартал у озера Кабан",
    )
    set_fields(late, protocol_due=today - 2 * day)
    for _ in range(6):
        add_submission(late, paper=True)
    add_submission(late, kind=Submission.Kind.QUESTION, hours_ago=90, paper=True)

    running = make_discussion(
        stage="intake",
        territory=district,
        organizer=committee,
        organizer_user=organizer,
        title="Проект планировки территории квартала 12 в Вахитовском районе",
    )
    for _ in range(3):
        add_submission(running, paper=True)
    answered = add_submission(running, kind=Submission.Kind.QUESTION, hours_ago=30, paper=True)
    ExpertAnswer.objects.create(submission=answered, expert=organizer, text="Да, сквер остаётся.")
    make_discussion(
        stage="announced",
        territory=kazan,
        organizer=city_hall,
        title="Правила благоустройства территории г. Казани",
    )

    yesterday = timezone.now() - datetime.timedelta(days=20)
    for title, percent in (
        ("Условно разрешённый вид использования участка на ул. Баумана", 60),
        ("Проект межевания территории по ул. Пушкина", 100),
    ):
        done = make_discussion(
            stage="review",
            territory=district,
            organizer=committee,
            organizer_user=organizer,
            title=title,
            subject="conditional_use",
        )
        add_submission(done, paper=True)
        set_fields(
            done,
            protocol_signed_at=yesterday,
            protocol_signed_by=organizer,
            conclusion_published_at=yesterday,
            conclusion_published_by=organizer,
            conclusion_text="Рекомендовать проект к утверждению.",
            progress_percent=percent,
        )
    called_off = make_discussion(
        stage="intake",
        territory=kazan,
        organizer=city_hall,
        title="Реконструкция площади Тукая",
    )
    set_fields(
        called_off,
        status=Discussion.Status.CANCELLED,
        cancel_reason="Заявитель отозвал проект для доработки.",
    )
    return city_hall


def signed_in(new_context, live_server, user, **options):
    client = enter(Client(), user)  # staff: a session that passed the second factor
    context = new_context(**options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def assert_no_sideways_scroll(page, where: str) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{where} is {overflow}px wider than the viewport"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_dashboard_is_accessible_and_fits_the_screen(
    new_context, live_server, transactional_db, viewport
):
    head = make_staff(a_city(), Membership.Role.HEAD)
    page = signed_in(new_context, live_server, head, viewport=VIEWPORTS[viewport])

    assert page.goto("/reporting/discussions/").status == 200

    assert page.locator("table.report-table tbody tr").count() == 6
    save_screenshot(page, f"econtrol-{viewport}")
    assert_accessible(page, f"e-control ({viewport})")
    assert_no_sideways_scroll(page, f"e-control ({viewport})")


def test_the_dashboard_filters_without_javascript(new_context, live_server, transactional_db):
    head = make_staff(a_city(), Membership.Role.HEAD)
    page = signed_in(new_context, live_server, head, java_script_enabled=False)
    page.goto("/reporting/discussions/")

    page.locator("#id_problems").check()
    page.locator("form[role=search] button[type=submit]").click()

    page.wait_for_url("**/reporting/discussions/?*problems=on*")
    rows = page.locator("table.report-table tbody tr")
    assert rows.count() == 1
    assert "генеральный план" in rows.first.inner_text()
    csv_link = page.locator("a[href*='export.csv']")
    assert "problems=on" in csv_link.get_attribute("href")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_archive_is_accessible_and_fits_the_screen(new_context, transactional_db, viewport):
    a_city()
    page = new_context(viewport=VIEWPORTS[viewport]).new_page()

    assert page.goto("/discussions/archive/").status == 200

    assert page.locator(".discussion-card").count() == 3
    save_screenshot(page, f"archive-{viewport}")
    assert_accessible(page, f"archive ({viewport})")
    assert_no_sideways_scroll(page, f"archive ({viewport})")


def test_the_archive_is_searched_without_javascript(new_context, transactional_db):
    a_city()
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/discussions/archive/")

    page.locator("#id_q").fill("Баумана")
    page.locator("#id_territory").select_option("kazan")
    page.locator("form[role=search] button[type=submit]").click()

    page.wait_for_url("**/discussions/archive/?*")
    cards = page.locator(".discussion-card")
    assert cards.count() == 1
    cards.first.locator("a").click()
    assert "ул. Баумана" in page.locator("main h1").inner_text()
