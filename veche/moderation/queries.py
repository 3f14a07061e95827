"""Read side of moderation."""

from veche.moderation.models import Complaint


def personal_data(user) -> dict:
    """The complaints the person made, for the personal-data export."""
    return {
        "complaints": [
            {
                "comment": c.comment_id,
                "reason": c.reason,
                "details": c.details,
                "status": c.status,
                "created_at": c.created_at.isoformat() if c.created_at else None,
            }
            for c in Complaint.objects.filter(reporter=user).order_by("created_at", "id")
        ]
    }
