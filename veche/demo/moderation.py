"""The moderators' demo: a few reports waiting in the queue (an advertisement, a neighbour's
phone number, a harsh but lawful comment, an off-topic proposal) and one decision contested by
its author, which `moderator@` decides (an administrator took it, so a second moderator may)."""

from django.db import transaction

from veche.appeals.models import Problem
from veche.appeals.services import add_comment
from veche.demo.appeals import _residents
from veche.discussions.models import Submission
from veche.moderation.models import Complaint, Decision
from veche.moderation.services import contest_decision, hide_content, report_content

SPAM = "Пластиковые окна со скидкой 50%! Звоните 8-900-000-00-00, замер бесплатно."
PERSONAL_DATA = (
    "Это всё из-за соседки из кв. 12, Петровой Анны Сергеевны, тел. 8-917-123-45-67 — "
    "пишите ей сами."
)
HARSH = "Сколько можно ждать? Управа опять ничего не делает, это позор для района!"
OFF_TOPIC = "Лучше бы город купил новые трамваи, а двор подождёт."


@transaction.atomic
def load_moderation(people: dict) -> int:
    """Loads once; returns the number of reports made."""
    if Complaint.objects.exists():
        return 0
    resident = people["resident@demo.veche.example"]
    neighbour = people["neighbour@demo.veche.example"]
    problem = (
        Problem.objects.filter(author=resident, status=Problem.Status.PUBLISHED)
        .order_by("published_at", "id")
        .first()
    )
    writers = _residents(problem.territory, 4, start=300)
    spam, data, harsh, off_topic = (
        add_comment(author=writer, problem=problem, text=text)
        for writer, text in zip(writers, (SPAM, PERSONAL_DATA, HARSH, OFF_TOPIC), strict=True)
    )
    reports = [
        (resident, spam, "spam", ""),
        (neighbour, spam, "spam", "Реклама, уже второй раз."),
        (resident, data, "personal_data", "Здесь телефон и имя соседки."),
        (neighbour, harsh, "abuse", ""),
    ]
    submission = (
        Submission.objects.filter(hidden_at__isnull=True, discussion__published_at__isnull=False)
        .exclude(kind=Submission.Kind.QUESTION)
        .order_by("id")
        .first()
    )
    if submission is not None:
        reports.append((neighbour, submission, "off_topic", "Не про этот проект."))
    for reporter, item, reason, details in reports:
        report_content(reporter=reporter, target=item, reason=reason, details=details)
    # Decided by the administrator and contested by its author: moderator@ decides the contest.
    report_content(reporter=resident, target=off_topic, reason="off_topic")
    hide_content(
        moderator=people["admin@demo.veche.example"],
        target=off_topic,
        ground="off_topic",
        note="Комментарий не о проблеме двора.",
    )
    contest_decision(
        user=off_topic.author,
        decision=Decision.objects.get(action=Decision.Action.HIDE),
        text="Это про то, на что тратятся деньги района, — значит, и про двор.",
    )
    return len(reports) + 1
