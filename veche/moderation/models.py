"""Complaints about content, and what moderators did about them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Complaint(models.Model):
    class Reason(models.TextChoices):
        ABUSE = "abuse", _("insults or obscene language")
        SPAM = "spam", _("spam or advertising")
        PERSONAL_DATA = "personal_data", _("someone's personal data")
        OFF_TOPIC = "off_topic", _("off topic")
        OTHER = "other", _("something else")

    class Status(models.TextChoices):
        OPEN = "open", _("awaiting a moderator")
        UPHELD = "upheld", _("content hidden")
        DISMISSED = "dismissed", _("dismissed")

    comment = models.ForeignKey("appeals.Comment", models.CASCADE, related_name="complaints")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    details = models.TextField(_("details"), max_length=1000, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_complaint_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} — comment {self.comment_id}"
