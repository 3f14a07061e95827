"""Public discussions and public hearings of projects (Town Planning Code art. 5.1).

An organizer puts a project forward with its documents and a schedule; the stages (announced →
exposition → intake → review) follow from the schedule's dates in the discussion's time zone, so
no job has to flip a flag on time; the protocol and the conclusion are signed off by the organizer.
Eligible participants send submissions (proposal, remark, question), each registered with a
number and a snapshot of the participant's identification data; the organizer gives each a
reasoned recommendation; progress on the decision is recorded afterwards.
"""

from .applications import Application
from .debate import Mark, Reply
from .discussion import Discussion, ScheduleChange, Stage, default_time_zone, validate_time_zone
from .follows import Follow
from .materials import Material, MaterialVersion, material_path
from .meeting import BroadcastOrigin
from .progress import Milestone
from .records import RecordBuild, build_path
from .submissions import ExpertAnswer, Submission
from .votes import Ballot, VoteOption, VoteQuestion, Voter

__all__ = [
    "Application",
    "Ballot",
    "BroadcastOrigin",
    "Discussion",
    "ExpertAnswer",
    "Follow",
    "Mark",
    "Material",
    "MaterialVersion",
    "Milestone",
    "RecordBuild",
    "Reply",
    "ScheduleChange",
    "Stage",
    "Submission",
    "VoteOption",
    "VoteQuestion",
    "Voter",
    "build_path",
    "default_time_zone",
    "material_path",
    "validate_time_zone",
]
