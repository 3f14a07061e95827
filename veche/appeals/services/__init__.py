"""Use cases of problems and collective appeals. Each runs in one transaction, checks who may
act and in which state, records an audit event, and queues notices after commit."""

from ._common import NOT_SENT, RECEIVED, ScreeningFailed, Status
from .after_answer import (
    CLOSABLE,
    OPEN_FOR_SOLVING,
    OUTCOMES,
    close_appeal,
    escalate_appeal,
    rate_answer,
)
from .co_editing import decide_edit, propose_edit, revise_appeal
from .comments import add_comment, set_following
from .dispatch import full_copy, hand_out_full_copy, record_sent_by_author, send_appeal_now
from .erasure import erase_personal_data
from .organization_side import (
    CONTROLLABLE,
    answer_appeal,
    forward_appeal,
    message_signatories,
    register_appeal,
    send_message,
    set_under_control,
)
from .publishing import publish_problem, refuse_problem, release_problem
from .signing import SIGNABLE, confirm_signature, sign_appeal, withdraw_signature
from .supplementary import hand_out_supplementary_list, send_lists_with_reminders
from .taking_up import clean_letter_text, draft_take_up, take_up_problem

__all__ = [
    "CLOSABLE",
    "CONTROLLABLE",
    "NOT_SENT",
    "OPEN_FOR_SOLVING",
    "OUTCOMES",
    "RECEIVED",
    "SIGNABLE",
    "ScreeningFailed",
    "Status",
    "add_comment",
    "answer_appeal",
    "clean_letter_text",
    "close_appeal",
    "confirm_signature",
    "decide_edit",
    "draft_take_up",
    "erase_personal_data",
    "escalate_appeal",
    "forward_appeal",
    "full_copy",
    "hand_out_full_copy",
    "hand_out_supplementary_list",
    "message_signatories",
    "propose_edit",
    "publish_problem",
    "rate_answer",
    "record_sent_by_author",
    "refuse_problem",
    "register_appeal",
    "release_problem",
    "revise_appeal",
    "send_appeal_now",
    "send_lists_with_reminders",
    "send_message",
    "set_following",
    "set_under_control",
    "sign_appeal",
    "take_up_problem",
    "withdraw_signature",
]
