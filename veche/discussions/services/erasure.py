"""Erasure of an account: what discussions keep about a person."""

from django.db import transaction
from django.utils import timezone

from veche.core.audit import record_event
from veche.discussions.models import (
    Application,
    Ballot,
    Follow,
    Submission,
    Voter,
)
from veche.discussions.queries_votes import ballot_key


def erase_personal_data(user) -> None:
    """What erasing an account does here (README, "Personal data"). Runs inside the erasure's
    transaction.

    - Submissions stay in their discussion with the identification data taken when they were
      registered: the Town Planning Code (art. 5.1) has the protocol record every participant's
      identification data, and the protocol and the organizer's recommendations rest on them.
      Only the link to the account is cut; the public sees "Participant No. N" as before.
    - An application not yet decided is withdrawn: it and its document go, since nobody is
      left to hear the decision. A decided one stays as the authority's record (and the origin
      of a discussion); it holds the legal entity's data, not the person's.
    - A vote on a question not yet closed is withdrawn (`_withdraw_votes`); one on a closed
      question stays and keeps counting, since its results are published.
    - Follows go.
    """
    for application in Application.objects.select_for_update().filter(
        applicant=user, status=Application.Status.PENDING
    ):
        record_event(
            actor=user,
            action="discussion.application_withdrawn",
            target=application,
            data={"reason": "account erased"},
        )
        document = application.document
        application.delete()
        # The file goes once the erasure is committed; a rollback keeps both.
        transaction.on_commit(lambda d=document: d.storage.delete(d.name), robust=True)
    _withdraw_votes(user)
    Submission.objects.filter(author=user).update(author=None)
    Follow.objects.filter(user=user).delete()


def _withdraw_votes(user) -> None:
    """The person's ballots on questions not yet closed go with their voter rows, so that the
    same person, registered again with the same census entry, provider or phone (which erasure
    frees), is counted once, not once per account. Each voter row is locked as `cast_vote`
    locks it, after the account's row (which the erasure holds, and `cast_vote` takes first):
    a ballot on its way from another tab is stored before and withdrawn here, or comes after
    and finds the account erased. A closed question's ballot stays: its results are out."""
    now = timezone.now()
    voters = (
        Voter.objects.select_for_update(of=("self",))
        .filter(person=user)
        .select_related("question__discussion")
        .order_by("pk")  # locks taken in one order
    )
    for voter in voters:
        question = voter.question
        if question.state_at(now) == "closed":
            continue
        key = ballot_key(question.pk, user.pk)
        found, _kinds = Ballot.objects.filter(question=question, key=key).delete()
        if voter.counted and not found:
            continue  # the vote key changed since: its ballot cannot be found, both stay
        voter.delete()
        record_event(
            actor=user,
            action="discussion.vote_withdrawn",
            target=question,
            data={"discussion": question.discussion_id, "reason": "account erased"},
        )
