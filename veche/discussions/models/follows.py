"""Following a discussion or a territory."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .discussion import Discussion


class Follow(models.Model):
    """A person follows one discussion, or every discussion in a territory (and inside it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="discussion_follows"
    )
    discussion = models.ForeignKey(
        Discussion, models.CASCADE, null=True, blank=True, related_name="follows"
    )
    territory = models.ForeignKey(
        "territories.Territory", models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=(Q(discussion__isnull=False) & Q(territory__isnull=True))
                | (Q(discussion__isnull=True) & Q(territory__isnull=False)),
                name="discussion_follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "discussion"],
                condition=Q(discussion__isnull=False),
                name="discussion_follow_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "territory"],
                condition=Q(territory__isnull=False),
                name="territory_follow_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.discussion_id or self.territory_id}"
