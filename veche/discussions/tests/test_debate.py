"""The public debate on proposals and remarks: who may reply and mark, when, how a mark changes,
what the counts say, and how replies are numbered, screened and moderated."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import (
    make_discussion,
    make_organization,
    make_resident,
    make_staff,
    make_territory,
)
from veche.core.models import AuditEvent
from veche.discussions import queries_debate, services
from veche.discussions.models import Mark, Reply, Submission
from veche.moderation.registry import reportable
from veche.moderation.services import hide_content
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
PROPOSAL = "Сохранить деревья вдоль улицы при реконструкции квартала."


@pytest.fixture(autouse=True)
def _quiet(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def discussion():
    return make_discussion(stage="intake")


@pytest.fixture
def submission(discussion):
    return services.submit(
        user=make_resident(discussion.territory),
        discussion=discussion,
        kind="proposal",
        text=PROPOSAL,
    )


def counted(submission) -> tuple[int, int, int]:
    shown = queries_debate.with_counts(Submission.objects.filter(pk=submission.pk)).get()
    return shown.support_count, shown.object_count, shown.reply_count


def test_an_eligible_resident_supports_and_the_count_shows_it(submission):
    resident = make_resident(submission.discussion.territory)
    services.mark_submission(user=resident, submission=submission, kind="support")
    assert counted(submission) == (1, 0, 0)
    assert AuditEvent.objects.filter(action="discussion.submission_marked").count() == 1


def test_changing_a_mark_keeps_one_mark_of_the_person(submission):
    resident = make_resident(submission.discussion.territory)
    services.mark_submission(user=resident, submission=submission, kind="support")
    services.mark_submission(user=resident, submission=submission, kind="object")
    assert list(Mark.objects.values_list("kind", flat=True)) == ["object"]
    assert counted(submission) == (0, 1, 0)


def test_an_empty_mark_withdraws_it(submission):
    resident = make_resident(submission.discussion.territory)
    services.mark_submission(user=resident, submission=submission, kind="object")
    services.mark_submission(user=resident, submission=submission, kind="")
    assert not Mark.objects.exists()


def test_the_same_mark_again_changes_nothing_and_records_nothing(submission):
    resident = make_resident(submission.discussion.territory)
    services.mark_submission(user=resident, submission=submission, kind="support")
    services.mark_submission(user=resident, submission=submission, kind="support")
    assert AuditEvent.objects.filter(action="discussion.submission_marked").count() == 1


def test_an_unknown_mark_is_refused(submission):
    resident = make_resident(submission.discussion.territory)
    with pytest.raises(ValidationError):
        services.mark_submission(user=resident, submission=submission, kind="love")


def test_the_author_may_not_mark_their_own_submission(submission):
    with pytest.raises(PermissionDenied, match="your own submission"):
        services.mark_submission(user=submission.author, submission=submission, kind="support")


def test_the_author_may_reply_to_their_own_submission(submission):
    reply = services.reply_to_submission(
        author=submission.author, submission=submission, text="Поясню своё предложение."
    )
    assert reply.participant_number == submission.participant_number


def test_a_resident_of_another_district_is_refused_with_the_reason(submission):
    elsewhere = make_territory(code="kazan-sovetsky", ru="Советский район", en="Sovetsky District")
    stranger = make_resident(elsewhere)
    with pytest.raises(PermissionDenied, match="Sovetsky District"):
        services.mark_submission(user=stranger, submission=submission, kind="support")
    with pytest.raises(PermissionDenied, match="Sovetsky District"):
        services.reply_to_submission(author=stranger, submission=submission, text="Не согласен.")
    assert not Mark.objects.exists() and not Reply.objects.exists()


def test_after_the_intake_marks_and_replies_are_refused(submission):
    resident = make_resident(submission.discussion.territory)
    services.mark_submission(user=resident, submission=submission, kind="support")
    later = submission.discussion.ends(submission.discussion.intake_end)
    with pytest.raises(PermissionDenied, match="intake is closed"):
        services.mark_submission(user=resident, submission=submission, kind="object", moment=later)
    with pytest.raises(PermissionDenied, match="intake is closed"):
        services.reply_to_submission(
            author=resident, submission=submission, text="Поздно.", moment=later
        )
    assert list(Mark.objects.values_list("kind", flat=True)) == ["support"]


def test_during_the_exposition_nothing_is_debated_yet():
    discussion = make_discussion(stage="exposition")
    resident = make_resident(discussion.territory)
    decision = queries_debate.debate_decision(resident, discussion)
    assert not decision.allowed
    assert discussion.intake_start.isoformat() in decision.reasons[0]


def test_questions_take_no_marks_or_replies(discussion):
    question = services.submit(
        user=make_resident(discussion.territory),
        discussion=discussion,
        kind="question",
        text="Какой будет высота зданий в квартале?",
    )
    resident = make_resident(discussion.territory)
    with pytest.raises(PermissionDenied, match="experts"):
        services.mark_submission(user=resident, submission=question, kind="support")


def test_a_hidden_submission_takes_no_marks(submission):
    moderator = make_staff(make_organization(), Membership.Role.MODERATOR)
    hide_content(moderator=moderator, target=submission, ground="off_topic")
    submission.refresh_from_db()
    with pytest.raises(PermissionDenied, match="hidden"):
        services.mark_submission(
            user=make_resident(submission.discussion.territory),
            submission=submission,
            kind="support",
        )


def test_a_reply_to_a_nested_reply_joins_its_thread(submission):
    first, second = (make_resident(submission.discussion.territory) for _ in range(2))
    top = services.reply_to_submission(author=first, submission=submission, text="Поддерживаю.")
    nested = services.reply_to_submission(
        author=second, submission=submission, text="Почему?", parent=top
    )
    deeper = services.reply_to_submission(
        author=first, submission=submission, text="Потому что тень.", parent=nested
    )
    assert (nested.parent, deeper.parent) == (top, top)
    assert queries_debate.reply_tree(submission) == [(top, [nested, deeper])]


def test_a_reply_to_another_submission_is_refused(submission, discussion):
    other = services.submit(
        user=make_resident(discussion.territory),
        discussion=discussion,
        kind="remark",
        text="Замечание о парковке во дворе дома.",
    )
    resident = make_resident(discussion.territory)
    top = services.reply_to_submission(author=resident, submission=other, text="Согласен.")
    with pytest.raises(ValidationError):
        services.reply_to_submission(
            author=resident, submission=submission, text="Не туда.", parent=top
        )


def test_repliers_get_participant_numbers_that_submitters_never_reuse(submission, discussion):
    replier = make_resident(discussion.territory)
    reply = services.reply_to_submission(author=replier, submission=submission, text="Согласна.")
    assert reply.participant_number == submission.participant_number + 1
    newcomer = services.submit(
        user=make_resident(discussion.territory),
        discussion=discussion,
        kind="proposal",
        text="Сделать во дворе детскую площадку.",
    )
    assert newcomer.participant_number == reply.participant_number + 1
    own = services.submit(
        user=replier, discussion=discussion, kind="remark", text="Замечание о тротуарах."
    )
    assert own.participant_number == reply.participant_number


def test_an_obscene_reply_is_refused_with_the_reason(submission):
    with pytest.raises(ValidationError, match="obscene"):
        services.reply_to_submission(
            author=make_resident(submission.discussion.territory),
            submission=submission,
            text="Ну и сука этот проект.",
        )


def test_an_empty_reply_is_refused(submission):
    with pytest.raises(ValidationError):
        services.reply_to_submission(
            author=make_resident(submission.discussion.territory), submission=submission, text=" "
        )


def test_a_reply_is_reportable_and_a_moderator_hides_it(submission):
    reply = services.reply_to_submission(
        author=make_resident(submission.discussion.territory),
        submission=submission,
        text="Ответ участника.",
    )
    assert reportable("reply", reply.pk) == reply
    moderator = make_staff(make_organization(), Membership.Role.MODERATOR)
    hide_content(moderator=moderator, target=reply, ground="off_topic")
    reply.refresh_from_db()
    assert reply.hidden_at is not None and reply.hidden_reason == "off_topic"
    assert reportable("reply", reply.pk) is None
    assert counted(submission) == (0, 0, 0)
