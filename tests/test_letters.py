"""Every letter Veche writes (e-mails, notices, receipts, digests, invitations, the dispatch of an
appeal), made through the real services with real data, in English and in Russian, and read: no
empty «» or “”, no unrendered `{{` or `{%`, no "None", no `%(name)s` left, no doubled full stop,
no English left in a Russian letter, and each names what it is about.

The letter templates are found by globbing the apps' templates (every `.txt`, every template
under an `email/` or `notices/` folder, allauth's `account/email/` if overridden), so a new
letter without a case here fails `test_every_letter_template_has_a_case`."""

import contextlib
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template.base import Template
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import (
    discussion_dates,
    make_discussion,
    make_organization,
    make_problem,
    make_resident,
    make_staff,
    make_territory,
    make_user,
    tiny_pdf,
)
from tests.outbox import deliver_everything
from veche.accounts.models import User
from veche.appeals import services as appeals
from veche.appeals.models import DISPATCH_KIND, Answer, Problem
from veche.cabinet import services as cabinets
from veche.cabinet.invitation_tokens import make_token
from veche.cabinet.tests.registration import file_application, make_reviewer
from veche.core import outbox
from veche.discussions import services as discussions
from veche.discussions.models import Discussion, Follow, Submission
from veche.discussions.tests.organizer_cast import make_legal_entity_representative
from veche.moderation import services as moderation
from veche.moderation.models import Decision
from veche.notifications.models import Notification, NotificationPreference
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db

VECHE = Path(__file__).resolve().parent.parent / "veche"
LANGUAGES = ("en", "ru")


def letter_templates() -> set[str]:
    """The template names of every letter in the apps."""
    found = set()
    for path in VECHE.glob("**/templates/**/*"):
        if not path.is_file():
            continue
        name = path.relative_to(next(p for p in path.parents if p.name == "templates")).as_posix()
        folders = set(Path(name).parts[:-1])
        if path.suffix == ".txt" or folders & {"email", "notices"} or name.startswith("account/"):
            found.add(name)
    return found


# --- What a letter must not say ---------------------------------------------------------------

FLAWS = {
    "empty quotes": re.compile(r"«\s*»|“\s*”|„\s*“|\"\s*\"|\(\s*\)"),
    "unrendered template": re.compile(r"{{|}}|{%|%}|{#|#}"),
    "None": re.compile(r"\bNone\b"),
    "unformatted placeholder": re.compile(r"%\(\w+\)[sd]|%s\b"),
    "doubled full stop": re.compile(r"(?<!\.)\.\.(?!\.)|г\.\."),
    "number without a number": re.compile(r"(№|No\.)[ \t]*(?=[,.:;)]|$)", re.M),
    # An included text that ends with a line break splits the paragraph it is part of.
    "paragraph broken by a line break": re.compile(r"[.!?]\n [^\s-]"),
}
URL_OR_ADDRESS = re.compile(r"https?://\S+|\S+@\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)+\b")
# Latin words a Russian letter may carry: formats of the documents it names.
LATIN_ALLOWED = {"PDF", "DOCX"}
# A mail server's refusal, which the operators' notice quotes as it came.
REFUSAL = ConnectionRefusedError(111, "Connection refused")
REFUSAL_TEXT = f"{type(REFUSAL).__name__}: {REFUSAL}"
LATIN_WORD = re.compile(r"\b[A-Za-z][A-Za-z'-]+\b")


def flaws_of(text: str, language: str) -> list[str]:
    found = [f"{flaw}: {m.group(0)!r}" for flaw, rx in FLAWS.items() for m in rx.finditer(text)]
    if not text.strip():
        found.append("empty")
    if language == "ru":
        words = LATIN_WORD.findall(URL_OR_ADDRESS.sub(" ", text.replace(REFUSAL_TEXT, " ")))
        found += [f"English in Russian: {w!r}" for w in words if w.strip("-") not in LATIN_ALLOWED]
    return found


def test_the_reading_catches_each_flaw():
    assert flaws_of("объявляет обсуждения: «».", "ru")
    assert flaws_of("The answer is due by {{ due }}.", "en")
    assert flaws_of("Срок ответа — None.", "ru")
    assert flaws_of("Срок ответа — 1 января 2027 г..", "ru")
    assert flaws_of("The appeal “%(problem)s” was sent", "en")
    assert flaws_of("registered under No. .", "en")
    assert flaws_of("Организатор reviewed your submission", "ru")
    assert flaws_of("   ", "en")
    assert flaws_of("It was due by 1 May.\n Its author took it higher.", "en")
    assert not flaws_of("Откройте на сайте: https://veche.example/d/1/ (PDF)…", "ru")
    assert not flaws_of("The appeal No. КО-12/26 was sent on 1 May 2027.", "en")


# --- Recording what is written ----------------------------------------------------------------


@dataclass(frozen=True)
class Rendering:
    template: str
    language: str
    text: str


@pytest.fixture
def renderings(monkeypatch) -> list[Rendering]:
    """Every template rendered during the test, with the language it was rendered in."""
    rendered: list[Rendering] = []
    original = Template._render

    def recording(self, context):
        text = original(self, context)
        name = getattr(self.origin, "template_name", None) or ""
        rendered.append(Rendering(str(name), translation.get_language() or "", str(text)))
        return text

    monkeypatch.setattr(Template, "_render", recording)
    return rendered


@pytest.fixture(autouse=True)
def _background_at_once(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.SITE_URL = "https://veche.example"
    settings.ALLOWED_HOSTS = ["veche.example"]
    settings.MEDIA_ROOT = tmp_path / "media"


def everyone_speaks(language: str) -> None:
    User.objects.update(preferred_language=language)


# --- Cases: each drives the services and says what its letters must name ----------------------

# A case runs in one language (every person reads it; the site's language too); it returns, for
# each template it declares, the words every rendering of that template must contain.
Names = dict[str, list[str]]


@dataclass(frozen=True)
class Case:
    name: str
    templates: tuple[str, ...]
    # → the names, and the title every letter names (or one of the titles)
    run: Callable[[str, Callable], tuple[Names, str | tuple[str, ...]]]


NOTICE_MAIL = "notifications/email/notice.txt"
ANSWER_TEXT = "Ремонт двора включён в план работ на май, подрядчик уже выбран."
REASON = "Двор относится к ведению управы района, а не исполкома."


class AppealCast:
    """An appeal with its author, a signatory, a follower and an official of its addressee."""

    def __init__(self):
        territory = make_territory(ru="Вахитовский район", en="Vakhitovsky district")
        self.city = make_organization(ru="Исполком города", en="City executive committee")
        self.organization = make_organization(
            parent=self.city,
            jurisdiction=[territory],
            ru="Управа Вахитовского района",
            en="Vakhitovsky district office",
        )
        self.official = make_staff(self.organization, last_name="Чиновников", first_name="Олег")
        make_staff(self.city)  # the superior organization hears of escalations
        self.problem = make_problem(territory=territory, organization=self.organization)
        self.appeal = self.problem.current_appeal
        self.author = self.problem.author
        appeals.sign_appeal(user=make_resident(territory), appeal=self.appeal)
        appeals.set_following(user=make_user(), problem=self.problem, follow=True)

    @property
    def title(self) -> str:
        return self.problem.title

    def org(self, organization=None) -> str:
        return str((organization or self.organization).title)

    def send(self):
        appeals.send_appeal_now(author=self.author, appeal=self.appeal)

    def register(self):
        self.appeal.refresh_from_db()
        appeals.register_appeal(
            official=self.official, appeal=self.appeal, registration_number="КО-123/26"
        )

    def received(self, actions) -> "AppealCast":
        """Sent and registered (a prelude): where the organization's acts start."""
        for step in (self.send, self.register):
            with actions(prelude=True):
                step()
        self.appeal.refresh_from_db()
        return self

    def three_days_late(self) -> datetime.datetime:
        """A morning three days after the answer was due."""
        day = self.appeal.due_date + datetime.timedelta(days=3)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))

    def answer(self, kind: str, text: str = ANSWER_TEXT):
        self.appeal.refresh_from_db()
        appeals.answer_appeal(official=self.official, appeal=self.appeal, kind=kind, text=text)


def appeal_revised(language, actions):
    cast = AppealCast()
    everyone_speaks(language)
    with actions():
        appeals.revise_appeal(
            author=cast.author,
            appeal=cast.appeal,
            text=cast.appeal.current_revision.text + " Просим также установить освещение.",
            substantive=True,
            note="Добавлена просьба об освещении",
        )
    return {
        "appeals/notices/appeal_revised.txt": ["Добавлена просьба об освещении"],
        NOTICE_MAIL: [cast.title],
    }, cast.title


def appeal_sent(language, actions):
    cast = AppealCast()
    everyone_speaks(language)
    with actions():
        cast.send()
    text = cast.appeal.current_revision.text
    return {
        "appeals/notices/appeal_arrived.txt": [cast.org(), cast.title],
        "appeals/notices/appeal_sent.txt": [cast.org()],
        "appeals/email/dispatch.txt": [cast.org(), cast.title, text],
        "appeals/email/dispatch_subject.txt": [cast.title],
        NOTICE_MAIL: [cast.title],
    }, cast.title


def appeal_handed_in(language, actions):
    cast = AppealCast()
    everyone_speaks(language)
    with actions():
        appeals.record_sent_by_author(author=cast.author, appeal=cast.appeal)
    return {
        "appeals/notices/appeal_arrived.txt": [cast.org(), cast.title],
        "appeals/notices/appeal_sent.txt": [cast.org()],
    }, cast.title


def appeal_answered(language, actions):
    cast = AppealCast()
    everyone_speaks(language)
    with actions(prelude=True):
        cast.send()
    for step in (
        cast.register,
        lambda: cast.answer(Answer.Kind.INTERIM),
        lambda: cast.answer(Answer.Kind.EXTENSION),
        lambda: cast.answer(Answer.Kind.FINAL),
    ):
        with actions():
            step()
    with_text = [cast.org(), ANSWER_TEXT]
    return {
        "appeals/notices/appeal_registered.txt": [cast.org(), "КО-123/26"],
        "appeals/notices/answer_interim.txt": with_text,
        "appeals/notices/answer_extension.txt": with_text,
        "appeals/notices/answer_final.txt": with_text,
    }, cast.title


def appeal_forwarded(language, actions):
    cast = AppealCast()
    other = make_organization(ru="Управа Кировского района", en="Kirovsky district office")
    make_staff(other)
    everyone_speaks(language)
    cast.received(actions)
    with actions():
        appeals.forward_appeal(
            official=cast.official, appeal=cast.appeal, organization=other, reason=REASON
        )
    return {
        "appeals/notices/answer_forwarding.txt": [cast.org(), cast.org(other), REASON],
        "appeals/notices/appeal_arrived.txt": [cast.org(), cast.org(other), REASON, cast.title],
    }, cast.title


def appeal_forwarded_before_the_worker_came(language, actions):
    """The worker is late: the appeal was sent, registered and forwarded before any of its
    notices were written. Each still names the organization it happened at, and the officials
    who hear that it arrived are those of the addressee at the time."""
    cast = AppealCast()
    other = make_organization(ru="Управа Кировского района", en="Kirovsky district office")
    their_official = make_staff(other)
    everyone_speaks(language)
    with actions():
        cast.send()
        cast.register()
        appeals.forward_appeal(
            official=cast.official, appeal=cast.appeal, organization=other, reason=REASON
        )
    arrived = Notification.objects.filter(kind="appeal_arrived")
    assert arrived.filter(user=cast.official).count() == 1
    assert arrived.filter(user=their_official).count() == 1
    return {
        "appeals/notices/appeal_sent.txt": [cast.org()],
        "appeals/notices/appeal_registered.txt": [cast.org(), "КО-123/26"],
        "appeals/notices/answer_forwarding.txt": [cast.org(), cast.org(other), REASON],
    }, cast.title


def appeal_correspondence(language, actions):
    cast = AppealCast()
    everyone_speaks(language)
    cast.received(actions)
    with actions():
        appeals.send_message(
            sender=cast.official, appeal=cast.appeal, text="Уточните номер дома, пожалуйста."
        )
    with actions():
        appeals.send_message(sender=cast.author, appeal=cast.appeal, text="Дом 5, корпус 2.")
    return {
        "appeals/notices/message_to_author.txt": [cast.org(), "Уточните номер дома"],
        "appeals/notices/message_to_officials.txt": [cast.org(), "Дом 5, корпус 2."],
    }, cast.title


def appeal_escalated(language, actions):
    cast = AppealCast()
    everyone_speaks(language)
    for step in (cast.send, cast.register, lambda: cast.answer(Answer.Kind.FINAL)):
        with actions(prelude=True):
            step()
    cast.appeal.refresh_from_db()
    with actions():
        appeals.close_appeal(
            author=cast.author, appeal=cast.appeal, outcome=Problem.Status.UNSOLVED
        )
    cast.appeal.refresh_from_db()
    with actions():
        appeals.escalate_appeal(author=cast.author, appeal=cast.appeal, organization=cast.city)
    unsolved = {"en": "unsolved", "ru": "не решена"}[language]
    return {
        "appeals/notices/appeal_closed.txt": [unsolved],
        "appeals/notices/escalation_invitation.txt": [cast.org(cast.city)],
        "appeals/notices/appeal_escalated.txt": [cast.org(cast.city)],
    }, cast.title


def appeal_overdue(language, actions):
    cast = AppealCast()
    everyone_speaks(language)
    cast.received(actions)
    with time_machine.travel(cast.three_days_late(), tick=False), actions():
        call_command("notify_daily", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {"appeals/notices/appeal_overdue.txt": ["КО-123/26", cast.title]}, cast.title


def daily_digest(language, actions):
    cast = AppealCast()
    NotificationPreference.objects.create(
        user=cast.author, email_mode=NotificationPreference.EmailMode.DIGEST
    )
    everyone_speaks(language)
    for step in (cast.send, cast.register, lambda: cast.answer(Answer.Kind.INTERIM)):
        with actions(prelude=True):
            step()
    with actions():
        call_command("notify_daily", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {"notifications/email/digest.txt": [cast.title]}, cast.title


def appeal_under_control(language, actions):
    cast = AppealCast()
    head = make_staff(cast.city, Membership.Role.HEAD)
    everyone_speaks(language)
    cast.received(actions)
    with actions():
        appeals.set_under_control(head=head, appeal=cast.appeal, under_control=True)
    return {
        "appeals/notices/appeal_under_control.txt": [cast.org(cast.city), cast.org()],
        "appeals/notices/appeal_under_control_addressee.txt": [cast.org(cast.city), cast.title],
    }, cast.title


def appeal_message_to_signatories(language, actions):
    cast = AppealCast()
    everyone_speaks(language)
    cast.received(actions)
    with actions():
        appeals.message_signatories(
            official=cast.official,
            appeal=cast.appeal,
            text="Работы во дворе начнутся в мае.",
            public=True,
        )
    return {
        "appeals/notices/message_to_signatories.txt": [
            cast.org(),
            "Работы во дворе начнутся в мае.",
        ]
    }, cast.title


def appeal_solved_before_the_answer(language, actions):
    cast = AppealCast()
    everyone_speaks(language)
    cast.received(actions)
    with actions():
        appeals.close_appeal(author=cast.author, appeal=cast.appeal, outcome=Problem.Status.SOLVED)
    solved = {"en": "solved", "ru": "решена"}[language]
    return {
        "appeals/notices/appeal_closed_before_answer.txt": [cast.title],
        "appeals/notices/appeal_closed.txt": [solved],
    }, cast.title


def appeal_escalated_while_late(language, actions):
    cast = AppealCast()
    everyone_speaks(language)
    cast.received(actions)
    with time_machine.travel(cast.three_days_late(), tick=False), actions():
        appeals.escalate_appeal(author=cast.author, appeal=cast.appeal, organization=cast.city)
    return {
        "appeals/notices/appeal_escalated_while_late.txt": [
            cast.org(),
            cast.org(cast.city),
            cast.title,
        ],
        "appeals/notices/_missed_deadline.txt": [cast.org()],
    }, cast.title


def dispatch_given_up(language, actions):
    """The addressee's mail server refuses the appeal until the outbox gives up: the operators
    hear of it."""
    cast = AppealCast()
    make_user(is_staff=True, is_superuser=True)  # an operator

    def refuse(message):
        raise REFUSAL

    everyone_speaks(language)
    with (
        override_settings(VECHE_OUTBOX_MAX_ATTEMPTS=1),
        mock.patch.dict(outbox.SENDERS, {DISPATCH_KIND: refuse}),
        actions(),
    ):
        cast.send()
    recipient = cast.organization.dispatch_email
    return {
        "appeals/notices/dispatch_gave_up.txt": [cast.org(), recipient, cast.title, REFUSAL_TEXT]
    }, cast.org()


def cabinet_applications(language, actions):
    """A verified person applies for a cabinet; a platform administrator approves one
    application and refuses another."""
    territory = make_territory()
    reviewer = make_reviewer()
    everyone_speaks(language)
    with actions():
        approved = file_application(territory=territory)
    with actions():
        refused = file_application(territory=territory)
    everyone_speaks(language)
    with actions():
        cabinets.approve_application(
            user=reviewer, application=approved, slug=f"cabinet-{approved.pk}"
        )
    reason = "Не приложены сведения о руководителе."
    with actions():
        cabinets.refuse_application(user=reviewer, application=refused, reason=reason)
    names = [approved.title, refused.title]
    return {
        "cabinet/notices/application_filed.txt": [],
        "cabinet/notices/application_approved.txt": [approved.title],
        "cabinet/notices/application_refused.txt": [refused.title, reason],
    }, tuple(names)


def staff_invitation(language, actions):
    """A head invites an official by e-mail; the invited person accepts."""
    office = make_organization(ru="МУП «Водоканал»", en="Vodokanal municipal company")
    head = make_staff(office, Membership.Role.HEAD, last_name="Гарипов", first_name="Тимур")
    invited = make_user("invited@example.org", last_name="Новикова", first_name="Анна")
    everyone_speaks(language)
    with actions():
        invitation = cabinets.invite_staff(
            user=head,
            organization=office,
            email="invited@example.org",
            role=Membership.Role.OFFICIAL,
            position="Ведущий специалист",
            language=language,
        )
    with actions():
        cabinets.accept_invitation(user=invited, token=make_token(invitation))
    return {
        "cabinet/email/invitation.txt": [
            str(office.title),
            "Ведущий специалист",
            "invited@example.org",
        ],
        "cabinet/notices/invitation_accepted.txt": [str(office.title), "Новикова"],
    }, str(office.title)


# --- Discussions --


def at_stage(discussion: Discussion, stage: str) -> Discussion:
    Discussion.objects.filter(pk=discussion.pk).update(**discussion_dates(stage))
    discussion.refresh_from_db()
    return discussion


class DiscussionCast:
    def __init__(self, stage: str = "intake"):
        self.expert = make_user(last_name="Экспертов", first_name="Игорь")
        self.discussion = make_discussion(stage=stage, experts=[self.expert])
        self.organizer = self.discussion.created_by
        self.resident = make_resident(self.discussion.territory)
        Follow.objects.create(user=make_user(), territory=self.discussion.territory)

    @property
    def title(self) -> str:
        return self.discussion.title

    def submit(self, kind: str, text: str) -> Submission:
        return discussions.submit(
            user=self.resident, discussion=self.discussion, kind=kind, text=text
        )


def discussion_announced(language, actions):
    cast = DiscussionCast()
    everyone_speaks(language)
    with actions():
        discussions.send_due_notices()
    organizer = str(cast.discussion.organizer.title)
    return {"discussions/notices/announced.txt": [cast.title, organizer]}, cast.title


def discussion_rescheduled(language, actions):
    cast = DiscussionCast()
    cast.submit(Submission.Kind.PROPOSAL, "Сохранить липы вдоль улицы Баумана.")
    everyone_speaks(language)
    week = datetime.timedelta(days=7)
    new_end = cast.discussion.intake_end + week
    with actions():
        discussions.move_dates(
            user=cast.organizer,
            discussion=cast.discussion,
            values={
                "intake_end": new_end,
                "exposition_end": new_end,
                "protocol_due": cast.discussion.protocol_due + week,
                "conclusion_due": cast.discussion.conclusion_due + week,
            },
            reason="Поступила просьба жителей продлить приём.",
            accept_warnings=True,
        )
    return {
        "discussions/notices/schedule_changed.txt": ["Поступила просьба жителей продлить приём."]
    }, cast.title


def discussion_cancelled(language, actions):
    cast = DiscussionCast()
    everyone_speaks(language)
    with actions():
        discussions.cancel_discussion(
            user=cast.organizer, discussion=cast.discussion, reason="Проект отозван заявителем."
        )
    return {"discussions/notices/cancelled.txt": ["Проект отозван заявителем."]}, cast.title


def discussion_submissions(language, actions):
    cast = DiscussionCast()
    everyone_speaks(language)
    with actions():
        question = cast.submit(Submission.Kind.QUESTION, "Где будут парковки для жителей?")
    with actions():
        cast.submit(Submission.Kind.PROPOSAL, "Сохранить липы вдоль улицы Баумана.")
    with actions():
        discussions.answer_question(
            expert=cast.expert, submission=question, text="Под зданием, на сто мест."
        )
    return {
        "discussions/email/receipt.txt": [cast.title],
        "discussions/notices/question_asked.txt": [question.registration_number],
        "discussions/notices/question_answered.txt": [
            question.registration_number,
            "Под зданием, на сто мест.",
        ],
    }, cast.title


def expert_reminded(language, actions):
    cast = DiscussionCast()
    question = cast.submit(Submission.Kind.QUESTION, "Где будут парковки для жителей?")
    everyone_speaks(language)
    with actions():
        discussions.send_due_notices(timezone.now() + datetime.timedelta(days=4))
    return {
        "discussions/notices/expert_reminder.txt": [
            question.registration_number,
            "Где будут парковки для жителей?",
        ]
    }, cast.title


def discussion_concluded(language, actions):
    cast = DiscussionCast()
    proposal = cast.submit(Submission.Kind.PROPOSAL, "Сохранить липы вдоль улицы Баумана.")
    at_stage(cast.discussion, "review")
    everyone_speaks(language)
    with actions():
        discussions.recommend(
            user=cast.organizer,
            submission=proposal,
            recommendation=Submission.Recommendation.ACCEPTED,
            reason="Липы сохраняются: проект изменён.",
        )
    with actions():
        discussions.sign_protocol(user=cast.organizer, discussion=cast.discussion)
    cast.discussion.refresh_from_db()
    with actions():
        discussions.publish_conclusion(
            user=cast.organizer,
            discussion=cast.discussion,
            text="Общественные обсуждения состоялись; проект рекомендован к утверждению.",
        )
    cast.discussion.refresh_from_db()
    proposal.refresh_from_db()
    with actions():
        discussions.record_progress(
            user=cast.organizer,
            discussion=cast.discussion,
            submission=proposal,
            title="Липы пересажены",
            percent=40,
            note="Высажено двенадцать лип.",
        )
    return {
        "discussions/notices/recommendation.txt": [
            proposal.registration_number,
            "Липы сохраняются: проект изменён.",
        ],
        "discussions/notices/protocol.txt": [],
        "discussions/notices/conclusion.txt": ["проект рекомендован к утверждению"],
        "discussions/notices/progress.txt": ["Липы пересажены", "40", "Высажено двенадцать лип."],
    }, cast.title


def discussion_applied_for(language, actions):
    territory = make_territory()
    authority = make_organization(jurisdiction=[territory])
    organizer = make_staff(authority, Membership.Role.ORGANIZER)
    developer = make_legal_entity_representative()
    everyone_speaks(language)
    title = "Склад на участке 16:50:000000:123"
    with actions():
        application = discussions.apply_for_discussion(
            user=developer,
            organization=authority,
            subject="conditional_use",
            title=title,
            description="Просим провести общественные обсуждения.",
            territory=territory,
            document=SimpleUploadedFile("project.pdf", tiny_pdf(), "application/pdf"),
        )
    with actions():
        discussions.decide_application(
            user=organizer,
            application=application,
            accept=False,
            reason="Проект не содержит схемы планировочной организации участка.",
        )
    legal_name = application.legal_entity["legal_name"]
    return {
        "discussions/notices/application_filed.txt": [legal_name, title],
        "discussions/notices/application_decided.txt": ["схемы планировочной организации"],
    }, title


# --- Allauth's letters, in Veche's frame --


def moderation_decisions(language, actions):
    """A comment hidden, its author warned and blocked for a week, the hiding contested and
    reversed by a second moderator: each notice names the moderator's words, never a name."""
    cast = AppealCast()
    moderator, second = (
        make_staff(make_organization(), Membership.Role.MODERATOR, last_name=name)
        for name in ("Модераторов", "Второй")
    )
    with actions(prelude=True):
        comment = appeals.add_comment(author=cast.author, problem=cast.problem, text="Текст.")
    everyone_speaks(language)
    with actions():
        moderation.hide_content(
            moderator=moderator, target=comment, ground="obscene", note="См. п. 3 правил."
        )
    with actions():
        moderation.warn_author(
            moderator=moderator, target=comment, ground="spam", note="Ещё п. 3 правил."
        )
    with actions():
        moderation.block_author(
            moderator=moderator, target=comment, ground="threats", days=7, note="п. 3 правил."
        )
    decision = Decision.objects.get(action="hide")
    contest = moderation.contest_decision(user=cast.author, decision=decision, text="Нет.")
    with actions():
        moderation.decide_contest(
            moderator=second, contest=contest, uphold=False, answer="Отменено, п. 3 правил."
        )
    return {
        "moderation/notices/moderation_decision.txt": ["п. 3 правил"],
        "moderation/notices/moderation_contest_decided.txt": ["Отменено, п. 3 правил."],
    }, "п. 3 правил"


def account_letters(language, actions):
    """Sign-up, a second sign-up with the same address, password resets for a known and an
    unknown address: allauth's letters with Veche's greeting and sign-off."""
    browser = Client(HTTP_ACCEPT_LANGUAGE=language, HTTP_HOST="veche.example")
    new_password = "another-horse-battery-7"
    make_user("known@example.org")
    everyone_speaks(language)
    for address in ("new@example.org", "known@example.org"):
        with actions():
            browser.post(
                reverse("account_signup"),
                {
                    "email": address,
                    "password1": new_password,
                    "password2": new_password,
                    "consent_processing": "on",
                },
            )
    for address in ("known@example.org", "nobody@example.org"):
        with actions():
            browser.post(reverse("account_reset_password"), {"email": address})
    assert len(mail.outbox) == 4, [message.subject for message in mail.outbox]
    greeting = {"en": "Hello!", "ru": "Здравствуйте!"}[language]
    return {"account/email/base_message.txt": [greeting, "https://veche.example"]}, "veche.example"


CASES = (
    Case("appeal revised", ("appeals/notices/appeal_revised.txt", NOTICE_MAIL), appeal_revised),
    Case(
        "appeal sent",
        (
            "appeals/notices/appeal_arrived.txt",
            "appeals/notices/appeal_sent.txt",
            "appeals/email/dispatch.txt",
            "appeals/email/dispatch_subject.txt",
            NOTICE_MAIL,
        ),
        appeal_sent,
    ),
    Case(
        "appeal handed in by its author",
        ("appeals/notices/appeal_arrived.txt", "appeals/notices/appeal_sent.txt"),
        appeal_handed_in,
    ),
    Case(
        "appeal registered and answered",
        (
            "appeals/notices/appeal_registered.txt",
            "appeals/notices/answer_interim.txt",
            "appeals/notices/answer_extension.txt",
            "appeals/notices/answer_final.txt",
        ),
        appeal_answered,
    ),
    Case(
        "appeal forwarded",
        ("appeals/notices/answer_forwarding.txt", "appeals/notices/appeal_arrived.txt"),
        appeal_forwarded,
    ),
    Case(
        "appeal forwarded before the worker came",
        (
            "appeals/notices/appeal_sent.txt",
            "appeals/notices/appeal_registered.txt",
            "appeals/notices/answer_forwarding.txt",
        ),
        appeal_forwarded_before_the_worker_came,
    ),
    Case(
        "appeal correspondence",
        ("appeals/notices/message_to_author.txt", "appeals/notices/message_to_officials.txt"),
        appeal_correspondence,
    ),
    Case(
        "appeal closed and escalated",
        (
            "appeals/notices/appeal_closed.txt",
            "appeals/notices/escalation_invitation.txt",
            "appeals/notices/appeal_escalated.txt",
        ),
        appeal_escalated,
    ),
    Case("appeal overdue", ("appeals/notices/appeal_overdue.txt",), appeal_overdue),
    Case(
        "appeal under control",
        (
            "appeals/notices/appeal_under_control.txt",
            "appeals/notices/appeal_under_control_addressee.txt",
        ),
        appeal_under_control,
    ),
    Case(
        "appeal's officials write to its signatories",
        ("appeals/notices/message_to_signatories.txt",),
        appeal_message_to_signatories,
    ),
    Case(
        "appeal solved before the answer",
        ("appeals/notices/appeal_closed_before_answer.txt", "appeals/notices/appeal_closed.txt"),
        appeal_solved_before_the_answer,
    ),
    Case(
        "appeal escalated while late",
        (
            "appeals/notices/appeal_escalated_while_late.txt",
            "appeals/notices/_missed_deadline.txt",
        ),
        appeal_escalated_while_late,
    ),
    Case("dispatch given up", ("appeals/notices/dispatch_gave_up.txt",), dispatch_given_up),
    Case(
        "cabinet applications",
        (
            "cabinet/notices/application_filed.txt",
            "cabinet/notices/application_approved.txt",
            "cabinet/notices/application_refused.txt",
        ),
        cabinet_applications,
    ),
    Case(
        "staff invitation",
        ("cabinet/email/invitation.txt", "cabinet/notices/invitation_accepted.txt"),
        staff_invitation,
    ),
    Case("daily digest", ("notifications/email/digest.txt",), daily_digest),
    Case("discussion announced", ("discussions/notices/announced.txt",), discussion_announced),
    Case(
        "discussion rescheduled",
        ("discussions/notices/schedule_changed.txt",),
        discussion_rescheduled,
    ),
    Case("discussion cancelled", ("discussions/notices/cancelled.txt",), discussion_cancelled),
    Case(
        "submissions, receipts and answers",
        (
            "discussions/email/receipt.txt",
            "discussions/notices/question_asked.txt",
            "discussions/notices/question_answered.txt",
        ),
        discussion_submissions,
    ),
    Case("expert reminded", ("discussions/notices/expert_reminder.txt",), expert_reminded),
    Case(
        "discussion reviewed and concluded",
        (
            "discussions/notices/recommendation.txt",
            "discussions/notices/protocol.txt",
            "discussions/notices/conclusion.txt",
            "discussions/notices/progress.txt",
        ),
        discussion_concluded,
    ),
    Case(
        "application for a discussion",
        (
            "discussions/notices/application_filed.txt",
            "discussions/notices/application_decided.txt",
        ),
        discussion_applied_for,
    ),
    Case(
        "moderation decisions and a contest",
        (
            "moderation/notices/moderation_decision.txt",
            "moderation/notices/moderation_contest_decided.txt",
        ),
        moderation_decisions,
    ),
    Case("account letters", ("account/email/base_message.txt",), account_letters),
)


def test_every_letter_template_has_a_case():
    covered = {template for case in CASES for template in case.templates}
    assert letter_templates() - covered == set()
    assert covered - letter_templates() == set(), "a case names a template that is gone"


@dataclass(frozen=True)
class Letter:
    to: str
    text: str


def letters_written() -> list[Letter]:
    """Every notice stored and every e-mail sent."""
    written = [
        Letter(n.user.email, f"{n.title}\n{n.body}")
        for n in Notification.objects.select_related("user")
    ]
    return written + [
        Letter(message.to[0], f"{message.subject}\n{message.body}") for message in mail.outbox
    ]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_letter_reads_right(
    case, language, settings, renderings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = language  # the site's language: that of letters to organizations
    other = next(other for other in LANGUAGES if other != language)

    start = [0]

    @contextlib.contextmanager
    def actions(*, prelude: bool = False):
        """A service acts, and the worker after it, under the other language: whatever the
        process speaks, a letter is written in its reader's. What a prelude writes is read for
        flaws, not for the names of the case's letters."""
        with translation.override(other):
            with django_capture_on_commit_callbacks(execute=True):
                yield
            deliver_everything()
        if prelude:
            start[0] = len(renderings)

    names, title = case.run(language, actions)
    assert set(names) == set(case.templates)

    templates = letter_templates()
    letters = [(i >= start[0], r) for i, r in enumerate(renderings) if r.template in templates]
    problems = []
    for _named, rendering in letters:
        if rendering.language != language:
            problems.append(f"{rendering.template}: written in {rendering.language!r}")
        problems += [f"{rendering.template}: {flaw}" for flaw in flaws_of(rendering.text, language)]
    for template, words in names.items():
        ours = [r for named, r in letters if named and r.template == template]
        if not ours:
            problems.append(f"{template}: not written")
        problems += [
            f"{template}: does not name {word!r}"
            for rendering in ours
            for word in words
            if word not in rendering.text
        ]
    written = letters_written()
    assert written, "the case wrote no letter"
    for letter in written:
        problems += [f"to {letter.to}: {flaw}" for flaw in flaws_of(letter.text, language)]
        titles = (title,) if isinstance(title, str) else title
        if not any(one in letter.text for one in titles):
            problems.append(f"to {letter.to}: does not name {' or '.join(titles)!r}")
    shown = "\n\n".join(f"--- to {letter.to}\n{letter.text}" for letter in written)
    assert not problems, "\n".join(problems) + "\n\nThe letters:\n" + shown
