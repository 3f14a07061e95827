"""The whole life of a collective appeal, lived by its people in Chromium: a resident publishes a
problem and signs its appeal, verified neighbours sign until there are fifty signatures, Veche
mails the appeal with its PDF to the district administration through a real SMTP server, an
official registers and answers it in the cabinet, signatories rate the answer, and the author,
unsatisfied, closes it (the rating goes on) and escalates it to the city's executive
committee."""

import hashlib
import io
import logging
import os
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import dateformat, formats, timezone, translation
from django.utils.translation import gettext
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import expect
from pypdf import PdfReader, PdfWriter

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, make_category, make_organization, make_territory
from tests.sign_in import with_second_factor
from veche.accounts.models import User
from veche.appeals.documents import APPEAL
from veche.appeals.models import (
    Answer,
    Appeal,
    AppealPolicy,
    Category,
    Dispatch,
    Problem,
    Rating,
)
from veche.documents.models import IssuedDocument
from veche.notifications.models import Notification
from veche.organizations.models import Organization
from veche.territories.models import Territory

THRESHOLD = 50
ADMINISTRATION_EMAIL = "priemnaya@vakhitovsky.kazan.example"
OFFICIAL_EMAIL = "garipov@vakhitovsky.kazan.example"
REGISTRATION_NUMBER = "ИК-2417/26"

TITLE = "Ямы во дворе домов 12–14 по улице Гоголя"
DESCRIPTION = (
    "Весной асфальт во дворе разрушился: ямы глубиной до двадцати сантиметров, "
    "в дождь двор превращается в лужу, машины объезжают её по газону."
)
APPEAL_TEXT = (
    "Мы, жители домов 12 и 14 по улице Гоголя, просим отремонтировать асфальтовое покрытие "
    "двора. Ямы глубиной до двадцати сантиметров мешают проезду машин скорой помощи и опасны "
    "для детей и пожилых людей.\n\n"
    "Просим обследовать двор с участием представителей жителей и выполнить ямочный ремонт "
    "до первого октября."
)
ANSWER_TEXT = (
    "Двор обследован 12 мая. Ремонт покрытия включён в программу благоустройства "
    "следующего года; до того управляющей компании поручено засыпать ямы щебнем."
)

# Fifty residents of the district, the first of them the author; half of them women, and every
# full name different, so that each name in the document the administration receives is one
# person's.
SURNAMES = [
    "Абдуллин", "Ахметов", "Валиев", "Гарифуллин", "Зарипов", "Ибрагимов", "Каримов",
    "Латыпов", "Мухаметшин", "Нуриев", "Сафин", "Хабибуллин", "Шарипов", "Юсупов",
    "Иванов", "Петров", "Смирнов", "Кузнецов", "Соколов", "Морозов", "Волков",
    "Лебедев", "Егоров", "Павлов", "Никитин",
]  # fmt: skip
MEN = [("Ильдар", "Рустамович"), ("Марат", "Ринатович"), ("Артём", "Сергеевич")]
WOMEN = [("Алсу", "Ринатовна"), ("Гульнара", "Маратовна"), ("Елена", "Игоревна")]
PUBLICATION = ["full", "initials", "none"]


@dataclass(frozen=True)
class Resident:
    email: str
    full_name: str
    level: str
    publish_name: str


RESIDENTS = [
    Resident(
        email=f"resident{number:02d}@kazan.example",
        full_name=(
            f"{SURNAMES[number // 2]}а {' '.join(WOMEN[number % 3])}"
            if number % 2
            else f"{SURNAMES[number // 2]} {' '.join(MEN[number % 3])}"
        ),
        level="provider" if number % 3 else "census",
        publish_name=PUBLICATION[number % 3],
    )
    for number in range(THRESHOLD)
]


@dataclass
class City:
    district: Territory
    administration: Organization
    executive_committee: Organization
    category: Category
    official: User


def build_city() -> City:
    """A city, one of its districts, the district administration under the city's executive
    committee, its residents (made with `veche createuser`, as an operator would) and one
    official with an authenticator app."""
    city = make_territory("kazan", kind=Territory.Kind.CITY, ru="Казань", en="Kazan")
    district = make_territory(
        "kazan-vakhitovsky", parent=city, ru="Вахитовский район", en="Vakhitovsky District"
    )
    executive_committee = make_organization(
        "kazan-executive-committee",
        jurisdiction=[city],
        ru="Исполнительный комитет муниципального образования г. Казани",
        en="Executive Committee of Kazan",
    )
    administration = make_organization(
        "kazan-vakhitovsky-administration",
        parent=executive_committee,
        jurisdiction=[district],
        ru="Администрация Вахитовского района г. Казани",
        en="Administration of Vakhitovsky District of Kazan",
    )
    administration.dispatch_email = ADMINISTRATION_EMAIL
    administration.postal_address = "420111, г. Казань, ул. Примерная, д. 1"
    administration.save()
    AppealPolicy.objects.create(organization=administration, signature_threshold=THRESHOLD)
    for number, resident in enumerate(RESIDENTS):
        call_command(
            "createuser",
            resident.email,
            "--password",
            PASSWORD,
            "--name",
            resident.full_name,
            "--level",
            resident.level,
            "--birthdate",
            f"{1950 + number}-0{1 + number % 9}-1{number % 10}",
            "--territory",
            district.code,
            "--publish-name",
            resident.publish_name,
            stdout=io.StringIO(),
        )
    call_command(
        "createuser",
        OFFICIAL_EMAIL,
        "--password",
        PASSWORD,
        "--name",
        "Гарипов Ильдар Рустамович",
        "--role",
        f"{administration.slug}:official",
        stdout=io.StringIO(),
    )
    official = User.objects.get(email=OFFICIAL_EMAIL)
    with_second_factor(official)  # staff roles must use one
    return City(district, administration, executive_committee, make_category("roads"), official)


# --- What people do -------------------------------------------------------------------------


def signed_in(new_context, email: str, *, second_factor: bool = False):
    """A page of a fresh browser in which the person signed in through the sign-in form (and,
    for staff, with a code from their authenticator app)."""
    return sign_in(new_context().new_page(), email, second_factor=second_factor)


def expect_success(page) -> None:
    expect(page.locator(".message--success")).to_have_count(1)
    expect(page.locator(".message--error")).to_have_count(0)


def sign_on_the_page(new_context, email: str, problem: Problem) -> None:
    page = signed_in(new_context, email)
    page.goto(problem.get_absolute_url())
    form = page.locator(f'form[action="/problems/{problem.pk}/sign/"]')
    form.locator('input[name="agree"]').check()
    form.locator('button[type="submit"]').click()
    expect_success(page)
    page.context.close()


def run_background_tasks() -> None:
    """What `veche db_worker` does in production: take every queued task once, then stop. The
    worker's loop without the command's signal handlers, which belong to a process of its own."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="lifecycle-test",
        excluded_queue_names=[],
    ).run()


# --- Reading the document back --------------------------------------------------------------


def in_site_language(message: str, **params) -> str:
    """A phrase of the documents, which are written in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message) % params


def squashed(text: str) -> str:
    """Text without the spaces, line breaks and hyphens that typesetting adds or moves."""
    return re.sub(r"[\s\-\u00ad\u2010]+", "", text)


def first_page_png(pdf: Path) -> Path:
    """The first page as an image, by poppler's pdftoppm (Debian package poppler-utils)."""
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing: apt-get install poppler-utils"
    target = pdf.with_suffix("")
    subprocess.run(  # noqa: S603 (our own program and temporary files)
        [pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdf, target],
        check=True,
        capture_output=True,
    )
    return target.with_suffix(".png")


def png_size(path: Path) -> tuple[int, int]:
    return struct.unpack(">II", path.read_bytes()[16:24])  # the IHDR chunk's width and height


def keep_for_readme(png: Path) -> None:
    """The README shows an appeal's first page: refresh it when $VECHE_SCREENSHOTS is set."""
    directory = os.environ.get("VECHE_SCREENSHOTS")
    if not directory:
        return
    target = Path(directory) / "appeal-pdf.png"
    if not target.exists() or target.read_bytes() != png.read_bytes():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(png.read_bytes())


def small_pdf() -> bytes:
    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    return buffer.getvalue()


# --- The journey ----------------------------------------------------------------------------


@pytest.fixture
def stored_tasks(settings, caplog):
    """Tasks are stored rows that the worker claims, as in production."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    # Two lines per task would bury a failure's report.
    caplog.set_level(logging.WARNING, logger="django_tasks")
    caplog.set_level(logging.WARNING, logger="django_tasks_db")
    # The public address that e-mails and documents carry (the QR code on the PDF points there).
    settings.SITE_URL = "https://veche.example.org"


def test_an_appeal_lives_from_publication_to_escalation(
    new_context, live_server, smtp_server, stored_tasks, axe, tmp_path, transactional_db
):
    city = build_city()
    author_email, *neighbour_emails = [resident.email for resident in RESIDENTS]

    # The author publishes the problem; Veche proposes the district administration.
    author = signed_in(new_context, author_email)
    author.goto("/problems/new/")
    axe(author, "new problem form")
    form = author.locator("main form.form")
    form.locator('[name="title"]').fill(TITLE)
    form.locator('[name="category"]').select_option(str(city.category.pk))
    form.locator('[name="territory"]').select_option(str(city.district.pk))
    form.locator('[name="address"]').fill("ул. Гоголя, 12–14, двор")
    form.locator('[name="description"]').fill(DESCRIPTION)
    form.locator('[name="appeal_text"]').fill(APPEAL_TEXT)
    form.locator('button[name="confirm"][value="check"]').click()
    expect(form.locator('[name="organization"]')).to_have_value(str(city.administration.pk))
    form.locator('button[name="confirm"][value="publish"]').click()
    author.wait_for_url(re.compile(r"/problems/\d+/$"))
    expect_success(author)
    problem = Problem.objects.get(title=TITLE)
    appeal = problem.current_appeal
    assert appeal.organization == city.administration
    assert appeal.signature_count == 1  # the author signs on publishing
    expect(author.locator("progress.sign-box__bar")).to_have_attribute("max", str(THRESHOLD))
    axe(author, "the new problem's page")

    # Forty-nine neighbours sign. Signing in and signing through the page takes about 1.5 s a
    # person (over a minute for all), so the first two and the last, the fiftieth, whose
    # signature sends the appeal, sign in Chromium; the others post the same form to the same
    # address from Django's test client, signed in there (30 ms each): every signature goes
    # through the same view and service.
    sign_url = f"/problems/{problem.pk}/sign/"
    for email in neighbour_emails[:2]:
        sign_on_the_page(new_context, email, problem)
    client = Client()
    for email in neighbour_emails[2:-1]:
        client.force_login(User.objects.get(email=email))
        # Their accounts were made by an operator: the first sign-in asks the consent.
        assert client.post("/accounts/consent/", {"consent_processing": "on"}).status_code == 302
        assert client.post(sign_url, {"agree": "on"}).status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.signature_count) == (Appeal.Status.COLLECTING, THRESHOLD - 1)
    assert not smtp_server.messages

    last = signed_in(new_context, neighbour_emails[-1])
    last.goto(problem.get_absolute_url())
    expect(last.locator(".sign-box__count strong")).to_have_text(str(THRESHOLD - 1))
    last.locator(f'form[action="{sign_url}"] input[name="agree"]').check()
    last.locator(f'form[action="{sign_url}"] button[type="submit"]').click()
    expect_success(last)
    expect(last.locator(".sign-box__count strong")).to_have_text(str(THRESHOLD))
    expect(last.locator(f'form[action="{sign_url}"]')).to_have_count(0)
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.SENT
    [dispatch] = appeal.dispatches.all()
    assert (dispatch.status, dispatch.recipient) == (Dispatch.Status.PENDING, ADMINISTRATION_EMAIL)
    axe(last, "the appeal, sent")

    # The worker delivers the appeal to the administration's mailbox, over SMTP.
    run_background_tasks()
    dispatch.refresh_from_db()
    assert dispatch.status == Dispatch.Status.SENT
    received = smtp_server.wait_for(1)
    to_administration = [
        message
        for message, recipients in zip(received, smtp_server.recipients, strict=True)
        if recipients == [ADMINISTRATION_EMAIL]
    ]
    assert len(to_administration) == 1
    [mail] = to_administration
    assert mail["To"] == ADMINISTRATION_EMAIL
    assert TITLE in mail["Subject"]
    assert str(THRESHOLD) in mail["Subject"]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    cabinet_path = f"/cabinet/appeals/{appeal.pk}/"
    assert f"{settings.SITE_URL}{cabinet_path}" in body
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"appeal-{appeal.pk}.pdf"
    pdf = attachment.get_content()
    saved = tmp_path / "appeal.pdf"  # kept, to look at when a check below fails
    saved.write_bytes(pdf)

    # The PDF read back: the registered addressee's copy, with the text, the revision, the
    # addressee and all fifty co-applicants.
    document = IssuedDocument.objects.get(kind=APPEAL, for_addressee=True)
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    reader = PdfReader(io.BytesIO(pdf))
    text = squashed("\n".join(page.extract_text() for page in reader.pages))
    revision = appeal.current_revision
    assert revision.number == 1
    assert reader.metadata.title == in_site_language(
        "Collective appeal “%(title)s”, revision %(number)s", title=TITLE, number=1
    )
    revised_on = dateformat.format(timezone.localtime(revision.created_at), "d.m.Y")
    assert (
        squashed(in_site_language("Revision %(number)s of %(date)s", number=1, date=revised_on))
        in text
    )
    assert squashed(TITLE) in text
    assert squashed(APPEAL_TEXT) in text
    assert squashed(city.administration.title) in text
    assert squashed(in_site_language("Signatures in all: %(count)s", count=THRESHOLD)) in text
    for resident in RESIDENTS:
        assert squashed(resident.full_name) in text, resident.full_name
        assert resident.email in text, resident.email
    assert document.code in text
    assert [round(float(side)) for side in reader.pages[0].mediabox[2:]] == [595, 842]  # A4
    png = first_page_png(saved)
    width, height = png_size(png)
    assert abs(height / width - 2**0.5) < 0.01, (width, height)
    keep_for_readme(png)

    # Everyone concerned hears that it was sent: the signatories, and the official.
    told = {address for recipients in smtp_server.recipients for address in recipients}
    assert told >= {author_email, *neighbour_emails, OFFICIAL_EMAIL}

    # The official signs in with the authenticator's code, finds the appeal in the inbox,
    # registers it and gives the final answer with an attachment.
    official = signed_in(new_context, OFFICIAL_EMAIL, second_factor=True)
    official.locator('header a[href="/cabinet/"]').click()
    official.wait_for_url("**/cabinet/")
    listed = official.locator(f'main a[href="/cabinet/appeals/{appeal.pk}/"]')
    expect(listed).to_have_text(TITLE)
    axe(official, "cabinet inbox")
    listed.click()
    official.wait_for_url(f"{live_server.url}{cabinet_path}")
    expect(official.locator("table.data-table tbody tr")).to_have_count(THRESHOLD)
    axe(official, "the appeal in the cabinet")
    register = official.locator(f'form[action="/cabinet/appeals/{appeal.pk}/register/"]')
    register.locator('[name="register-registration_number"]').fill(REGISTRATION_NUMBER)
    register.locator('button[type="submit"]').click()
    expect_success(official)
    appeal.refresh_from_db()
    assert (appeal.status, appeal.registration_number) == (
        Appeal.Status.REGISTERED,
        REGISTRATION_NUMBER,
    )
    final = official.locator(f'form[action="/cabinet/appeals/{appeal.pk}/final/"]')
    official.locator("details", has=final).locator("summary").click()
    final.locator('[name="final-text"]').fill(ANSWER_TEXT)
    final.locator('[name="final-attachments"]').set_input_files(
        {"name": "akt-obsledovaniya.pdf", "mimeType": "application/pdf", "buffer": small_pdf()}
    )
    official.once("dialog", lambda dialog: dialog.accept())  # "It cannot be changed afterwards."
    final.locator('button[type="submit"]').click()
    expect_success(official)
    expect(official.locator("#history")).to_contain_text(ANSWER_TEXT[:40])
    expect(official.locator('#history a:text("akt-obsledovaniya.pdf")')).to_have_count(1)
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.ANSWERED
    [answer] = appeal.answers.all()
    assert (answer.kind, answer.official.email) == (Answer.Kind.FINAL, OFFICIAL_EMAIL)
    assert [attachment.name for attachment in answer.attachments.all()] == ["akt-obsledovaniya.pdf"]

    # Three signatories rate the answer, each with a comment.
    ratings = {neighbour_emails[0]: 2, neighbour_emails[1]: 1, neighbour_emails[-1]: 3}
    for number, (email, score) in enumerate(ratings.items(), start=1):
        rater = signed_in(new_context, email)
        rater.goto(problem.get_absolute_url())
        expect(rater.locator('section[aria-labelledby="history-title"]')).to_contain_text(
            ANSWER_TEXT[:40]
        )
        form = rater.locator(f'form[action="/problems/{problem.pk}/rate/"]')
        form.locator(f'input[name="score"][value="{score}"]').check()
        form.locator('[name="comment"]').fill(f"Оценка {score}: ям во дворе всё ещё много.")
        if number == 1:
            axe(rater, "rating the answer")
        form.locator('button[type="submit"]').click()
        expect_success(rater)
        expect(form).to_have_count(0)
        expect(rater.locator('section[aria-labelledby="rating-title"] .badge--ok')).to_be_visible()
        rater.context.close()
    assert {
        (rating.user.email, rating.score, rating.comment)
        for rating in Rating.objects.filter(appeal=appeal).select_related("user")
    } == {
        (email, score, f"Оценка {score}: ям во дворе всё ещё много.")
        for email, score in ratings.items()
    }
    # The rating shows: to the addressee at once, to everyone once the rating closes.
    with translation.override(settings.LANGUAGE_CODE):
        average = formats.number_format(sum(ratings.values()) / len(ratings), 1)
    official.reload()
    expect(official.locator(".facts--stacked")).to_contain_text(f"{average} ")
    expect(official.locator(".facts--stacked")).to_contain_text(f"({len(ratings)} ")

    # The author finds the problem unsolved and escalates it to the executive committee.
    author.goto(problem.get_absolute_url())
    close = author.locator(f'form[action="/problems/{problem.pk}/close/"]')
    close.locator('input[name="outcome"][value="unsolved"]').check()
    close.locator('button[type="submit"]').click()
    expect_success(author)
    # Closing does not end the 14 days of rating: the panel stays, and the average waits for
    # the window to close.
    rating_panel = author.locator('section[aria-labelledby="rating-title"]')
    expect(rating_panel).to_be_visible()
    expect(author.locator("main")).not_to_contain_text(f"{average} / 5")
    escalate = author.locator(f'form[action="/problems/{problem.pk}/escalate/"]')
    expect(escalate.locator('[name="organization"]')).to_have_value(
        str(city.executive_committee.pk)
    )
    axe(author, "closed as unsolved, before escalating")
    escalate.locator('button[type="submit"]').click()
    expect_success(author)

    problem.refresh_from_db()
    appeal.refresh_from_db()
    escalation = problem.current_appeal
    assert escalation.previous == appeal
    assert (appeal.status, appeal.outcome) == (Appeal.Status.ESCALATED, Problem.Status.UNSOLVED)
    assert escalation.organization == city.executive_committee
    assert escalation.status == Appeal.Status.COLLECTING
    assert escalation.current_revision.text == revision.text
    # Signatures are not carried over: only the author's, made anew; the others are invited.
    assert [s.user.email for s in escalation.signatures.select_related("user")] == [author_email]
    assert escalation.signature_count == 1
    # The page tells the whole story: both appeals, the answer, how the first one ended.
    history = author.locator('section[aria-labelledby="history-title"] .timeline__item')
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text(city.administration.title)
    expect(history.nth(0)).to_contain_text(REGISTRATION_NUMBER)
    expect(history.nth(0)).to_contain_text(ANSWER_TEXT[:40])
    expect(history.nth(0)).to_contain_text(
        in_site_language("The author closed it: %(outcome)s.", outcome=in_site_language("unsolved"))
    )
    expect(history.nth(1)).to_contain_text(city.executive_committee.title)
    expect(author.locator("#appeal-title")).to_contain_text(city.executive_committee.title)
    axe(author, "the escalated appeal")

    # The worker makes the invitations (the escalation only announced it) and mails them; a
    # neighbour follows hers and signs the new appeal.
    assert not Notification.objects.filter(kind="escalation_invitation").exists()
    mails_before = len(smtp_server.messages)
    run_background_tasks()
    invited = Notification.objects.filter(kind="escalation_invitation", appeal=appeal)
    assert {notice.user.email for notice in invited.select_related("user")} == set(neighbour_emails)
    invitation = in_site_language(
        "Sign the new appeal “%(problem)s” to %(organization)s",
        problem=TITLE,
        organization=city.executive_committee.title,
    )
    invited_by_mail = [
        recipients
        for message, recipients in zip(
            smtp_server.messages[mails_before:],
            smtp_server.recipients[mails_before:],
            strict=True,
        )
        if invitation in message["Subject"]
    ]
    assert sorted(address for [address] in invited_by_mail) == sorted(neighbour_emails)
    neighbour = signed_in(new_context, neighbour_emails[1])
    neighbour.goto("/notifications/")
    axe(neighbour, "notifications with the invitation")
    neighbour.locator(f'main a[href="{problem.get_absolute_url()}"]').first.click()
    sign = neighbour.locator(f'form[action="{sign_url}"]')
    sign.locator('input[name="agree"]').check()
    sign.locator('button[type="submit"]').click()
    expect_success(neighbour)
    expect(neighbour.locator(".sign-box__count strong")).to_have_text("2")
    assert escalation.signatures.count() == 2
