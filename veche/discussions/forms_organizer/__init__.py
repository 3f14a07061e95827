"""Forms of the organizer's side: putting a project forward, its documents, the schedule, the
review, paper submissions, progress, and the applications of landowners and developers.

The forms parse and check what a person typed; the rules of the process (the order of dates,
the periods of the law, who may act at which stage) stay in services/ and schedule.py, whose
errors the views put back onto these forms' fields."""

from ._common import (
    LONG_TEXT,
    REASON_TEXT,
    SCHEDULE_REACH_YEARS,
    SUGGESTED_CONCLUSION_DAYS,
    SUGGESTED_INTAKE_DAYS,
    DateInput,
    ExpertsField,
    FieldsetsMixin,
    LocalDateTimeField,
    ScheduleDateField,
    Section,
    TerritoriesField,
    TerritoryChoiceField,
    default_min_level,
    in_zone,
    local_naive,
    suggested_schedule,
    validate_within_reach,
)
from .applications import ApplicationForm, DecisionForm
from .discussion import DiscussionForm
from .materials import MaterialExpertsForm, MaterialForm, MaterialVersionForm
from .meeting import BroadcastOriginForm, MeetingForm, MeetingRecordForm
from .moving_dates import MoveDateForm, PublishForm, ReasonForm
from .paper import PaperSubmissionForm
from .progress import MilestoneForm, ProposalChoiceField
from .review import ConclusionForm, RecommendationForm

__all__ = [
    "LONG_TEXT",
    "REASON_TEXT",
    "SCHEDULE_REACH_YEARS",
    "SUGGESTED_CONCLUSION_DAYS",
    "SUGGESTED_INTAKE_DAYS",
    "ApplicationForm",
    "BroadcastOriginForm",
    "ConclusionForm",
    "DateInput",
    "DecisionForm",
    "DiscussionForm",
    "ExpertsField",
    "FieldsetsMixin",
    "LocalDateTimeField",
    "MaterialExpertsForm",
    "MaterialForm",
    "MaterialVersionForm",
    "MeetingForm",
    "MeetingRecordForm",
    "MilestoneForm",
    "MoveDateForm",
    "PaperSubmissionForm",
    "ProposalChoiceField",
    "PublishForm",
    "ReasonForm",
    "RecommendationForm",
    "ScheduleDateField",
    "Section",
    "TerritoriesField",
    "TerritoryChoiceField",
    "default_min_level",
    "in_zone",
    "local_naive",
    "suggested_schedule",
    "validate_within_reach",
]
