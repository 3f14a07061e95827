"""Discussions in the states e-control watches, made directly where only the counts matter."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_discussion, make_user, set_fields
from veche.discussions.models import Discussion, ExpertAnswer, Submission

DASHBOARD = reverse("reporting:discussions")
CSV = reverse("reporting:discussions_csv")
XLSX = reverse("reporting:discussions_xlsx")


def add_submission(
    discussion: Discussion,
    *,
    kind: str = Submission.Kind.PROPOSAL,
    author=None,
    paper: bool = False,
    recommendation: str = "",
    hours_ago: float = 1,
    hidden: bool = False,
    participant: dict | None = None,
    as_legal_entity: bool = False,
) -> Submission:
    """A registered submission; `paper` ones have no account behind them."""
    number = discussion.submissions.count() + 1
    if author is None and not paper:
        author = make_user()
    now = timezone.now()
    return Submission.objects.create(
        discussion=discussion,
        number=number,
        registration_number=f"{discussion.pk}-{number:04d}",
        kind=kind,
        text="Предлагаю сохранить сквер и добавить детскую площадку.",
        author=author,
        as_legal_entity=as_legal_entity,
        participant=participant or {"full_name": "Иванов Иван Иванович"},
        basis=Submission.Basis.RESIDENT,
        channel=Submission.Channel.WRITING if paper else Submission.Channel.SITE,
        created_at=now - datetime.timedelta(hours=hours_ago),
        recommendation=recommendation,
        recommendation_reason="Учтено в проекте." if recommendation else "",
        hidden_at=now if hidden else None,
    )


def answer(question: Submission, *, expert=None) -> ExpertAnswer:
    return ExpertAnswer.objects.create(
        submission=question, expert=expert or make_user(), text="Сквер сохраняется."
    )


def signed(discussion: Discussion, *, concluded: bool = False) -> Discussion:
    """The protocol signed (and the conclusion published) yesterday."""
    yesterday = timezone.now() - datetime.timedelta(days=1)
    fields = {"protocol_signed_at": yesterday, "protocol_signed_by": discussion.created_by}
    if concluded:
        fields |= {"conclusion_published_at": yesterday, "conclusion_text": "Одобрить проект."}
    return set_fields(discussion, **fields)


def overdue_protocol(**options) -> Discussion:
    """In review, its protocol due yesterday and not signed."""
    discussion = make_discussion(stage="review", **options)
    return set_fields(discussion, protocol_due=timezone.localdate() - datetime.timedelta(days=1))


def rows_of(response) -> dict[int, object]:
    return {row.discussion.pk: row for row in response.context["page"].object_list}


def dashboard_queries(client) -> int:
    """How many queries the dashboard page costs, once what new rows made stale in the cache
    (the header's territories) is kept again."""
    client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DASHBOARD).status_code == 200
    return len(queries)
