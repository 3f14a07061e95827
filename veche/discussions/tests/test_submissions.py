"""Taking part: who may send what, what is stored with it, its number and its receipt."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import make_discussion, make_resident, make_staff, make_territory, make_user
from veche.core.models import AuditEvent
from veche.discussions import queries, services
from veche.discussions.models import Follow, Submission
from veche.identity.models import Level, Verification
from veche.identity.services import record_verification
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
PROPOSAL = "Сохранить деревья вдоль улицы при реконструкции квартала."


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def send(user, discussion, kind=Submission.Kind.PROPOSAL, text=PROPOSAL, **options):
    return services.submit(user=user, discussion=discussion, kind=kind, text=text, **options)


def test_a_resident_gets_a_number_and_a_snapshot_of_the_verified_identity():
    discussion = make_discussion()
    resident = make_resident(
        discussion.territory, birthdate=datetime.date(1985, 6, 1), last_name="Галиев"
    )
    submission = send(resident, discussion)
    assert submission.registration_number == f"{discussion.pk}-0001"
    assert submission.basis == Submission.Basis.RESIDENT
    assert submission.participant["birthdate"] == "1985-06-01"
    assert submission.participant["territory"] == discussion.territory.title
    assert submission.participant["verification"]
    assert send(resident, discussion, text="Ещё одно предложение по озеленению.").number == 2
    assert Follow.objects.filter(user=resident, discussion=discussion).exists()
    assert AuditEvent.objects.filter(action="discussion.submission_registered").count() == 2


def test_a_resident_of_another_district_is_refused_with_the_reason():
    discussion = make_discussion()
    elsewhere = make_territory(code="kazan-sovetsky", ru="Советский район", en="Sovetsky District")
    stranger = make_resident(elsewhere)
    with pytest.raises(PermissionDenied, match="Sovetsky District"):
        send(stranger, discussion)
    assert not Submission.objects.exists()


def test_a_sixteen_year_old_is_refused_with_the_reason():
    discussion = make_discussion(min_age=18)
    today = datetime.date.today()
    # Sixteen and a day or more (a date that every year has: no 29 February).
    sixteen = today.replace(year=today.year - 16, day=min(today.day, 28))
    teenager = make_resident(discussion.territory, birthdate=sixteen - datetime.timedelta(1))
    with pytest.raises(PermissionDenied, match="18"):
        send(teenager, discussion)
    assert not Submission.objects.exists()


def test_an_unverified_account_is_refused():
    discussion = make_discussion()
    with pytest.raises(PermissionDenied):
        send(make_user(), discussion)
    assert not Submission.objects.exists()


def test_a_legal_entity_sends_with_its_ogrn_and_without_one_it_is_told_why():
    discussion = make_discussion()
    representative = make_resident(discussion.territory)
    with pytest.raises(ValidationError, match="legal entity"):
        send(representative, discussion, as_legal_entity=True)
    record_verification(
        user=representative,
        level=Level.PROVIDER,
        source=Verification.Source.PROVIDER,
        source_reference="tests",
        claims={
            "family_name": "Жителев",
            "legal_entity": {
                "name": "ООО «Казанский девелопмент»",
                "ogrn": "1021600000124",
                "address": "Казань, ул. Баумана, 1",
            },
        },
        territory=discussion.territory,
    )
    submission = send(representative, discussion, as_legal_entity=True)
    assert submission.participant["ogrn"] == "1021600000124"
    assert submission.public_author == "ООО «Казанский девелопмент»"


def test_the_receipt_is_mailed_once_with_the_number(django_capture_on_commit_callbacks):
    discussion = make_discussion()
    resident = make_resident(discussion.territory)
    with django_capture_on_commit_callbacks(execute=True):
        submission = send(resident, discussion)
    receipts = [m for m in mail.outbox if submission.registration_number in m.subject]
    assert len(receipts) == 1
    assert receipts[0].to == [resident.email]
    assert PROPOSAL in receipts[0].body
    assert submission.get_absolute_url() in receipts[0].body
    from veche.discussions.tasks import send_receipt

    assert send_receipt.call(submission.pk) == "already handled"


def test_the_receipt_is_stored_with_the_submission_and_sent_even_if_its_queueing_is_lost(
    settings, django_capture_on_commit_callbacks
):
    from veche.core import outbox
    from veche.core.models import OutboxMessage
    from veche.discussions.tasks import RECEIPT_KIND

    discussion = make_discussion()
    resident = make_resident(discussion.territory)
    # Committed, then the process dies before the after-commit queueing runs.
    with django_capture_on_commit_callbacks(execute=False):
        submission = send(resident, discussion)
    message = OutboxMessage.objects.get(kind=RECEIPT_KIND, target_id=submission.pk)
    assert message.state == OutboxMessage.State.PENDING
    assert not mail.outbox
    later = timezone.now() + datetime.timedelta(seconds=settings.VECHE_OUTBOX_LEASE_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.sweep(now=later)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.sweep(now=later) == 0
    [receipt] = [m for m in mail.outbox if submission.registration_number in m.subject]
    assert receipt.extra_headers["Message-ID"] == message.message_id


def test_a_submission_rolled_back_leaves_no_receipt_to_send():
    from django.db import transaction

    from veche.core.models import OutboxMessage
    from veche.discussions.tasks import RECEIPT_KIND

    discussion = make_discussion()
    resident = make_resident(discussion.territory)
    with pytest.raises(RuntimeError), transaction.atomic():
        send(resident, discussion)
        raise RuntimeError("the request failed after the service")
    assert not Submission.objects.exists()
    assert not OutboxMessage.objects.filter(kind=RECEIPT_KIND).exists()


def test_a_question_reaches_the_experts_and_their_answer_reaches_the_author(
    django_capture_on_commit_callbacks,
):
    expert = make_user(email="expert@example.org")
    discussion = make_discussion(stage="exposition", experts=[expert])
    resident = make_resident(discussion.territory)
    with django_capture_on_commit_callbacks(execute=True):
        question = send(resident, discussion, kind=Submission.Kind.QUESTION, text="Где парковка?")
    assert expert.notifications.filter(kind="discussion_question_asked").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_question(expert=expert, submission=question, text="Под зданием, 120 мест.")
    assert resident.notifications.filter(kind="discussion_question_answered").count() == 1


def test_only_experts_of_the_discussion_answer():
    discussion = make_discussion(stage="exposition")
    resident = make_resident(discussion.territory)
    question = send(resident, discussion, kind=Submission.Kind.QUESTION, text="Где парковка?")
    for outsider in (resident, make_staff(discussion.organizer, Membership.Role.OFFICIAL)):
        with pytest.raises(PermissionDenied):
            services.answer_question(expert=outsider, submission=question, text="Не знаю.")
    assert not question.answers.exists()


def test_a_paper_submission_is_registered_on_behalf_with_the_required_data():
    discussion = make_discussion()
    official = make_staff(discussion.organizer, Membership.Role.OFFICIAL)
    person = {"full_name": "Иванова Мария Петровна", "birthdate": "1950-03-08", "address": "ул. Ш"}
    submission = services.register_on_behalf(
        official=official,
        discussion=discussion,
        kind=Submission.Kind.REMARK,
        text="Против сноса гаражей во дворе.",
        channel=Submission.Channel.WRITING,
        received_on=discussion.intake_start,
        participant=person,
        basis=Submission.Basis.RESIDENT,
    )
    assert submission.author is None and submission.registered_by == official
    assert submission.participant["full_name"] == "Иванова Мария Петровна"
    with pytest.raises(ValidationError, match="date of birth"):
        services.register_on_behalf(
            official=official,
            discussion=discussion,
            kind=Submission.Kind.REMARK,
            text="Против сноса гаражей во дворе.",
            channel=Submission.Channel.WRITING,
            received_on=discussion.intake_start,
            participant={"full_name": "Без даты"},
            basis=Submission.Basis.RESIDENT,
        )
    with pytest.raises(ValidationError, match="cannot be registered"):
        services.register_on_behalf(
            official=official,
            discussion=discussion,
            kind=Submission.Kind.REMARK,
            text="Пришло до начала приёма.",
            channel=Submission.Channel.WRITING,
            received_on=discussion.intake_start - datetime.timedelta(days=1),
            participant=person,
            basis=Submission.Basis.RESIDENT,
        )
    assert Submission.objects.count() == 1


def test_a_resident_cannot_register_on_anyones_behalf():
    discussion = make_discussion()
    resident = make_resident(discussion.territory)
    with pytest.raises(PermissionDenied):
        services.register_on_behalf(
            official=resident,
            discussion=discussion,
            kind=Submission.Kind.REMARK,
            text="Подделанное предложение от соседа.",
            channel=Submission.Channel.WRITING,
            received_on=discussion.intake_start,
            participant={"full_name": "Сосед", "birthdate": "1970-01-01", "address": "ул. Ш"},
            basis=Submission.Basis.RESIDENT,
        )
    assert not Submission.objects.exists()


def test_the_protocol_waits_for_a_recommendation_on_every_submission():
    discussion = make_discussion(stage="intake")
    organizer = discussion.created_by
    resident = make_resident(discussion.territory)
    submission = send(resident, discussion)
    from veche.discussions.models import Discussion

    Discussion.objects.filter(pk=discussion.pk).update(
        intake_end=datetime.date.today() - datetime.timedelta(days=2),
        exposition_end=datetime.date.today() - datetime.timedelta(days=2),
    )
    discussion.refresh_from_db()
    with pytest.raises(ValidationError, match="no recommendation"):
        services.sign_protocol(user=organizer, discussion=discussion)
    with pytest.raises(ValidationError):
        services.recommend(
            user=organizer, submission=submission, recommendation="accepted", reason=""
        )
    services.recommend(
        user=organizer,
        submission=submission,
        recommendation=Submission.Recommendation.ACCEPTED,
        reason="Деревья сохраняются, проект изменён.",
    )
    assert queries.unreviewed(discussion).count() == 0


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Проектировщики — суки, снести всё это.", "obscene"),
        ("Если построят, я сожгу эту стройку.", "threat"),
    ],
)
def test_what_could_not_be_published_is_refused_with_the_reason_and_not_registered(text, reason):
    discussion = make_discussion()
    resident = make_resident(discussion.territory)
    with pytest.raises(ValidationError, match=reason):
        send(resident, discussion, text=text)
    assert not Submission.objects.exists()


def test_participants_are_numbered_within_the_discussion_not_by_account():
    first = make_discussion()
    second = make_discussion(territory=first.territory, organizer=first.organizer)
    one, other = make_resident(first.territory), make_resident(first.territory)
    a = send(one, first)
    b = send(other, first, text="Добавить велодорожку вдоль улицы.")
    c = send(one, first, text="Перенести парковку во двор дома 7.")
    d = send(other, second)
    assert (a.participant_number, b.participant_number, c.participant_number) == (1, 2, 1)
    assert d.participant_number == 1  # the same person is not recognisable across discussions
    assert a.public_author == "Participant No. 1" and d.public_author == "Participant No. 1"


def test_a_person_who_agreed_to_publication_is_named():
    discussion = make_discussion()
    resident = make_resident(
        discussion.territory, last_name="Галиева", first_name="Алсу", name_publication="initials"
    )
    assert send(resident, discussion).public_author == "Галиева А."


def test_a_receipt_that_failed_is_retried_as_the_same_letter(
    django_capture_on_commit_callbacks, monkeypatch
):
    from django.core.mail.backends.locmem import EmailBackend

    from veche.core import outbox
    from veche.core.models import OutboxMessage
    from veche.discussions.tasks import RECEIPT_KIND

    def refuse(self, messages):
        raise ConnectionRefusedError("mail server down")

    discussion = make_discussion()
    resident = make_resident(discussion.territory)
    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        submission = send(resident, discussion)
    monkeypatch.undo()
    message = OutboxMessage.objects.get(kind=RECEIPT_KIND, target_id=submission.pk)
    assert message.state == OutboxMessage.State.FAILED
    assert outbox.deliver(message.pk, now=message.next_attempt_at) == "sent"
    [receipt] = [m for m in mail.outbox if submission.registration_number in m.subject]
    assert receipt.extra_headers["Message-ID"] == message.message_id
    submission.refresh_from_db()
    assert submission.receipt_sent_at is not None
