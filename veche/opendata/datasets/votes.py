"""The datasets of the advisory votes of public discussions (docs/votes.md): per closed question,
each answer's count, and the turnout by part of the territory and by age group. Never a ballot
or a voter; a small group of the turnout has no number, nor have the groups that would give it
away."""

from django.utils.translation import gettext_lazy as _

from veche.discussions.models import VoteQuestion
from veche.discussions.queries_votes import results, results_data
from veche.opendata.datasets.discussions import _public_ids
from veche.opendata.datasets.registry import Dataset, Field

CHUNK = 500


def _closed(day):
    """Each closed question of a public discussion with its results, one at a time."""
    questions = (
        VoteQuestion.objects.filter(discussion__in=_public_ids())
        .select_related("discussion__territory")
        .prefetch_related("options")
        .order_by("discussion_id", "position", "pk")
    )
    for question in questions.iterator(chunk_size=CHUNK):
        counted = results(question)
        if counted is not None:
            yield question, results_data(counted)


def _answers(day):
    for question, data in _closed(day):
        rows = data["options"] or [
            {"text": str(row["value"]), "points": None, "mean_place": None, **row}
            for row in data["scale"]
        ]
        for row in rows:
            yield {"question": question, "voters": data["voters"], **row}


def _turnout(day):
    for question, data in _closed(day):
        for dimension in ("by_area", "by_age"):
            for cell in data[dimension]:
                yield {"question": question, "dimension": dimension[3:], **cell}


def _question_fields() -> tuple[Field, ...]:
    return (
        Field(
            "discussion",
            "integer",
            _("number of the discussion (see discussions)"),
            lambda r: r["question"].discussion_id,
        ),
        Field("question_id", "integer", _("number of the question"), lambda r: r["question"].pk),
        Field("question", "string", _("the question"), lambda r: r["question"].text),
        Field(
            "kind",
            "string",
            _("kind: single, multiple, scale or rank"),
            lambda r: r["question"].kind,
        ),
    )


VOTE_RESULTS = Dataset(
    slug="vote_results",
    title=_("Advisory votes in discussions: results"),
    description=_(
        "The results of the advisory votes of public discussions, published when each question "
        "closes: every answer (or mark of a scale) with its count and share. A ranking is "
        "counted by Borda points. Advisory: the results do not bind the decision."
    ),
    fields=(
        *_question_fields(),
        Field("voters", "integer", _("people who voted on the question"), lambda r: r["voters"]),
        Field("answer", "string", _("the answer, or the mark of a scale"), lambda r: r["text"]),
        Field(
            "count",
            "integer",
            _("ballots choosing it (ranking: placing it first)"),
            lambda r: r["count"],
        ),
        Field("share", "number", _("percent of the people who voted"), lambda r: r["share"]),
        Field("points", "integer", _("ranking: Borda points"), lambda r: r["points"]),
        Field("mean_place", "number", _("ranking: the average place"), lambda r: r["mean_place"]),
    ),
    rows=_answers,
)

VOTE_TURNOUT = Dataset(
    slug="vote_turnout",
    title=_("Advisory votes in discussions: turnout"),
    description=_(
        "How many people voted on each closed question, by part of the territory and by age "
        "group on the day of voting. A small group has no number, nor have the empty groups and "
        "the next smallest beside it; a question too few voted on has no rows."
    ),
    fields=(
        *_question_fields(),
        Field("dimension", "string", _("area or age"), lambda r: r["dimension"]),
        Field(
            "group", "string", _("the part of the territory or the age group"), lambda r: r["label"]
        ),
        Field(
            "count",
            "integer",
            _(
                "people who voted; empty for a hidden group: one of fewer people than the "
                "site's small-group bound (5 by default), or an empty or the next smallest "
                "group beside one"
            ),
            lambda r: r["count"],
        ),
    ),
    rows=_turnout,
)

DATASETS = (VOTE_RESULTS, VOTE_TURNOUT)
