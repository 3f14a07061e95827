"""Support does not stop at the threshold, lived in Chromium (issue 10, item 1).

The appeal has gone to the addressee. A neighbour signs it on its page, which says that signing
goes on until the final answer; the official's cabinet shows the new support since the dispatch.
A second neighbour doubles the support: the worker e-mails the addressee a supplementary list
(through a real SMTP server), a PDF naming the two with their addresses, numbered on from the
appeal's register; the cabinet links it, the timeline tells everyone, and the problem list
sorted by support marks the problem resonant.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import save_screenshot
from tests.browser.test_appeal_lifecycle import (  # noqa: F401 (a fixture)
    run_background_tasks,
    sign_on_the_page,
    signed_in,
    stored_tasks,
)
from tests.browser.test_escalation_and_contact import in_russian, staff
from tests.factories import make_organization, make_problem, make_resident
from veche.appeals.models import Appeal, Signature, SupplementaryList
from veche.appeals.services import register_appeal, sign_appeal
from veche.documents.tests.reading import pdf_text

PHONE = {"width": 375, "height": 812}


def look_at(page, name: str) -> None:
    """Full-page pictures on a desktop and on a 375 px phone, when $VECHE_SCREENSHOTS is set."""
    if save_screenshot(page, f"{name}-desktop") is None:
        return
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    save_screenshot(page, f"{name}-phone")
    page.set_viewport_size(size)


@pytest.mark.usefixtures("stored_tasks")
def test_a_resident_signs_a_sent_appeal_and_the_addressee_gets_a_supplementary_list(
    new_context, live_server, axe, smtp_server, settings, transactional_db
):
    settings.VECHE_RESONANT_SUPPORT = 4
    administration = make_organization(
        "kazan-vakhitovsky-administration",
        ru="Администрация Вахитовского района",
        en="Administration of Vakhitovsky District",
    )
    problem = make_problem(
        organization=administration, threshold=2, title="Ямы во дворе на улице Гоголя"
    )
    appeal = problem.current_appeal
    sign_appeal(user=make_resident(problem.territory), appeal=appeal)
    official = staff(administration)
    register_appeal(
        official=official, appeal=Appeal.objects.get(pk=appeal.pk), registration_number="ОГ-17"
    )
    run_background_tasks()  # the appeal's own letter
    letters_before = len(smtp_server.sent_to(administration.dispatch_email))
    appeal.refresh_from_db()
    due = appeal.due_date

    # A neighbour reads that signing goes on, and signs.
    first = make_resident(problem.territory, last_name="Гарипова", first_name="Алсу")
    neighbour = signed_in(new_context, first.email)
    neighbour.goto(problem.get_absolute_url())
    box = neighbour.locator("#sign-box")
    expect(box).to_contain_text("Подписи собираются до окончательного ответа")
    axe(neighbour, "a sent appeal that still takes signatures")
    look_at(neighbour, "appeal-signing-after-dispatch")
    neighbour.context.close()
    sign_on_the_page(new_context, first.email, problem)
    assert Signature.objects.get(appeal=appeal, user=first).after_dispatch

    # The official sees the support grow since the dispatch.
    cabinet = signed_in(new_context, official.email, second_factor=True)
    cabinet.goto(f"/cabinet/appeals/{appeal.pk}/")
    expect(cabinet.locator(".keyfacts")).to_contain_text(
        in_russian("(+%(number)s since it was sent)", number=1)
    )

    # A second neighbour doubles the support: a list goes to the addressee.
    second = make_resident(problem.territory, last_name="Сафин", first_name="Рустем")
    sign_on_the_page(new_context, second.email, problem)
    supplementary = SupplementaryList.objects.get(appeal=appeal)
    assert (supplementary.first_number, supplementary.count) == (3, 2)
    run_background_tasks()
    letters = smtp_server.sent_to(administration.dispatch_email)
    assert len(letters) == letters_before + 1
    [attachment] = list(letters[-1].iter_attachments())
    text = pdf_text(attachment.get_content())
    for person, number in ((first, 3), (second, 4)):
        signature = Signature.objects.get(appeal=appeal, user=person)
        assert f"{number} {signature.addressee_name}" in text
        assert signature.postal_address in text
    assert "ОГ-17" in text

    cabinet.reload()
    expect(cabinet.locator(".keyfacts")).to_contain_text(
        in_russian("(+%(number)s since it was sent)", number=2)
    )
    link = cabinet.locator(f'a[href="/documents/appeal/{appeal.pk}/supplementary/1.pdf"]')
    expect(link).to_have_count(1)
    axe(cabinet, "the cabinet's appeal with a supplementary list")
    look_at(cabinet, "cabinet-supplementary-list")
    download = cabinet.context.request.get(link.get_attribute("href"))
    assert download.status == 200
    appeal.refresh_from_db()
    assert appeal.due_date == due  # the list changes no deadline

    # Everyone reads of the list in the timeline; the list sorted by support marks it resonant.
    visitor = new_context().new_page()
    visitor.goto(problem.get_absolute_url())
    expect(visitor.locator(".timeline__supplementary")).to_contain_text(
        "Дополнительный список из 2 подписей направлен"
    )
    visitor.goto("/problems/")
    visitor.select_option("#id_sort", "support")
    visitor.locator(".filters button[type=submit]").click()
    expect(visitor).to_have_url(re.compile(r"sort=support"))
    expect(visitor.locator(".problem-card .badge--resonant")).to_have_count(1)
    axe(visitor, "the problem list sorted by support")
    look_at(visitor, "problems-by-support")
