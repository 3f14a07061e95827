"""The kinds of documents a discussion issues, as the register of documents knows them
(registered in `DiscussionsConfig.ready()`): the protocol, whose private copies are the
participants' annex and a participant's extract, and the conclusion."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from veche.discussions.queries import visible_discussion
from veche.documents.registry import Subject, register

# The codes the register stores (IssuedDocument.kind): never changed once issued.
PROTOCOL = "protocol"
CONCLUSION = "conclusion"


def register_kinds() -> None:
    register(
        PROTOCOL,
        label=_("protocol of a public discussion"),
        private_copy=_(
            "It holds personal data of the discussion's participants, so its content is not "
            "published."
        ),
        subject=_discussion_subject,
    )
    register(
        CONCLUSION,
        label=_("conclusion on the results of a public discussion"),
        subject=_discussion_subject,
    )


def _discussion_subject(document, user) -> Subject | None:
    try:
        discussion = visible_discussion(user, document.object_id)
    except Http404:
        return None
    return Subject(discussion.title, discussion.get_absolute_url())
