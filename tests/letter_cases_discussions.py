"""Cases of the letters test for discussions and for allauth's letters in Veche's frame."""

import datetime

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    discussion_dates,
    make_discussion,
    make_organization,
    make_resident,
    make_staff,
    make_territory,
    make_user,
    tiny_pdf,
)
from tests.letter_reading import everyone_speaks
from veche.discussions import services as discussions
from veche.discussions.models import Discussion, Follow, Submission
from veche.discussions.tests.organizer_cast import make_legal_entity_representative
from veche.organizations.models import Membership

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
        # Past twice the reminder's hours: the experts are reminded and the organizers alerted.
        discussions.send_due_notices(timezone.now() + datetime.timedelta(days=5))
    named = [question.registration_number, "Где будут парковки для жителей?"]
    return {
        "discussions/notices/expert_reminder.txt": named,
        "discussions/notices/expert_overdue.txt": named,
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


def meeting_record_published(language, actions):
    from veche.discussions.tests.meeting_cast import hearing

    discussion = hearing(started_minutes_ago=90)
    Follow.objects.create(user=make_user(), discussion=discussion)
    everyone_speaks(language)
    with actions():
        discussions.publish_meeting_record(
            user=discussion.created_by,
            discussion=discussion,
            minutes="Выступили пять участников собрания.",
            recording_url="https://video.example.ru/rec/12",
        )
    return {"discussions/notices/meeting_record.txt": []}, discussion.title


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
