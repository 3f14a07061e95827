"""Pages of problems and appeals for residents: thin views that call one service each; the
appeals and answers as PDF documents."""

from .after_signing import close, comment, escalate, follow, rate, send_now, sent_by_myself
from .editing import decide_proposal, propose, revise, revision_diff
from .files import (
    answer_attachment,
    answer_document,
    appeal_document,
    appeal_document_for_addressee,
    problem_photo,
    supplementary_list_document,
)
from .problem_page import problem_detail, signatories, signature_count
from .problems import problem_list, problem_new
from .signing import confirm, sign, withdraw
from .taking_up import take_up, take_up_document

__all__ = [
    "answer_attachment",
    "answer_document",
    "appeal_document",
    "appeal_document_for_addressee",
    "close",
    "comment",
    "confirm",
    "decide_proposal",
    "escalate",
    "follow",
    "problem_detail",
    "problem_list",
    "problem_new",
    "problem_photo",
    "propose",
    "rate",
    "revise",
    "revision_diff",
    "send_now",
    "sent_by_myself",
    "sign",
    "signatories",
    "signature_count",
    "supplementary_list_document",
    "take_up",
    "take_up_document",
    "withdraw",
]
