"""Handing out the participants' identification data (full names, birth dates, addresses; a legal
entity's OGRN and address): the annex to the protocol on the web, the submissions with their
identification through the organization's API.

Every way out passes `hand_out_identification`, as an appeal's full copy passes
`appeals.services.hand_out_full_copy`: the permission is asked again where the data leave, and
each handing out is an audit row, so that who received whose data can be told afterwards
(152-FZ: the operator answers for every disclosure)."""

import rules
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from veche.core.audit import record_event
from veche.discussions.models import Discussion

ACTION = "discussion.participants_data_handed_out"


@transaction.atomic
def hand_out_identification(*, user, discussion: Discussion, document: str, form: str, **more):
    """Record that `user` receives the participants' identification data of `discussion` in
    `document` ("annex", "submissions") as `form` ("pdf", "json"); `more` goes into the row
    (which build, which submissions). Only whoever manages the discussion receives them: an
    official who registers paper submissions does not."""
    if not rules.has_perm("discussions.manage_discussion", user, discussion):
        raise PermissionDenied(_("Only the organizers of this discussion receive this document."))
    record_event(
        actor=user,
        action=ACTION,
        target=discussion,
        data={
            "organization": discussion.organizer.slug,
            "document": document,
            "form": form,
            **more,
        },
    )
