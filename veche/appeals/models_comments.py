"""What residents say on a problem's page and which problems they follow. Models of the appeals
app, kept apart from `models.py` to hold each file to its sections."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Comment(models.Model):
    """Public discussion of a problem, threaded; text is Markdown, sanitised when shown."""

    problem = models.ForeignKey("Problem", models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    text = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment {self.pk} on problem {self.problem_id}"


class Follow(models.Model):
    problem = models.ForeignKey("Problem", models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["problem", "user"], name="follow_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.problem_id}"
