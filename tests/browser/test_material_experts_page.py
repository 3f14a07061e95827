"""The organizer's materials page with the choice of the experts who answer for each document,
and the e-control dashboard with the slowest questions and experts: accessible (axe, WCAG 2.1
AA) and without sideways scrolling on a 375 px phone and on a desktop."""

import pytest

from tests.browser.conftest import DESKTOP, assert_accessible, save_screenshot
from tests.browser.test_econtrol_pages import a_city, assert_no_sideways_scroll, signed_in
from tests.factories import make_discussion, make_staff, make_user
from veche.organizations.models import Membership

VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": DESKTOP}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_materials_page_with_the_experts_fits_and_is_accessible(
    new_context, live_server, transactional_db, viewport
):
    experts = [
        make_user("roads.department@example.org", last_name="Петров", first_name="Пётр"),
        make_user("parks.department@example.org"),
    ]
    discussion = make_discussion(stage="exposition", experts=experts)
    discussion.materials.get().experts.set(experts[:1])
    page = signed_in(new_context, live_server, discussion.created_by, viewport=VIEWPORTS[viewport])

    assert page.goto(f"/discussions/{discussion.pk}/materials/").status == 200

    summary = page.locator("details.action summary", has_text="Эксперты")
    summary.click()
    assert page.locator("input[type=checkbox][name$='-experts']").count() == 2
    save_screenshot(page, f"material-experts-{viewport}")
    assert_accessible(page, f"materials ({viewport})")
    assert_no_sideways_scroll(page, f"materials ({viewport})")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_dashboard_with_the_slowest_fits_and_is_accessible(
    new_context, live_server, transactional_db, viewport
):
    head = make_staff(a_city(), Membership.Role.HEAD)
    page = signed_in(new_context, live_server, head, viewport=VIEWPORTS[viewport])

    assert page.goto("/reporting/discussions/").status == 200

    assert page.locator("#waiting-title").is_visible()
    assert page.locator("#slow-experts-title").is_visible()
    save_screenshot(page, f"econtrol-slowest-{viewport}")
    assert_accessible(page, f"e-control, the slowest ({viewport})")
    assert_no_sideways_scroll(page, f"e-control, the slowest ({viewport})")
