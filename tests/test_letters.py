"""Every letter Veche writes (e-mails, notices, receipts, digests, invitations, the dispatch of an
appeal), made through the real services with real data, in English and in Russian, and read: no
empty «» or “”, no unrendered `{{` or `{%`, no "None", no `%(name)s` left, no doubled full stop,
no English left in a Russian letter, and each names what it is about.

The letter templates are found by globbing the apps' templates (every `.txt`, every template
under an `email/` or `notices/` folder, allauth's `account/email/` if overridden), so a new
letter without a case here fails `test_every_letter_template_has_a_case`."""

import contextlib
from dataclasses import dataclass

import pytest
from django.core import mail
from django.template.base import Template
from django.utils import translation

from tests.letter_cases_appeals import (
    appeal_answered,
    appeal_correspondence,
    appeal_escalated,
    appeal_escalated_while_late,
    appeal_forwarded,
    appeal_forwarded_before_the_worker_came,
    appeal_handed_in,
    appeal_message_to_signatories,
    appeal_overdue,
    appeal_revised,
    appeal_sent,
    appeal_solved_before_the_answer,
    appeal_under_control,
    cabinet_applications,
    daily_digest,
    dispatch_given_up,
    fraud_alert,
    letters_given_up,
    moderation_decisions,
    problem_taken_up,
    signatures_invalidated,
    staff_invitation,
    supplementary_list,
    webhook_paused,
)
from tests.letter_cases_discussions import (
    account_letters,
    discussion_announced,
    discussion_applied_for,
    discussion_cancelled,
    discussion_concluded,
    discussion_rescheduled,
    discussion_submissions,
    expert_reminded,
    meeting_record_published,
)
from tests.letter_reading import LANGUAGES, NOTICE_MAIL, Case, flaws_of, letter_templates
from tests.outbox import deliver_everything
from veche.notifications.models import Notification

pytestmark = pytest.mark.django_db

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
        (
            "appeals/notices/appeal_arrived.txt",
            "appeals/notices/appeal_sent_by_author.txt",
            NOTICE_MAIL,
        ),
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
    Case("letters given up", ("appeals/notices/letter_gave_up.txt",), letters_given_up),
    Case(
        "signatures invalidated",
        (
            "appeals/notices/signature_invalidated.txt",
            "appeals/notices/signatures_invalidated_addressee.txt",
        ),
        signatures_invalidated,
    ),
    Case("fraud alert", ("appeals/notices/fraud_alert.txt",), fraud_alert),
    Case("webhook paused", ("api/notices/webhook_paused.txt", NOTICE_MAIL), webhook_paused),
    Case(
        "supplementary list of signatories",
        ("appeals/email/supplementary_list.txt", "appeals/email/supplementary_list_subject.txt"),
        supplementary_list,
    ),
    Case(
        "problem taken up by another organization",
        (
            "appeals/notices/problem_taken_up.txt",
            "appeals/email/take_up.txt",
            "appeals/email/take_up_subject.txt",
        ),
        problem_taken_up,
    ),
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
    Case(
        "expert reminded, organizer alerted",
        ("discussions/notices/expert_reminder.txt", "discussions/notices/expert_overdue.txt"),
        expert_reminded,
    ),
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
        "hearing's meeting record published",
        ("discussions/notices/meeting_record.txt",),
        meeting_record_published,
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
