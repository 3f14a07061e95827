"""Cases of the letters test for appeals, cabinets and operators: each drives the services and says
what its letters must name."""

import datetime
from unittest import mock

import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone, translation

from tests.factories import (
    make_organization,
    make_problem,
    make_resident,
    make_staff,
    make_territory,
    make_user,
)
from tests.letter_reading import (
    ANSWER_TEXT,
    NOTICE_MAIL,
    REASON,
    REFUSAL,
    REFUSAL_TEXT,
    everyone_speaks,
)
from veche.appeals import fraud
from veche.appeals import services as appeals
from veche.appeals.models import (
    DISPATCH_KIND,
    SUPPLEMENTARY_KIND,
    TAKE_UP_KIND,
    Answer,
    FraudAlert,
    Problem,
)
from veche.cabinet import services as cabinets
from veche.cabinet.invitation_tokens import make_token
from veche.cabinet.tests.registration import file_application, make_reviewer
from veche.core import outbox
from veche.core.ratelimits import acting_from
from veche.moderation import services as moderation
from veche.moderation.models import Decision
from veche.notifications.models import Notification, NotificationPreference
from veche.organizations.models import Membership


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
        "appeals/notices/appeal_sent_by_author.txt": [cast.org(), cast.title],
        NOTICE_MAIL: [cast.title],
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


def signatures_invalidated(language, actions):
    """A moderator counts out a signature under an appeal the addressee has received: the
    signatory and the addressee's officials hear of it, with the ground."""
    cast = AppealCast()
    moderator = make_staff(make_organization(), Membership.Role.MODERATOR)
    everyone_speaks(language)
    cast.received(actions)
    signature = cast.appeal.signatures.exclude(user=cast.author).get()
    ground = "Подпись поставлена программой"
    with actions():
        fraud.invalidate_signatures(
            moderator=moderator, appeal=cast.appeal, ground=ground, signature=signature
        )
    return {
        "appeals/notices/signature_invalidated.txt": [ground, cast.title],
        "appeals/notices/signatures_invalidated_addressee.txt": [ground, cast.title],
    }, cast.title


def fraud_alert(language, actions):
    """Signatures from one network pass the threshold: the moderators are alerted."""
    cast = AppealCast()
    make_staff(make_organization(), Membership.Role.MODERATOR)
    everyone_speaks(language)
    with acting_from("198.51.100.17"):
        appeals.sign_appeal(user=make_resident(cast.problem.territory), appeal=cast.appeal)
    with override_settings(VECHE_FRAUD_NETWORK_HOURLY=1), actions():
        fraud.watch()
    with translation.override(language):
        signal = str(FraudAlert.Kind.NETWORK.label)
    return {"appeals/notices/fraud_alert.txt": [signal]}, signal


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


def problem_taken_up(language, actions):
    cast = AppealCast()
    deputy = make_organization(
        kind="deputy", ru="Депутат Городской думы Иванова М. П.", en="Deputy M. P. Ivanova"
    )
    head = make_staff(deputy, Membership.Role.HEAD, last_name="Иванова", first_name="Мария")
    letter = "Поддерживаем жителей: двор нужно отремонтировать до зимы, просим назвать сроки работ."
    everyone_speaks(language)
    with actions():
        appeals.take_up_problem(
            official=head, problem=cast.problem, organization=deputy, text=letter
        )
    return {
        "appeals/notices/problem_taken_up.txt": [cast.org(deputy), cast.org()],
        "appeals/email/take_up.txt": [cast.org(deputy), cast.org(), cast.title, letter],
        "appeals/email/take_up_subject.txt": [cast.title],
    }, cast.title


def supplementary_list(language, actions):
    cast = AppealCast()
    with actions(prelude=True):
        cast.send()
    everyone_speaks(language)
    with actions():
        for _ in range(2):  # the support doubles since the dispatch: a list goes
            cast.appeal.refresh_from_db()
            appeals.sign_appeal(user=make_resident(cast.problem.territory), appeal=cast.appeal)
    return {
        "appeals/email/supplementary_list.txt": [cast.org(), cast.title],
        "appeals/email/supplementary_list_subject.txt": [cast.title],
    }, cast.title


def letters_given_up(language, actions):
    """A supplementary list and a deputy's letter taking the problem up are refused by the
    addressee's mail server until the outbox gives them up: the operators hear of each."""
    cast = AppealCast()
    make_user(is_staff=True, is_superuser=True)  # an operator
    deputy = make_organization(kind="deputy", ru="Депутат Иванова М. П.", en="Deputy Ivanova")
    head = make_staff(deputy, Membership.Role.HEAD, last_name="Иванова", first_name="Мария")
    with actions(prelude=True):
        cast.send()

    def refuse(message):
        raise REFUSAL

    everyone_speaks(language)
    refused = {SUPPLEMENTARY_KIND: refuse, TAKE_UP_KIND: refuse}
    with (
        override_settings(VECHE_OUTBOX_MAX_ATTEMPTS=1),
        mock.patch.dict(outbox.SENDERS, refused),
        actions(),
    ):
        for _ in range(2):  # the support doubles since the dispatch: a list goes
            cast.appeal.refresh_from_db()
            appeals.sign_appeal(user=make_resident(cast.problem.territory), appeal=cast.appeal)
        appeals.take_up_problem(
            official=head,
            problem=cast.problem,
            organization=deputy,
            text="Поддерживаем жителей: двор нужно отремонтировать до зимы, просим назвать сроки.",
        )
    recipient = cast.organization.dispatch_email
    return {
        "appeals/notices/letter_gave_up.txt": [cast.org(), recipient, cast.title, REFUSAL_TEXT]
    }, cast.org()


def webhook_paused(language, actions):
    """An organization's endpoint fails every delivery for days: it is paused and its head
    told how to resume it."""
    from veche.api import webhooks
    from veche.api.models import WebhookSubscription
    from veche.core.models import OutboxMessage

    cast = AppealCast()
    office = cast.appeal.organization
    head = make_staff(office, Membership.Role.HEAD)
    url = "http://127.0.0.1:9/veche-hooks"  # the discard port: nothing answers there
    everyone_speaks(language)
    with override_settings(VECHE_WEBHOOK_ALLOW_NETWORKS=["127.0.0.1"]):
        webhooks.subscribe(user=head, organization=office, url=url, events=["appeal.dispatched"])
        with actions(prelude=True):
            cast.send()  # the dispatch's delivery fails a first time
        WebhookSubscription.objects.update(
            failing_since=timezone.now() - datetime.timedelta(days=4)
        )
        message = OutboxMessage.objects.get(kind=webhooks.KIND)
        with actions():
            outbox.deliver(message.pk, now=message.next_attempt_at)  # days later: paused
    # The prelude's letters (the dispatch) name the problem; the pause's, the endpoint.
    return {"api/notices/webhook_paused.txt": [url], NOTICE_MAIL: [url]}, (
        url,
        cast.problem.title,
    )
