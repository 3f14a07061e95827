"""The datasets of public discussions and hearings: the discussions with their stages and
counts, and their submissions without their authors. A submission's text is given while it is
public (its discussion public, no moderator hid it); who sent it never is: no name, legal
entity, basis of participation or participant number, which could link a person across
discussions."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from veche.discussions.models import Submission
from veche.discussions.queries import public_discussions
from veche.opendata.datasets.registry import Dataset, Field, absolute, moment

CHUNK = 2000


def _public_ids() -> list[int]:
    # Whether a discussion is public depends on its dates (its stage), read in Python.
    return [
        d.pk for d in public_discussions().order_by("pk").iterator(chunk_size=CHUNK) if d.is_public
    ]


def _discussions(day):
    counted = {
        kind: Count("submissions", filter=Q(submissions__kind=kind)) for kind in Submission.Kind
    }
    return (
        public_discussions()
        .filter(pk__in=_public_ids())
        .annotate(**{f"count_{kind.value}": count for kind, count in counted.items()})
        .order_by("pk")
        .iterator(chunk_size=CHUNK)
    )


def _count(kind: str):
    return lambda discussion: getattr(discussion, f"count_{kind}")


DISCUSSIONS = Dataset(
    slug="discussions",
    title=_("Public discussions and hearings"),
    description=_(
        "Every published discussion and hearing: its subject, territory, organizer, stage on "
        "the day of the dump, dates, and how many submissions of each kind it received."
    ),
    fields=(
        Field("id", "integer", _("number of the discussion"), lambda d: d.pk),
        Field(
            "url", "string", _("the discussion's page"), lambda d: absolute(d.get_absolute_url())
        ),
        Field("kind", "string", _("form: discussion or hearing"), lambda d: d.kind),
        Field("subject", "string", _("what is discussed (a code)"), lambda d: d.subject),
        Field("title", "string", _("title"), lambda d: d.title),
        Field("territory", "string", _("territory code"), lambda d: d.territory.code),
        Field("territory_name", "string", _("territory"), lambda d: d.territory.title),
        Field(
            "organizer", "string", _("code of the organizing authority"), lambda d: d.organizer.slug
        ),
        Field("stage", "string", _("stage on the day of the dump (a code)"), lambda d: d.stage),
        Field("time_zone", "string", _("the discussion's time zone"), lambda d: d.time_zone),
        Field("notice_date", "date", _("the notice was published on"), lambda d: d.notice_date),
        Field(
            "exposition_start", "date", _("the exposition opens on"), lambda d: d.exposition_start
        ),
        Field("exposition_end", "date", _("the exposition closes on"), lambda d: d.exposition_end),
        Field(
            "intake_start",
            "date",
            _("the intake of submissions opens on"),
            lambda d: d.intake_start,
        ),
        Field(
            "intake_end", "date", _("the intake of submissions closes on"), lambda d: d.intake_end
        ),
        Field("protocol_due", "date", _("the protocol is due on"), lambda d: d.protocol_due),
        Field(
            "protocol_signed",
            "datetime",
            _("when the protocol was signed"),
            lambda d: moment(d.protocol_signed_at),
        ),
        Field("conclusion_due", "date", _("the conclusion is due on"), lambda d: d.conclusion_due),
        Field(
            "conclusion_published",
            "datetime",
            _("when the conclusion was published"),
            lambda d: moment(d.conclusion_published_at),
        ),
        Field("proposals", "integer", _("proposals received"), _count(Submission.Kind.PROPOSAL)),
        Field("remarks", "integer", _("remarks received"), _count(Submission.Kind.REMARK)),
        Field(
            "questions",
            "integer",
            _("questions to the experts received"),
            _count(Submission.Kind.QUESTION),
        ),
    ),
    rows=_discussions,
)


# What the dataset reads of a submission; never its author or identification data.
_SUBMISSION_COLUMNS = (
    "discussion", "number", "registration_number", "kind", "channel", "text", "created_at",
    "hidden_at", "recommendation",
)  # fmt: skip


def _submissions(day):
    return (
        Submission.objects.filter(discussion__in=_public_ids())
        .order_by("discussion_id", "number")
        .only(*_SUBMISSION_COLUMNS)
        .iterator(chunk_size=CHUNK)
    )


SUBMISSIONS = Dataset(
    slug="submissions",
    title=_("Submissions to discussions, anonymised"),
    description=_(
        "The proposals, remarks and questions registered in public discussions, in the order "
        "of registration, with the organizer's recommendation. Never who sent them."
    ),
    fields=(
        Field(
            "discussion",
            "integer",
            _("number of the discussion (see discussions)"),
            lambda s: s.discussion_id,
        ),
        Field(
            "number",
            "integer",
            _("number of the submission within its discussion"),
            lambda s: s.number,
        ),
        Field(
            "registration_number",
            "string",
            _("registration number"),
            lambda s: s.registration_number,
        ),
        Field("kind", "string", _("kind: proposal, remark or question"), lambda s: s.kind),
        Field("channel", "string", _("how it was sent (a code)"), lambda s: s.channel),
        Field(
            "registered", "datetime", _("when it was registered"), lambda s: moment(s.created_at)
        ),
        Field(
            "hidden",
            "boolean",
            _("whether a moderator hid its text (the text is then left empty)"),
            lambda s: s.hidden_at is not None,
        ),
        Field(
            "text",
            "string",
            _("its text, while it is public"),
            lambda s: "" if s.hidden_at else s.text,
        ),
        Field(
            "recommendation",
            "string",
            _(
                "the organizer's recommendation: accepted, partly, rejected, unreliable "
                "(empty until made)"
            ),
            lambda s: s.recommendation,
        ),
    ),
    rows=_submissions,
)

DATASETS = (DISCUSSIONS, SUBMISSIONS)
