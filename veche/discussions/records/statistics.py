"""Who took part in a discussion and how many: participants told apart, the two groups of the
law, age at the day of the submission, and the counts the protocol reports."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veche.discussions.models import Discussion, ExpertAnswer, Submission
from veche.discussions.queries_debate import with_counts
from veche.identity.eligibility import age_on

Basis = Submission.Basis
Kind = Submission.Kind
Recommendation = Submission.Recommendation

# The two groups the law splits submissions into. Right holders of land, buildings or premises
# in the territory are not "residents": they go with the other participants, and the document
# says so.
RESIDENTS, OTHERS = "residents", "others"
GROUP_OF_BASIS = {Basis.RESIDENT: RESIDENTS, Basis.OWNER: OTHERS, Basis.OTHER: OTHERS}

# Age groups (inclusive bounds in full years at the date of the submission).
AGE_GROUPS = (
    ("under_18", gettext_lazy("under 18"), 0, 17),
    ("18_29", gettext_lazy("18–29"), 18, 29),
    ("30_44", gettext_lazy("30–44"), 30, 44),
    ("45_59", gettext_lazy("45–59"), 45, 59),
    ("60_plus", gettext_lazy("60 and over"), 60, 1000),
)
AGE_UNKNOWN = "unknown"
LEGAL_ENTITY = "legal_entity"
NO_OUTCOME = ""


def protocol_submissions(discussion: Discussion, *, author=None) -> list[Submission]:
    """Every submission the protocol lists, in registration order (only the author's, for an
    extract): hidden ones too, their text masked (`content.entry_of`), since the law wants every
    submission recorded."""
    found = discussion.submissions.all()
    if author is not None:
        found = found.filter(author=author)
    return list(
        with_counts(found)
        .select_related("author", "material")
        .prefetch_related(
            Prefetch("answers", queryset=ExpertAnswer.objects.order_by("created_at", "id"))
        )
        .order_by("number")
    )


# --- Who took part -------------------------------------------------------------------------


def submitted_on(submission: Submission, discussion: Discussion) -> datetime.date:
    """The day a submission came in: as received on paper, else as registered on the site, in
    the discussion's time zone."""
    received = parse_date(submission.participant.get("received_on", ""))
    return received or submission.created_at.astimezone(discussion.zone).date()


def parse_date(text: str) -> datetime.date | None:
    """A date as identification data keep it: ISO from the identity, or as typed from paper."""
    text = (text or "").strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def age_group(birthdate: datetime.date | None, day: datetime.date) -> str:
    if birthdate is None or birthdate > day:
        return AGE_UNKNOWN
    age = age_on(birthdate, day)
    return next(key for key, _label, low, high in AGE_GROUPS if low <= age <= high)


def participant_key(submission: Submission) -> tuple:
    """Who stands behind a submission: a legal entity by its OGRN, a person by the account, or
    for a paper submission without an account by the name and birth date they gave."""
    data = submission.participant
    if submission.as_legal_entity:
        return ("entity", (data.get("ogrn") or data.get("legal_name", "")).strip().lower())
    if submission.author_id:
        return ("account", submission.author_id)
    name = " ".join(data.get("full_name", "").lower().replace("ё", "е").split())
    return ("person", name, parse_date(data.get("birthdate", "")))


# --- Statistics ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Statistics:
    """Counts of a discussion's participants and submissions, keyed by codes (labels: `*_rows`).

    A participant is counted once (by the first submission's data for age and territory); a
    participant who sent submissions in both groups counts in each group and once in all.
    """

    participants: int
    participants_by_group: dict[str, int]
    participants_by_territory: dict[str, int]
    participants_by_age: dict[str, int]
    submissions: int
    submissions_by_group: dict[str, int]
    submissions_by_kind: dict[str, int]
    submissions_by_outcome: dict[str, int]

    def group_rows(self) -> list[tuple[str, int, int]]:
        return [
            (str(label), self.participants_by_group[key], self.submissions_by_group[key])
            for key, label in GROUP_LABELS.items()
        ]

    def territory_rows(self) -> list[tuple[str, int]]:
        return [
            (name or _("Not stated"), count)
            for name, count in self.participants_by_territory.items()
        ]

    def age_rows(self) -> list[tuple[str, int]]:
        labels = {key: label for key, label, _low, _high in AGE_GROUPS}
        labels |= {LEGAL_ENTITY: _("legal entities"), AGE_UNKNOWN: _("age not known")}
        # Every age group, even when empty; legal entities and the unknown only when there are.
        return [
            (str(labels[key]), count)
            for key, count in self.participants_by_age.items()
            if count or key not in (LEGAL_ENTITY, AGE_UNKNOWN)
        ]

    def kind_rows(self) -> list[tuple[str, int]]:
        return [(str(Kind(key).label), count) for key, count in self.submissions_by_kind.items()]

    def outcome_rows(self) -> list[tuple[str, int]]:
        return [
            (str(Recommendation(key).label) if key else _("no recommendation yet"), count)
            for key, count in self.submissions_by_outcome.items()
            if key or count
        ]


GROUP_LABELS = {
    RESIDENTS: gettext_lazy("residents of the territory"),
    OTHERS: gettext_lazy("other participants"),
}


def statistics_of(
    discussion: Discussion, submissions: list[Submission] | None = None
) -> Statistics:
    """The statistics the protocol reports, from the submissions (the protocol's, by default).
    Reads, never writes."""
    if submissions is None:
        submissions = protocol_submissions(discussion)
    first_of: dict[tuple, Submission] = {}
    groups_of: dict[tuple, set[str]] = {}
    for submission in sorted(submissions, key=lambda s: s.number):
        key = participant_key(submission)
        first_of.setdefault(key, submission)
        groups_of.setdefault(key, set()).add(GROUP_OF_BASIS[submission.basis])

    by_age = Counter()
    by_territory = Counter()
    for submission in first_of.values():
        if submission.as_legal_entity:
            by_age[LEGAL_ENTITY] += 1
        else:
            birthdate = parse_date(submission.participant.get("birthdate", ""))
            by_age[age_group(birthdate, submitted_on(submission, discussion))] += 1
        by_territory[submission.participant.get("territory", "").strip()] += 1

    age_keys = [key for key, *_rest in AGE_GROUPS] + [LEGAL_ENTITY, AGE_UNKNOWN]
    return Statistics(
        participants=len(first_of),
        participants_by_group={
            group: sum(1 for groups in groups_of.values() if group in groups)
            for group in GROUP_LABELS
        },
        # Most participants first; the unstated last; ties by name, so the order is stable.
        participants_by_territory=dict(
            sorted(by_territory.items(), key=lambda item: (not item[0], -item[1], item[0]))
        ),
        participants_by_age={key: by_age[key] for key in age_keys},
        submissions=len(submissions),
        submissions_by_group={
            group: sum(1 for s in submissions if GROUP_OF_BASIS[s.basis] == group)
            for group in GROUP_LABELS
        },
        submissions_by_kind={
            kind: sum(1 for s in submissions if s.kind == kind) for kind in Kind.values
        },
        submissions_by_outcome={
            outcome: sum(1 for s in submissions if s.recommendation == outcome)
            for outcome in [*Recommendation.values, NO_OUTCOME]
        },
    )
