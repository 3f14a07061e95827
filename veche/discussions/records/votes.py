"""The advisory vote's results as the protocol prints them (docs/votes.md): per closed question,
the turnout and the counted answers. Advisory: they inform the decision and do not bind it. A
discussion without questions adds nothing, so its protocol keeps the same bytes."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from veche.discussions.models import Discussion, VoteQuestion
from veche.discussions.queries_votes import RANK_METHOD, questions_of, results


@dataclass(frozen=True)
class VoteSummary:
    question: str
    kind: str
    turnout: str
    rows: list[tuple[str, str]]
    note: str = ""


def _turnout(voters: int) -> str:
    return ngettext("%(count)s person voted.", "%(count)s people voted.", voters) % {
        "count": voters
    }


def votes_of(discussion: Discussion) -> tuple[VoteSummary, ...]:
    """The closed questions' results; the ones still open are not in the protocol."""
    found = []
    for question in questions_of(discussion):
        counted = results(question)
        if counted is None:
            continue
        note = ""
        if question.kind == VoteQuestion.Kind.SCALE:
            rows = [(row.text, f"{row.count} ({row.share}%)") for row in counted.scale]
            if counted.mean is not None:
                note = _("Mean mark %(mean)s, median %(median)s.") % {
                    "mean": counted.mean,
                    "median": counted.median,
                }
        elif question.kind == VoteQuestion.Kind.RANK:
            rows = [
                (
                    row.text,
                    _("%(points)s points, average place %(place)s")
                    % {"points": row.points, "place": row.mean_place or "—"},
                )
                for row in counted.options
            ]
            note = str(RANK_METHOD)
        else:
            rows = [(row.text, f"{row.count} ({row.share}%)") for row in counted.options]
        found.append(
            VoteSummary(
                question.text,
                str(question.get_kind_display()),
                _turnout(counted.voters),
                rows,
                note,
            )
        )
    return tuple(found)


def advisory_note() -> str:
    return _(
        "The participants were also asked the questions of an advisory vote, one ballot per "
        "person, secret. Its results inform the decision and do not bind it."
    )
