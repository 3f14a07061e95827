"""Read side of moderation."""

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import QuerySet

from veche.moderation import registry
from veche.moderation.models import Complaint


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
    """The complaints the person made, for the personal-data export."""
    return {
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
        ]
    }
