"""Applications of landowners and developers for a discussion."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .discussion import Discussion


class Application(models.Model):
    """A landowner or developer asks the authority to hold a discussion of its project."""

    class Status(models.TextChoices):
        PENDING = "pending", _("under consideration")
        ACCEPTED = "accepted", _("accepted")
        REFUSED = "refused", _("refused")

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="discussion_applications"
    )
    # The applicant's legal entity as verified at the time of applying.
    legal_entity = models.JSONField(_("applicant"), default=dict)
    organization = models.ForeignKey(
        "organizations.Organization",
        models.PROTECT,
        related_name="discussion_applications",
        verbose_name=_("authority"),
    )
    subject = models.CharField(_("subject"), max_length=24, choices=Discussion.Subject.choices)
    title = models.CharField(_("project"), max_length=300)
    description = models.TextField(_("description"))
    territory = models.ForeignKey(
        "territories.Territory", models.PROTECT, related_name="+", verbose_name=_("territory")
    )
    document = models.FileField(_("project documents"), upload_to="discussion-applications/%Y/")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    discussion = models.OneToOneField(
        Discussion, models.SET_NULL, null=True, blank=True, related_name="application"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("application for a discussion")
        verbose_name_plural = _("applications for discussions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
