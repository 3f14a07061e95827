"""Use cases of public discussions and hearings. Each runs in one transaction, checks who may act
and at which stage, records an audit event, and announces what people are to hear of: the event
is stored with an outbox message in the same transaction, and the notices are made in the
background (`veche.discussions.notices`)."""

from ._common import LEVELS, Kind, ScheduleWarnings
from .after_decision import record_progress
from .applications import apply_for_discussion, decide_application
from .debate import mark_submission, reply_to_submission
from .due_notices import send_due_notices
from .erasure import erase_personal_data
from .experts import answer_question
from .following import set_following
from .materials import add_material, add_material_version, assign_material_experts
from .meeting import (
    allow_broadcast_origin,
    disallow_broadcast_origin,
    publish_meeting_record,
    send_meeting_remark,
    update_meeting,
)
from .projects import (
    RUNNING_ENDS,
    cancel_discussion,
    create_discussion,
    move_date,
    move_dates,
    publish_discussion,
    update_draft,
)
from .review import (
    keep_published_conclusion,
    keep_signed_protocol,
    publish_conclusion,
    recommend,
    request_record,
    sign_protocol,
)
from .taking_part import PAPER_FIELDS, register_on_behalf, submit
from .voting import add_question, cast_vote, change_question, remove_question

__all__ = [
    "LEVELS",
    "PAPER_FIELDS",
    "RUNNING_ENDS",
    "Kind",
    "ScheduleWarnings",
    "add_material",
    "add_material_version",
    "add_question",
    "allow_broadcast_origin",
    "answer_question",
    "apply_for_discussion",
    "assign_material_experts",
    "cancel_discussion",
    "cast_vote",
    "change_question",
    "create_discussion",
    "decide_application",
    "disallow_broadcast_origin",
    "erase_personal_data",
    "keep_published_conclusion",
    "keep_signed_protocol",
    "mark_submission",
    "move_date",
    "move_dates",
    "publish_conclusion",
    "publish_discussion",
    "publish_meeting_record",
    "recommend",
    "record_progress",
    "register_on_behalf",
    "remove_question",
    "reply_to_submission",
    "request_record",
    "send_due_notices",
    "send_meeting_remark",
    "set_following",
    "sign_protocol",
    "submit",
    "update_draft",
    "update_meeting",
]
