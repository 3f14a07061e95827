"""Erasure of an account: what discussions keep about a person."""

from django.db import transaction

from veche.core.audit import record_event
from veche.discussions.models import (
    Application,
    Follow,
    Submission,
)


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
    Submission.objects.filter(author=user).update(author=None)
    Follow.objects.filter(user=user).delete()
