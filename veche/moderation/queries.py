"""Read side of moderation: the moderators' queue, an author's history, the public record."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth

from veche.moderation import registry
from veche.moderation.models import Complaint, Contest, Decision, Ground
from veche.moderation.registry import ModeratedKind


def with_targets(complaints: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Complaints with their targets, and what the targets' links need, one query per kind."""
    return complaints.select_related("reporter", "decided_by").prefetch_related(
        GenericPrefetch("target", registry.target_querysets())
    )


def about(complaint: Complaint) -> str:
    """The registered kind's key ("comment"), or the model's name for a kind no longer
    registered."""
    content_type = ContentType.objects.get_for_id(complaint.content_type_id)
    kind = registry.kind_for(content_type)
    return kind.key if kind else content_type.model


def personal_data(user) -> dict:
    """The complaints the person made and the decisions taken about their content, for the
    personal-data export."""
    return {
        "decisions": [
            {
                "action": d.action,
                "ground": d.ground,
                "created_at": d.created_at.isoformat(),
                "blocked_until": d.blocked_until.isoformat() if d.blocked_until else None,
            }
            for d in Decision.objects.filter(author=user).order_by("created_at", "id")
        ],
        "complaints": [
            {
                "about": about(c),
                "id": c.object_id,
                "reason": c.reason,
                "details": c.details,
                "status": c.status,
                "created_at": c.created_at.isoformat() if c.created_at else None,
            }
            for c in Complaint.objects.filter(reporter=user).order_by("created_at", "id")
        ],
    }


# --- The moderators' queue ------------------------------------------------------------------


@dataclass
class History:
    """What moderators decided about an author before: counts by action, and a block in force."""

    counts: Counter = field(default_factory=Counter)
    block: Decision | None = None

    @property
    def hidden(self) -> int:
        return self.counts[Decision.Action.HIDE]

    @property
    def warnings(self) -> int:
        return self.counts[Decision.Action.WARN]

    @property
    def blocks(self) -> int:
        return self.counts[Decision.Action.BLOCK]


def histories(author_ids) -> dict[int, History]:
    """Each author's history, in two queries whatever their number."""
    author_ids = {pk for pk in author_ids if pk}
    found: dict[int, History] = defaultdict(History)
    rows = (
        Decision.objects.filter(author_id__in=author_ids, action__in=Decision.AGAINST_AUTHOR)
        .values_list("author_id", "action")
        .annotate(n=Count("id"))
    )
    for author_id, action, n in rows:
        found[author_id].counts[action] += n
    for block in Decision.objects.filter(author_id__in=author_ids).blocks_in_force():
        found[block.author_id].block = block
    return found


@dataclass
class QueueItem:
    kind: ModeratedKind | None
    content_type_id: int
    object_id: int
    target: Any
    complaints: list = field(default_factory=list)
    history: History = field(default_factory=History)
    # Whether the moderator reading the page may decide it (the workspace sets it): not when
    # they wrote it, so that their own content waits for another moderator.
    may_decide: bool = True

    @property
    def author(self):
        return self.kind.author(self.target) if self.kind and self.target is not None else None

    @property
    def text(self) -> str:
        return self.kind.text(self.target) if self.kind and self.target is not None else ""

    @property
    def is_hidden(self) -> bool:
        return bool(self.kind and self.target is not None and self.kind.is_hidden(self.target))

    @property
    def reasons(self) -> list[tuple[str, int]]:
        """The reporters' reasons with how many gave each, the most given first."""
        return Counter(c.get_reason_display() for c in self.complaints).most_common()


def open_queue(*, limit: int = 50) -> list[QueueItem]:
    """Items with open reports, the longest waiting first, each with every open report about
    it and its author's history."""
    complaints = with_targets(
        Complaint.objects.filter(status=Complaint.Status.OPEN).order_by("created_at", "id")
    )
    items: dict[tuple[int, int], QueueItem] = {}
    for complaint in complaints:
        key = (complaint.content_type_id, complaint.object_id)
        if key not in items:
            if len(items) >= limit:
                continue
            content_type = ContentType.objects.get_for_id(complaint.content_type_id)
            items[key] = QueueItem(registry.kind_for(content_type), *key, target=complaint.target)
        items[key].complaints.append(complaint)
    found = list(items.values())
    authors = histories(getattr(item.author, "pk", None) for item in found)
    for item in found:
        item.history = authors.get(getattr(item.author, "pk", None), History())
    return found


def awaiting_queue() -> list[QueueItem]:
    """Items held for pre-moderation, each with its author's history."""
    found = [
        QueueItem(kind, ContentType.objects.get_for_model(kind.model).pk, item.pk, item)
        for kind, item in registry.awaiting()
    ]
    authors = histories(getattr(item.author, "pk", None) for item in found)
    for item in found:
        item.history = authors.get(getattr(item.author, "pk", None), History())
    return found


def prepublication_state(item: QueueItem) -> str:
    """ "awaiting" or "refused" for an item in pre-moderation, else ""."""
    hooks = item.kind.prepublication if item.kind else None
    if hooks is None or item.target is None:
        return ""
    if hooks.is_awaiting(item.target):
        return "awaiting"
    return "refused" if hooks.is_refused(item.target) else ""


def queue_size() -> int:
    return (
        Complaint.objects.filter(status=Complaint.Status.OPEN)
        .values("content_type_id", "object_id")
        .distinct()
        .count()
    )


def item_of(key: str, pk: int) -> QueueItem | None:
    """One item of a registered kind, whether hidden or not, with every report about it."""
    kind = next((k for k in registry.kinds() if k.key == key), None)
    target = kind.queryset().filter(pk=pk).first() if kind else None
    if target is None:
        return None
    content_type = ContentType.objects.get_for_model(kind.model)
    item = QueueItem(kind, content_type.pk, target.pk, target)
    item.complaints = list(
        Complaint.objects.about(target).select_related("reporter").order_by("created_at", "id")
    )
    author = item.author
    item.history = histories([author.pk]).get(author.pk, History()) if author else History()
    return item


def decisions_about(item: QueueItem) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(content_type_id=item.content_type_id, object_id=item.object_id)
        .select_related("contest")
        .order_by("created_at", "id")
    )


def refusal_of(item) -> Decision | None:
    """The latest refusal to publish the item (pre-moderation), with its contest, or None."""
    return (
        Decision.objects.about(item)
        .filter(action=Decision.Action.REFUSE)
        .select_related("contest")
        .order_by("-created_at", "-id")
        .first()
    )


def pending_contests() -> QuerySet[Contest]:
    return (
        Contest.objects.filter(outcome=Contest.Outcome.PENDING)
        .select_related("decision", "decision__content_type", "author")
        .order_by("created_at", "id")
    )


def kind_of_decision(decision: Decision) -> ModeratedKind | None:
    if not decision.content_type_id:
        return None
    return registry.kind_for(ContentType.objects.get_for_id(decision.content_type_id))


# --- The public record ----------------------------------------------------------------------


@dataclass
class MonthRow:
    month: datetime.date
    hidden: list[int]  # by ground, in the order of Ground
    warnings: int = 0
    blocks: int = 0
    refused: int = 0  # problems refused publication by pre-moderation
    contests: int = 0
    reversed: int = 0

    @property
    def hidden_total(self) -> int:
        return sum(self.hidden)


def record_by_month() -> list[MonthRow]:
    """Decisions against authors, month by month (newest first): content hidden on each ground,
    warnings, blocks, contests and contests that reversed a decision."""
    grounds = list(Ground.values)
    months: dict[datetime.date, MonthRow] = {}

    def row(month) -> MonthRow:
        day = month.date() if isinstance(month, datetime.datetime) else month
        return months.setdefault(day, MonthRow(day, [0] * len(grounds)))

    decided = (
        Decision.objects.filter(action__in=Decision.AGAINST_AUTHOR)
        .annotate(month=TruncMonth("created_at"))
        .values_list("month", "action", "ground")
        .annotate(n=Count("id"))
    )
    for month, action, ground, n in decided:
        line = row(month)
        if action == Decision.Action.HIDE and ground in grounds:
            line.hidden[grounds.index(ground)] += n
        elif action == Decision.Action.WARN:
            line.warnings += n
        elif action == Decision.Action.BLOCK:
            line.blocks += n
        elif action == Decision.Action.REFUSE:
            line.refused += n
    contests = (
        Contest.objects.annotate(month=TruncMonth("created_at"))
        .values_list("month", "outcome")
        .annotate(n=Count("id"))
    )
    for month, outcome, n in contests:
        line = row(month)
        line.contests += n
        if outcome == Contest.Outcome.REVERSED:
            line.reversed += n
    return sorted(months.values(), key=lambda line: line.month, reverse=True)
