"""The author sends the appeal himself, lived in Chromium (issue 10, item 4).

The author opens "I will send it myself" on the problem's page, reads what the addressee's full
copy holds and whose data they are, confirms, and downloads that copy: it names each neighbour
who signed with the postal address and e-mail they gave. The timeline tells everyone that the
author sent the appeal himself; the worker tells each neighbour by notice and e-mail (through a
real SMTP server). A neighbour asking for the same copy is refused; an anonymous visitor is
sent to sign in.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_appeal_lifecycle import (  # noqa: F401 (a fixture)
    expect_success,
    run_background_tasks,
    signed_in,
    stored_tasks,
)
from tests.browser.test_escalation_and_contact import in_russian, look_at, russian_date
from tests.factories import make_organization, make_problem, make_resident
from veche.appeals.models import Appeal, Signature
from veche.appeals.services import sign_appeal
from veche.core.models import AuditEvent
from veche.documents.tests.reading import pdf_text
from veche.notifications.models import Notification


@pytest.mark.usefixtures("stored_tasks")
def test_the_author_sends_the_appeal_himself_with_the_full_copy(
    new_context, live_server, axe, smtp_server, transactional_db
):
    administration = make_organization(
        "kazan-vakhitovsky-administration",
        ru="Администрация Вахитовского района",
        en="Administration of Vakhitovsky District",
    )
    problem = make_problem(organization=administration, title="Ямы во дворе на улице Гоголя")
    appeal = problem.current_appeal
    neighbours = [make_resident(problem.territory) for _ in range(2)]
    for neighbour in neighbours:
        sign_appeal(user=neighbour, appeal=appeal)
    run_background_tasks()
    mails_before = len(smtp_server.messages)
    full_copy = f"/documents/appeal/{appeal.pk}/full.pdf"

    author = signed_in(new_context, problem.author.email)
    author.goto(problem.get_absolute_url())
    expect(author.locator(f'a[href="{full_copy}"]')).to_have_count(0)
    choice = author.locator("details#self-send")
    choice.locator("summary").click()
    expect(choice).to_contain_text(
        in_russian(
            "You will then download the addressee's full copy. It names every co-applicant "
            "with the postal address and e-mail they gave when signing, as the law requires of "
            "a collective appeal. These are other people's personal data: give the copy only to "
            "the addressee, never publish it or pass it on."
        )
    )
    axe(author, "the author's choice to send the appeal himself")
    look_at(author, "appeal-send-myself")
    choice.locator('input[name="understood"]').check()
    choice.locator('button[type="submit"]').click()
    expect_success(author)

    appeal.refresh_from_db()
    assert (appeal.status, appeal.sent_by_author) == (Appeal.Status.SENT, True)
    said = in_russian(
        "The author sent the appeal to %(organization)s himself on %(date)s.",
        organization=administration.name["ru"],
        date=russian_date(timezone.localdate(appeal.sent_at)),
    )
    expect(author.locator(".timeline__self-sent")).to_have_text(said)
    link = author.locator(f'a[href="{full_copy}"]')
    expect(link).to_have_count(1)
    axe(author, "the appeal the author sends himself")
    look_at(author, "appeal-sent-myself")

    # The copy is fetched in the author's browser session, as the link does.
    response = author.context.request.get(full_copy)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    for signature in Signature.objects.filter(appeal=appeal, user__in=neighbours):
        assert signature.addressee_name in text
        assert signature.postal_address in text
    downloads = AuditEvent.objects.filter(action="appeal.full_copy_downloaded")
    assert list(downloads.values_list("actor", flat=True)) == [problem.author.pk]

    # The worker tells each neighbour: a notice, and an e-mail over SMTP.
    run_background_tasks()
    told = Notification.objects.filter(kind="appeal_sent_by_author")
    assert set(told.values_list("user", flat=True)) == {n.pk for n in neighbours}
    received = smtp_server.wait_for(mails_before + len(neighbours))[mails_before:]
    assert sorted(a for [a] in smtp_server.recipients[mails_before:]) == sorted(
        n.email for n in neighbours
    )
    for letter in received:
        assert problem.title in letter.get_body(preferencelist=("plain",)).get_content()

    # A neighbour reads the timeline, and is refused the copy; so is an anonymous visitor.
    neighbour = signed_in(new_context, neighbours[0].email)
    neighbour.goto(problem.get_absolute_url())
    expect(neighbour.locator(".timeline__self-sent")).to_have_text(said)
    expect(neighbour.locator(f'a[href="{full_copy}"]')).to_have_count(0)
    assert neighbour.context.request.get(full_copy).status == 403
    visitor = new_context().new_page()
    visitor.goto(problem.get_absolute_url())
    expect(visitor.locator(".timeline__self-sent")).to_have_text(said)
    refused = visitor.context.request.get(full_copy, max_redirects=0)
    assert refused.status == 302 and "/accounts/login/" in refused.headers["location"]
    assert downloads.count() == 1
