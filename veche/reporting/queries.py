"""Read side of e-control: the discussions a person may oversee, each with its counts and
overdue flags fetched in one query, filtered the same way for the page and for the exports."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Concat, Lower, NullIf
from django.utils import timezone

from veche.discussions.models import Discussion, ExpertAnswer, Stage, Submission
from veche.organizations.models import Membership, Organization
from veche.organizations.queries import organization_tree
from veche.organizations.rules import organizations_where
from veche.reporting.rules import DASHBOARD_ROLES

# --- Whose discussions ----------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardScope:
    """The organizers whose discussions a person oversees; `None` means every one."""

    organization_ids: frozenset[int] | None

    def discussions(self) -> QuerySet[Discussion]:
        queryset = Discussion.objects.all()
        if self.organization_ids is not None:
            queryset = queryset.filter(organizer_id__in=self.organization_ids)
        return queryset

    def organizers(self) -> QuerySet[Organization]:
        """Organizations in the scope that have organized something: the organizer filter."""
        return Organization.objects.filter(
            pk__in=self.discussions().values("organizer_id")
        ).order_by("slug")


def dashboard_scope(user) -> DashboardScope:
    """Refuses (403) anyone `reporting.view_dashboard` does not let in (see rules.py)."""
    if not user.has_perm("reporting.view_dashboard"):
        raise PermissionDenied
    if user.is_staff or user.is_superuser:
        return DashboardScope(organization_ids=None)
    own = organizations_where(user, roles=DASHBOARD_ROLES)
    heads = organizations_where(user, roles=Membership.Role.HEAD)
    if heads:
        own |= {o.pk for o, _depth in organization_tree(Organization.objects.all(), roots=heads)}
    return DashboardScope(organization_ids=frozenset(own))


# --- The rows -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    territory: object = None  # a Territory: the discussions in it and everywhere inside it
    organizer: object = None  # an Organization
    stage: str = ""
    kind: str = ""
    year: int | None = None  # the year the exposition opened
    problems: bool = False


@dataclass(frozen=True)
class DashboardRow:
    discussion: Discussion
    stage: str
    submissions: int
    participants: int
    unreviewed: int
    questions_waiting: int
    oldest_waiting_since: datetime.datetime | None
    questions_overdue: int
    protocol_overdue: bool
    conclusion_overdue: bool

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label

    @property
    def has_problems(self) -> bool:
        return self.protocol_overdue or self.conclusion_overdue or bool(self.questions_overdue)


def _per_discussion(submissions: QuerySet[Submission], value) -> Coalesce:
    """A number per discussion from its submissions, as a subquery: no join multiplies rows,
    and the whole list stays one query."""
    return Coalesce(
        Subquery(
            submissions.filter(discussion=OuterRef("pk"))
            .order_by()
            .values("discussion")
            .annotate(value=value)
            .values("value"),
            output_field=IntegerField(),
        ),
        0,
    )


TEXT = CharField()


def _text(key: str):
    return Coalesce(KT(f"participant__{key}"), Value(""), output_field=TEXT)


# Who stands behind a submission, told apart as the protocol does: a legal entity by its OGRN
# (or name), a person by the account, or, on paper without an account, by name and birth date.
PARTICIPANT = Case(
    When(
        as_legal_entity=True,
        then=Concat(
            Value("entity:"),
            Lower(
                Coalesce(
                    NullIf(KT("participant__ogrn"), Value(""), output_field=TEXT),
                    _text("legal_name"),
                    output_field=TEXT,
                )
            ),
            output_field=TEXT,
        ),
    ),
    When(
        author__isnull=False,
        then=Concat(Value("account:"), Cast("author_id", TEXT), output_field=TEXT),
    ),
    default=Concat(
        Value("person:"),
        Lower(_text("full_name")),
        Value(":"),
        _text("birthdate"),
        output_field=TEXT,
    ),
    output_field=TEXT,
)


def with_counts(queryset: QuerySet[Discussion], now: datetime.datetime) -> QuerySet[Discussion]:
    """Submissions, participants, submissions without a recommendation, questions waiting for
    the experts (all, the oldest, and those waiting longer than VECHE_EXPERT_REMINDER_HOURS).

    Hidden submissions are left out, as everywhere else."""
    visible = Submission.objects.filter(hidden_at__isnull=True)
    waiting = visible.filter(kind=Submission.Kind.QUESTION).filter(
        ~Exists(ExpertAnswer.objects.filter(submission=OuterRef("pk")))
    )
    too_long = now - datetime.timedelta(hours=settings.VECHE_EXPERT_REMINDER_HOURS)
    oldest = Subquery(
        waiting.filter(discussion=OuterRef("pk")).order_by("created_at").values("created_at")[:1]
    )
    return queryset.annotate(
        submission_count=_per_discussion(visible, Count("pk")),
        participant_count=_per_discussion(visible, Count(PARTICIPANT, distinct=True)),
        unreviewed_count=_per_discussion(visible.filter(recommendation=""), Count("pk")),
        waiting_count=_per_discussion(waiting, Count("pk")),
        overdue_question_count=_per_discussion(
            waiting.filter(created_at__lte=too_long), Count("pk")
        ),
        oldest_waiting_since=oldest,
    )


def _row(discussion: Discussion, now: datetime.datetime) -> DashboardRow:
    running = discussion.status == Discussion.Status.PUBLISHED
    today = discussion.local_date(now)
    # Experts answer until the protocol is signed; after that a question can no longer be late.
    answerable = running and not discussion.protocol_signed_at
    return DashboardRow(
        discussion=discussion,
        stage=discussion.stage_at(now),
        submissions=discussion.submission_count,
        participants=discussion.participant_count,
        unreviewed=discussion.unreviewed_count,
        questions_waiting=discussion.waiting_count,
        oldest_waiting_since=discussion.oldest_waiting_since,
        questions_overdue=discussion.overdue_question_count if answerable else 0,
        protocol_overdue=running
        and not discussion.protocol_signed_at
        and today > discussion.protocol_due,
        conclusion_overdue=running
        and not discussion.conclusion_published_at
        and today > discussion.conclusion_due,
    )


def dashboard_rows(
    scope: DashboardScope, filters: Filters, now: datetime.datetime | None = None
) -> list[DashboardRow]:
    """The discussions of the scope that pass the filters, newest exposition first.

    Stages are derived from dates in each discussion's own time zone, so the stage and the
    "problems" filters are applied to the fetched rows; a city holds hundreds of discussions,
    not millions."""
    now = now or timezone.now()
    queryset = scope.discussions().select_related("territory", "organizer")
    if filters.territory is not None:
        queryset = queryset.filter(territory__path__startswith=filters.territory.path)
    if filters.organizer is not None:
        queryset = queryset.filter(organizer=filters.organizer)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.year:
        queryset = queryset.filter(exposition_start__year=filters.year)
    rows = [_row(discussion, now) for discussion in with_counts(queryset, now)]
    if filters.stage:
        rows = [row for row in rows if row.stage == filters.stage]
    if filters.problems:
        rows = [row for row in rows if row.has_problems]
    return rows


@dataclass(frozen=True)
class Totals:
    discussions: int
    with_problems: int
    unreviewed: int
    questions_overdue: int


def totals_of(rows: list[DashboardRow]) -> Totals:
    return Totals(
        discussions=len(rows),
        with_problems=sum(row.has_problems for row in rows),
        unreviewed=sum(row.unreviewed for row in rows),
        questions_overdue=sum(row.questions_overdue for row in rows),
    )


def years_of(scope: DashboardScope) -> list[int]:
    return [day.year for day in scope.discussions().dates("exposition_start", "year", "DESC")]
