"""Progress on the decision after the conclusion."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .discussion import Discussion
from .submissions import Submission


class Milestone(models.Model):
    """A step of implementing the decision, on the discussion or on one accepted proposal."""

    discussion = models.ForeignKey(Discussion, models.CASCADE, related_name="milestones")
    submission = models.ForeignKey(
        Submission, models.CASCADE, null=True, blank=True, related_name="milestones"
    )
    title = models.CharField(_("what was done"), max_length=300)
    percent = models.PositiveSmallIntegerField(_("done, %"), validators=[MaxValueValidator(100)])
    note = models.TextField(_("details"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.percent}%)"
