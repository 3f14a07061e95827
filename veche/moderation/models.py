"""Complaints about content, and what moderators did about them."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ComplaintQuerySet(models.QuerySet):
    def about(self, item) -> "ComplaintQuerySet":
        return self.filter(content_type=ContentType.objects.get_for_model(item), object_id=item.pk)


class Complaint(models.Model):
    """A person's complaint about one item of a kind registered in `moderation.registry`."""

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

    # What the complaint is about: any registered kind, read through the registry.
    content_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    details = models.TextField(_("details"), max_length=1000, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at"]
        constraints = [
            # One person reports one item once; the target's columns first, so the same index
            # finds all complaints about an item.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "reporter"], name="one_complaint_per_person"
            )
        ]

    def __str__(self) -> str:
        # get_for_id is cached: a list of complaints asks the database once.
        about = ContentType.objects.get_for_id(self.content_type_id).model
        return f"{self.get_reason_display()} — {about} {self.object_id}"
