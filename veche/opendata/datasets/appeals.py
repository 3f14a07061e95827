"""The datasets of collective appeals: problems, organizations' public answers, and the
organizations' figures. Only what the public pages show; never a person: no author, signatory,
official, address or participant number."""

import statistics
from itertools import groupby

from django.db.models import Avg, Count
from django.utils.translation import gettext_lazy as _

from veche.appeals.models import Answer, Appeal
from veche.appeals.policy import overdue
from veche.appeals.queries import PUBLIC_ANSWER_KINDS, public_problems
from veche.appeals.ratings import counted_ratings_q, scores
from veche.opendata.datasets.registry import Dataset, Field, absolute, moment
from veche.organizations.queries import public_organizations

CHUNK = 2000


def _of_appeal(name):
    return lambda problem: getattr(problem.current_appeal, name, None)


def _problems(day):
    return (
        public_problems()
        .select_related("category", "territory", "current_appeal__organization")
        .order_by("pk")
        .iterator(chunk_size=CHUNK)
    )


PROBLEMS = Dataset(
    slug="problems",
    title=_("Problems and their appeals"),
    description=_(
        "Every published problem that no moderator hid, with the appeal now in force: its "
        "addressee, signatures, deadline and answer."
    ),
    fields=(
        Field("id", "integer", _("number of the problem on the site"), lambda p: p.pk),
        Field("url", "string", _("the problem's page"), lambda p: absolute(p.get_absolute_url())),
        Field("title", "string", _("title"), lambda p: p.title),
        Field("category", "string", _("category code"), lambda p: p.category.slug),
        Field("category_name", "string", _("category"), lambda p: p.category.title),
        Field("territory", "string", _("territory code"), lambda p: p.territory.code),
        Field("territory_name", "string", _("territory"), lambda p: p.territory.title),
        Field(
            "status",
            "string",
            _("state of the problem: published, solved, partly_solved, unsolved"),
            lambda p: p.status,
        ),
        Field(
            "published", "datetime", _("when it was published"), lambda p: moment(p.published_at)
        ),
        Field("closed", "datetime", _("when it was closed"), lambda p: moment(p.closed_at)),
        Field(
            "organization",
            "string",
            _("code of the organization the current appeal is addressed to"),
            lambda p: p.current_appeal.organization.slug if p.current_appeal else None,
        ),
        Field(
            "appeal_status",
            "string",
            _(
                "state of the current appeal: collecting, sent, registered, answered, closed, "
                "escalated"
            ),
            _of_appeal("status"),
        ),
        Field("signatures", "integer", _("signatures collected"), _of_appeal("signature_count")),
        Field(
            "signatures_needed",
            "integer",
            _("signatures needed to send the appeal"),
            _of_appeal("signature_threshold"),
        ),
        Field(
            "sent",
            "datetime",
            _("when the appeal was sent"),
            lambda p: moment(p.current_appeal.sent_at) if p.current_appeal else None,
        ),
        Field("due", "date", _("the day the answer is due"), _of_appeal("due_date")),
        Field(
            "answered",
            "datetime",
            _("when the final answer came"),
            lambda p: moment(p.current_appeal.answered_at) if p.current_appeal else None,
        ),
        Field(
            "answered_on_time",
            "boolean",
            _("whether the answer came by its due day (empty until it comes)"),
            _of_appeal("answered_on_time"),
        ),
        Field(
            "overdue",
            "boolean",
            _("whether the answer is overdue on the day of the dump"),
            lambda p: bool(p.current_appeal and overdue(p.current_appeal) is not None),
        ),
    ),
    rows=_problems,
)


def _answers(day):
    return (
        Answer.objects.filter(kind__in=PUBLIC_ANSWER_KINDS, appeal__problem__in=public_problems())
        .select_related("organization", "appeal")
        # The ratings every total counts (`counted_ratings`), as the rating page's.
        .annotate(
            rating_count=Count("appeal__ratings", filter=counted_ratings_q("appeal__ratings")),
            rating_mean=Avg("appeal__ratings__score", filter=counted_ratings_q("appeal__ratings")),
        )
        .order_by("pk")
        .iterator(chunk_size=CHUNK)
    )


def _is_final(answer) -> bool:
    return answer.kind == Answer.Kind.FINAL


ANSWERS = Dataset(
    slug="answers",
    title=_("Answers of organizations"),
    description=_(
        "The interim and final answers organizations gave to appeals of public problems, with "
        "the signatories' rating of the final answer. The text of an answer is on the problem's "
        "page."
    ),
    fields=(
        Field("id", "integer", _("number of the answer"), lambda a: a.pk),
        Field(
            "problem",
            "integer",
            _("number of the problem (see problems)"),
            lambda a: a.appeal.problem_id,
        ),
        Field("appeal", "integer", _("number of the appeal"), lambda a: a.appeal_id),
        Field(
            "url",
            "string",
            _("the problem's page, where the answer is"),
            lambda a: absolute(a.appeal.get_absolute_url()),
        ),
        Field(
            "organization",
            "string",
            _("code of the organization that answered"),
            lambda a: a.organization.slug,
        ),
        Field("kind", "string", _("kind of answer: interim or final"), lambda a: a.kind),
        Field(
            "answered", "datetime", _("when the answer was given"), lambda a: moment(a.created_at)
        ),
        Field("late", "boolean", _("whether it came after the due day"), lambda a: a.late),
        Field(
            "appeal_sent",
            "datetime",
            _("when the appeal was sent"),
            lambda a: moment(a.appeal.sent_at),
        ),
        Field("appeal_due", "date", _("the day the answer was due"), lambda a: a.appeal.due_date),
        Field(
            "ratings",
            "integer",
            _("signatories' ratings of a final answer (empty for an interim one)"),
            lambda a: a.rating_count if _is_final(a) else None,
        ),
        Field(
            "rating_average",
            "number",
            _("their average, from 1 to 5"),
            lambda a: (
                round(a.rating_mean, 2) if _is_final(a) and a.rating_mean is not None else None
            ),
        ),
    ),
    rows=_answers,
)


def _median_answer_days() -> dict[int, float]:
    """Median days from sending to the answer, by organization; one appeal in memory at a time
    beyond the organization at hand."""
    answered = (
        Appeal.objects.filter(sent_at__isnull=False, answered_at__isnull=False)
        .order_by("organization_id")
        .values_list("organization_id", "sent_at", "answered_at")
        .iterator(chunk_size=CHUNK)
    )
    result = {}
    for organization, rows in groupby(answered, key=lambda row: row[0]):
        days = [(answered_at - sent_at).total_seconds() / 86400 for _, sent_at, answered_at in rows]
        result[organization] = round(statistics.median(days), 1)
    return result


def _organizations(day):
    # Organizations are few (hundreds): their figures come in three queries for all of them.
    organizations = list(public_organizations().select_related("parent").order_by("slug"))
    medians = _median_answer_days()
    by_pk = {score.organization.pk: score for score in scores(organizations)}
    for organization in organizations:
        organization.figures = by_pk[organization.pk]
        organization.median_answer_days = medians.get(organization.pk)
        yield organization


def _figure(name):
    return lambda organization: getattr(organization.figures, name)


ORGANIZATIONS = Dataset(
    slug="organizations",
    title=_("Organizations' figures"),
    description=_(
        "Each active organization with the figures of its public rating: how its answers are "
        "rated and how often it keeps its deadlines, counted on the day of the dump."
    ),
    fields=(
        Field("organization", "string", _("code of the organization"), lambda o: o.slug),
        Field("name", "string", _("name"), lambda o: o.title),
        Field("kind", "string", _("kind of organization"), lambda o: o.kind),
        Field(
            "parent",
            "string",
            _("code of the parent organization"),
            lambda o: o.parent.slug if o.parent else None,
        ),
        Field("ratings", "integer", _("ratings of its final answers"), _figure("ratings")),
        Field(
            "rating_average", "number", _("their plain average, from 1 to 5"), _figure("average")
        ),
        Field(
            "rating_bayesian",
            "number",
            _("the average pulled towards the city-wide mean while ratings are few"),
            _figure("bayesian"),
        ),
        Field("answered", "integer", _("appeals answered"), _figure("answered")),
        Field(
            "answered_on_time", "integer", _("of them, answered by the due day"), _figure("on_time")
        ),
        Field(
            "missed",
            "integer",
            _("appeals escalated because it let a deadline pass"),
            _figure("missed"),
        ),
        Field(
            "overdue_now",
            "integer",
            _("appeals overdue on the day of the dump"),
            _figure("overdue_now"),
        ),
        Field(
            "forwarded_late",
            "integer",
            _("appeals it forwarded to another organization late, counted as deadlines missed"),
            _figure("forwarded_late"),
        ),
        Field(
            "on_time_share",
            "number",
            _("share of the deadlines that came which it kept, from 0 to 1"),
            _figure("on_time_share"),
        ),
        Field(
            "median_answer_days",
            "number",
            _("median days from sending an appeal to its answer"),
            lambda o: o.median_answer_days,
        ),
        Field("score", "number", _("the rating's score, from 0 to 100"), _figure("score")),
    ),
    rows=_organizations,
)

DATASETS = (PROBLEMS, ANSWERS, ORGANIZATIONS)
