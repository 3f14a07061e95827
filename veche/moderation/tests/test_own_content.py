"""Nobody is judge of their own content: a moderator, or an administrator, whose text was
reported, hidden or held for pre-moderation neither hides, restores, approves or refuses it nor
dismisses the reports about it, and does not decide the contest of a decision about it. The pages
offer them no such act and say that another moderator decides; the services refuse a forged one
and change nothing; another moderator still decides."""

import pytest
import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.factories import (
    make_organization,
    make_problem,
    make_resident,
    make_staff,
    make_territory,
    make_user,
)
from tests.sign_in import enter
from veche.appeals.models import Problem
from veche.appeals.services import add_comment
from veche.identity.models import Level
from veche.moderation.models import Complaint, Contest, Decision
from veche.moderation.services import (
    approve_content,
    block_author,
    contest_decision,
    decide_contest,
    dismiss_complaint,
    hide_content,
    lift_block,
    refuse_content,
    report_content,
    restore_content,
    warn_author,
)
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
QUEUE = "/moderation/"
YOURS = "You wrote this: another moderator decides about it."
YOUR_CONTEST = "The decision is about your own content: another moderator decides the contest."


def item_url(kind: str, pk: int) -> str:
    return reverse("moderation:item", args=[kind, pk])


def act_url(kind: str, pk: int) -> str:
    return reverse("moderation:act", args=[kind, pk])


def a_moderator():
    return make_staff(make_organization(), Membership.Role.MODERATOR)


@pytest.fixture
def colleague():
    """The moderator who hid the first moderator's text."""
    return a_moderator()


@pytest.fixture
def third():
    """A moderator with no part in it: the one who decides."""
    return a_moderator()


@pytest.fixture
def own(comment, moderator):
    """A comment the moderator wrote, under the same problem."""
    return add_comment(author=moderator, problem=comment.problem, text="Модератор тоже житель.")


@pytest.fixture
def hidden_own(own, colleague):
    hide_content(moderator=colleague, target=own, ground="obscene")
    return Decision.objects.get(action=Decision.Action.HIDE)


@pytest.fixture
def contest(hidden_own, own, moderator):
    return contest_decision(user=moderator, decision=hidden_own, text="Здесь нет брани.")


def hidden(item) -> bool:
    item.refresh_from_db()
    return item.hidden_at is not None


# --- The rules --------------------------------------------------------------------------------


def test_the_rules_let_a_moderator_moderate_but_not_their_own_item(moderator, own, comment):
    assert rules.has_perm("moderation.moderate", moderator)
    assert rules.has_perm("moderation.moderate", moderator, comment)
    assert not rules.has_perm("moderation.moderate", moderator, own)


def test_the_rules_leave_a_contest_about_own_content_to_another_moderator(
    contest, moderator, colleague, third
):
    assert not rules.has_perm("moderation.decide_contest", moderator, contest)
    assert not rules.has_perm("moderation.decide_contest", colleague, contest)  # took it
    assert rules.has_perm("moderation.decide_contest", third, contest)


# --- Contests ---------------------------------------------------------------------------------


def test_the_author_does_not_decide_the_contest_of_a_decision_about_their_text(
    contest, own, moderator, third
):
    with pytest.raises(PermissionDenied, match="your own content"):
        decide_contest(moderator=moderator, contest=contest, uphold=False, answer="Я прав.")
    contest.refresh_from_db()
    assert (contest.outcome, contest.decided_by) == ("", None)
    assert hidden(own)
    decide_contest(moderator=third, contest=contest, uphold=False, answer="Брани нет.")
    contest.refresh_from_db()
    assert (contest.outcome, contest.decided_by) == (Contest.Outcome.REVERSED, third)
    assert not hidden(own)


def test_the_contest_page_offers_the_author_no_decision_and_refuses_one(
    client, contest, own, moderator, third, settings
):
    url = reverse("moderation:contest", args=[contest.pk])
    enter(client, moderator)
    page = client.get(url).content.decode()
    assert YOUR_CONTEST in page
    assert 'name="outcome"' not in page
    queue = client.get(QUEUE).content.decode()
    assert url in queue
    assert "Your decision or your own content: another moderator decides the contest." in queue
    response = client.post(url, {"outcome": "reversed", "answer": "Я прав."})
    assert response.status_code == 403
    contest.refresh_from_db()
    assert (contest.outcome, contest.decided_by) == ("", None)
    assert hidden(own)
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    enter(client, third)
    assert 'name="outcome"' in client.get(url).content.decode()
    assert "another moderator decides the contest" not in client.get(QUEUE).content.decode()
    response = client.post(url, {"outcome": "reversed", "answer": "Брани нет."})
    assert response["Location"] == QUEUE
    contest.refresh_from_db()
    assert (contest.outcome, contest.decided_by) == (Contest.Outcome.REVERSED, third)
    assert not hidden(own)


# --- Hidden and reported items ----------------------------------------------------------------


def test_a_moderator_does_not_restore_their_own_hidden_text(hidden_own, own, moderator, third):
    with pytest.raises(PermissionDenied, match="another moderator"):
        restore_content(moderator=moderator, target=own, note="Моё.")
    assert hidden(own)
    assert not Decision.objects.filter(action=Decision.Action.RESTORE).exists()
    restore_content(moderator=third, target=own, note="Проверено.")
    assert not hidden(own)


def test_the_item_page_offers_no_act_on_their_own_text_and_refuses_a_forged_one(
    client, hidden_own, own, moderator
):
    enter(client, moderator)
    page = client.get(item_url("comment", own.pk)).content.decode()
    assert YOURS in page
    assert 'name="action"' not in page
    for action in ("restore", "warn", "dismiss"):
        response = client.post(act_url("comment", own.pk), {"action": action, "ground": "spam"})
        assert response.status_code == 403
    assert hidden(own)
    assert list(Decision.objects.values_list("action", flat=True)) == [Decision.Action.HIDE]


def test_a_moderator_does_not_dismiss_the_reports_about_their_own_text(
    own, moderator, resident, third
):
    complaint = report_content(reporter=resident, target=own, reason="abuse")
    with pytest.raises(PermissionDenied, match="another moderator"):
        dismiss_complaint(moderator=moderator, complaint=complaint)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.decided_by) == (Complaint.Status.OPEN, None)
    assert not Decision.objects.exists()
    dismiss_complaint(moderator=third, complaint=complaint)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.decided_by) == (Complaint.Status.DISMISSED, third)


def test_the_queue_leaves_their_own_reported_text_to_another_moderator(
    client, own, comment, moderator, resident, third, settings
):
    report_content(reporter=resident, target=own, reason="abuse")
    report_content(reporter=resident, target=comment, reason="spam")
    enter(client, moderator)
    page = client.get(QUEUE).content.decode()
    assert YOURS in page
    assert f'href="{item_url("comment", own.pk)}"' not in page
    assert f'href="{item_url("comment", comment.pk)}"' in page
    response = client.post(act_url("comment", own.pk), {"action": "dismiss"})
    assert response.status_code == 403
    assert Complaint.objects.filter(status=Complaint.Status.OPEN).count() == 2
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    enter(client, third)
    page = client.get(QUEUE).content.decode()
    assert YOURS not in page and f'href="{item_url("comment", own.pk)}"' in page
    response = client.post(act_url("comment", own.pk), {"action": "dismiss"})
    assert response["Location"] == QUEUE
    assert Complaint.objects.get(status=Complaint.Status.DISMISSED).object_id == own.pk


def test_a_moderator_neither_hides_nor_warns_about_their_own_text(own, moderator):
    with pytest.raises(PermissionDenied, match="another moderator"):
        hide_content(moderator=moderator, target=own, ground="spam")
    with pytest.raises(PermissionDenied, match="another moderator"):
        warn_author(moderator=moderator, target=own, ground="spam")
    with pytest.raises(ValidationError):
        block_author(moderator=moderator, target=own, ground="spam", days=7)
    assert not hidden(own)
    assert not Decision.objects.exists()


def test_an_administrator_is_held_to_the_same_rule(comment, moderator):
    admin = make_user(is_staff=True, is_superuser=True)
    theirs = add_comment(author=admin, problem=comment.problem, text="Администратор пишет.")
    assert rules.has_perm("moderation.moderate", admin)
    assert not rules.has_perm("moderation.moderate", admin, theirs)
    hide_content(moderator=moderator, target=theirs, ground="spam")
    with pytest.raises(PermissionDenied, match="another moderator"):
        restore_content(moderator=admin, target=theirs)
    decision = Decision.objects.get()
    contest = contest_decision(user=admin, decision=decision, text="Не спам.")
    with pytest.raises(PermissionDenied, match="your own content"):
        decide_contest(moderator=admin, contest=contest, uphold=False, answer="Я прав.")
    assert hidden(theirs)
    hide_content(moderator=admin, target=comment, ground="spam")  # someone else's: as before
    assert hidden(comment)


def test_a_moderator_does_not_lift_a_block_on_their_own_account(comment, colleague, third):
    """Someone blocked before they were made a moderator."""
    blocked = make_resident(comment.problem.territory)
    theirs = add_comment(author=blocked, problem=comment.problem, text="Реклама.")
    block = block_author(moderator=colleague, target=theirs, ground="spam", days=None)
    Membership.objects.create(
        user=blocked, organization=make_organization(), role=Membership.Role.MODERATOR
    )
    with pytest.raises(PermissionDenied, match="another moderator"):
        lift_block(moderator=blocked, block=block, reason="Я больше не буду.")
    block.refresh_from_db()
    assert block.lifted_at is None
    lift_block(moderator=third, block=block, reason="Исправился.")
    block.refresh_from_db()
    assert block.lifted_at is not None


# --- Pre-moderation ---------------------------------------------------------------------------


@pytest.fixture
def held_own(settings, django_capture_on_commit_callbacks):
    """A problem held for pre-moderation whose author is a moderator below the level asked."""
    settings.VECHE_PREMODERATION_BELOW_LEVEL = "census"
    territory = make_territory()
    author = make_resident(territory, level=Level.PHONE)
    Membership.objects.create(
        user=author, organization=make_organization(), role=Membership.Role.MODERATOR
    )
    with django_capture_on_commit_callbacks(execute=True):
        problem = make_problem(author=author, territory=territory)
    assert problem.status == Problem.Status.AWAITING
    return problem


def status(problem) -> str:
    problem.refresh_from_db()
    return problem.status


def test_a_moderator_does_not_approve_or_refuse_their_own_held_problem(held_own, third):
    author = held_own.author
    with pytest.raises(PermissionDenied, match="another moderator"):
        approve_content(moderator=author, target=held_own)
    with pytest.raises(PermissionDenied, match="another moderator"):
        refuse_content(moderator=author, target=held_own, ground="spam")
    assert status(held_own) == Problem.Status.AWAITING
    assert not Decision.objects.exists()
    approve_content(moderator=third, target=held_own)
    assert status(held_own) == Problem.Status.PUBLISHED


def test_the_pages_leave_their_own_held_problem_to_another_moderator(client, held_own, third):
    author = held_own.author
    enter(client, author)
    queue = client.get(QUEUE).content.decode()
    assert "Awaiting pre-moderation" in queue and YOURS in queue
    assert f'href="{item_url("problem", held_own.pk)}"' not in queue
    page = client.get(item_url("problem", held_own.pk)).content.decode()
    assert YOURS in page and 'value="approve"' not in page
    response = client.post(act_url("problem", held_own.pk), {"action": "approve"})
    assert response.status_code == 403
    assert status(held_own) == Problem.Status.AWAITING
    client.logout()
    enter(client, third)
    assert 'value="approve"' in client.get(item_url("problem", held_own.pk)).content.decode()
    response = client.post(act_url("problem", held_own.pk), {"action": "approve"})
    assert response["Location"] == QUEUE
    assert status(held_own) == Problem.Status.PUBLISHED
