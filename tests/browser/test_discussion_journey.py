"""A public discussion runs through every stage in the browser, the clock moved rather than slept:
an organizer puts the project forward and publishes it; in the exposition a resident asks and an
expert answers; in the intake the resident sends a proposal while a resident of another district
and a 16-year-old are refused with the reason shown; after the intake the organizer reviews every
submission, signs the protocol and publishes the conclusion, which the public reads back."""

import datetime
import io
import re

import time_machine
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import language_cookie, sign_in
from tests.factories import (
    make_organization,
    make_resident,
    make_staff,
    make_territory,
    tiny_pdf,
)
from tests.sign_in import with_second_factor
from veche.discussions.models import Discussion, Stage, Submission
from veche.discussions.tests.building import run_builds
from veche.organizations.models import Membership

PROPOSAL = "Сохранить липы вдоль улицы Пушкина и сдвинуть проезд на три метра."
QUESTION = "Сколько мест будет в новом детском саду?"


def signed_in(new_context, live_server, email: str, *, staff: bool = False):
    """A fresh browser (in English) in which the person signed in through the sign-in form."""
    context = new_context()
    context.add_cookies([language_cookie(live_server, "en")])
    page = sign_in(context.new_page(), email, second_factor=staff)
    page.on("dialog", lambda dialog: dialog.accept())  # "Sign the protocol?" and the like
    return page


def local_moment(discussion: Discussion, day: datetime.date, hour: int = 10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=discussion.zone)


def expect_success(page) -> None:
    expect(page.locator(".message--error")).to_have_count(0)
    expect(page.locator(".message--success")).to_have_count(1)


def test_a_discussion_runs_through_every_stage(new_context, live_server, axe, transactional_db):
    district = make_territory(code="vakhitovsky", ru="Вахитовский район", en="Vakhitovsky")
    other = make_territory(code="sovetsky", ru="Советский район", en="Sovetsky District")
    architecture = make_organization(jurisdiction=[district], en="Department of Architecture")
    organizer = make_staff(architecture, Membership.Role.ORGANIZER, email="organizer@example.org")
    expert = make_staff(architecture, Membership.Role.EXPERT, email="expert@example.org")
    for person in (organizer, expert):
        with_second_factor(person)  # staff roles must use one
    resident = make_resident(district, email="resident@example.org", last_name="Галиева")
    stranger = make_resident(other, email="stranger@example.org")
    today = datetime.date.today()
    teenager = make_resident(
        district,
        email="teen@example.org",
        # (A day of the month that every year has: no 29 February.)
        birthdate=today.replace(year=today.year - 16, day=min(today.day, 28))
        + datetime.timedelta(days=30),
    )

    # --- The organizer puts the project forward (today) -------------------------------------
    page = signed_in(new_context, live_server, organizer.email, staff=True)
    page.goto("/discussions/organizer/new/")
    form = page.locator("main form.form")
    form.locator('input[name="title"]').fill("Проект планировки квартала у улицы Пушкина")
    form.locator('textarea[name="description"]').fill("Сквер на месте пустыря и детский сад.")
    form.locator('select[name="subject"]').select_option("planning_project")
    form.locator('select[name="territory"]').select_option(str(district.pk))
    # Questions first: the intake opens three days after the exposition.
    exposition_start = form.locator('input[name="exposition_start"]').input_value()
    intake_start = datetime.date.fromisoformat(exposition_start) + datetime.timedelta(days=3)
    form.locator('input[name="intake_start"]').fill(intake_start.isoformat())
    form.locator(f'input[name="experts"][value="{expert.pk}"]').check()
    form.locator('button[type="submit"]').first.click()
    expect_success(page)
    discussion = Discussion.objects.get()
    assert discussion.stage == Stage.DRAFT and discussion.intake_start == intake_start

    upload = page.locator("main form[enctype='multipart/form-data']").first
    upload.locator('input[name="title"]').fill("Основной чертёж")
    upload.locator('input[type="file"]').set_input_files(
        {"name": "plan.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf(3)}
    )
    upload.locator('button[type="submit"]').click()
    expect_success(page)
    axe(page, "materials of a draft")
    page.goto(f"/discussions/{discussion.pk}/publish/")
    page.locator('main form button[type="submit"]').click()
    expect_success(page)
    discussion.refresh_from_db()
    assert discussion.status == Discussion.Status.PUBLISHED
    assert discussion.stage == Stage.SCHEDULED
    page.context.close()

    # --- Exposition: a question, and the expert's public answer ---------------------------
    with time_machine.travel(local_moment(discussion, discussion.exposition_start), tick=True):
        page = signed_in(new_context, live_server, resident.email)
        page.goto(discussion.get_absolute_url())
        expect(page.locator('.stages__step[aria-current="step"]')).to_contain_text("Exposition")
        take_part = page.locator('#take-part form[action$="/submit/"]')
        take_part.locator('textarea[name="text"]').fill(QUESTION)
        take_part.locator('button[type="submit"]').click()
        page.locator('main form button[type="submit"]', has_text="Confirm").click()
        expect_success(page)
        question = Submission.objects.get(kind=Submission.Kind.QUESTION)
        expect(page.locator(".receipt__number")).to_have_text(question.registration_number)
        page.context.close()

        page = signed_in(new_context, live_server, expert.email, staff=True)
        page.goto(question.get_absolute_url())
        answer = page.locator(f'form[action="/discussions/submissions/{question.pk}/answer/"]')
        answer.locator('textarea[name="text"]').fill("Сто двадцать мест, открытие в 2028 году.")
        answer.locator('button[type="submit"]').click()
        expect_success(page)
        page.context.close()

    # --- Intake: a proposal; a stranger and a teenager are refused with the reason ----------
    with time_machine.travel(local_moment(discussion, discussion.intake_start), tick=True):
        page = signed_in(new_context, live_server, resident.email)
        page.goto(discussion.get_absolute_url())
        expect(page.locator(".expert-answer")).to_contain_text("Сто двадцать мест")
        take_part = page.locator('#take-part form[action$="/submit/"]')
        take_part.locator('input[name="kind"][value="proposal"]').check()
        take_part.locator('textarea[name="text"]').fill(PROPOSAL)
        take_part.locator('button[type="submit"]').click()
        identification = page.locator("dl.identification")
        expect(identification).to_contain_text("1980")  # the verified birth date, to confirm
        expect(identification).to_contain_text("Vakhitovsky")
        axe(page, "confirming a submission")
        page.locator('main form button[type="submit"]', has_text="Confirm").click()
        expect_success(page)
        proposal = Submission.objects.get(kind=Submission.Kind.PROPOSAL)
        assert proposal.participant["birthdate"] == "1980-01-01"
        assert proposal.basis == Submission.Basis.RESIDENT
        expect(page.locator(".receipt")).to_contain_text(proposal.registration_number)
        axe(page, "receipt")
        page.context.close()

        for person, reason in (
            (stranger, "You must live in Vakhitovsky; your verified address is in Sovetsky"),
            (teenager, "Only people aged 18 or older may do this; you are 15 years old."),
        ):
            page = signed_in(new_context, live_server, person.email)
            page.goto(discussion.get_absolute_url())
            expect(page.locator("#take-part .notice")).to_contain_text(reason)
            expect(
                page.locator(f'form[action="/discussions/{discussion.pk}/submit/"]')
            ).to_have_count(0)
            page.context.close()
        axe_page = signed_in(new_context, live_server, stranger.email)
        axe_page.goto(discussion.get_absolute_url())
        axe(axe_page, "a discussion refused to a stranger")
        axe_page.context.close()

    # --- Review, protocol and conclusion, after the intake has closed ----------------------
    after_intake = discussion.intake_end + datetime.timedelta(days=1)
    with time_machine.travel(local_moment(discussion, after_intake), tick=True):
        # A late submission is refused and stored nowhere.
        page = signed_in(new_context, live_server, resident.email)
        page.goto(discussion.get_absolute_url())
        expect(page.locator("#take-part")).to_contain_text("no longer taken")
        page.context.close()
        assert Submission.objects.count() == 2

        page = signed_in(new_context, live_server, organizer.email, staff=True)
        page.goto(f"/discussions/{discussion.pk}/review/")
        expect(page.locator("#gate-reasons")).to_be_visible()
        for submission, choice in ((question, "accepted"), (proposal, "partly")):
            row = page.locator(f"#submission-{submission.pk}")
            row.locator(f'input[value="{choice}"]').check()
            row.locator("textarea").fill("Учтено в проекте: решение изменено.")
            row.locator('button[type="submit"]').click()
            expect(page.locator(f"#submission-{submission.pk} .badge--ok")).to_be_visible()
        page.reload()
        axe(page, "review with every submission recommended")
        page.locator('form[action$="/protocol/sign/"] button').click()
        expect_success(page)
        # The protocol is built in the background; its page of documents shows how far.
        page.goto(f"/discussions/{discussion.pk}/documents/")
        expect(page.locator("#record-protocol")).to_contain_text("waiting for its turn")
        assert run_builds() == ["built"]  # what the worker does
        expect(page.locator("#record-protocol a")).to_be_visible()  # htmx fetched it again
        page.goto(f"/discussions/{discussion.pk}/review/")
        page.locator('textarea[name="text"]').fill(
            "Обсуждения состоялись. Рекомендуется утвердить проект с учётом предложений."
        )
        page.locator('form[action$="/conclusion/publish/"] button').click()
        expect_success(page)
        page.context.close()
        assert run_builds() == ["built"]

        discussion.refresh_from_db()
        assert discussion.stage == Stage.CONCLUSION
        page = new_context().new_page()
        page.goto(discussion.get_absolute_url())
        results = page.locator("section", has=page.locator("#results-title"))
        expect(results).to_contain_text(discussion.protocol_code)
        response = page.request.get(f"/discussions/{discussion.pk}/protocol.pdf")
        assert response.ok
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
        flat = re.sub(r"\s+", " ", text)
        for submission in (question, proposal):
            assert submission.registration_number in flat
        assert "Галиева" not in flat and "1980" not in flat  # nothing personal is published
        axe(page, "a concluded discussion")
