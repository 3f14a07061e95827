"""The public debate on a proposal or remark during the intake: participants' replies, threaded
one level deep, and each person's one mark of support or objection. The marks are information
for the organizer, who still gives each submission a reasoned recommendation."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .submissions import Submission


class Reply(models.Model):
    """A participant's reply to a submission, or to another reply (shown nested under the reply
    it answers; a reply to a nested reply joins the same thread). Markdown, sanitised when shown."""

    submission = models.ForeignKey(Submission, models.CASCADE, related_name="replies")
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="children"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    # "Participant No. k" within the discussion, as for the submissions (`Submission`).
    participant_number = models.PositiveIntegerField(_("participant number"))
    text = models.TextField(_("reply"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)  # the moderator's ground

    class Meta:
        verbose_name = _("reply to a submission")
        verbose_name_plural = _("replies to submissions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"reply {self.pk} to {self.submission_id}"

    def get_absolute_url(self) -> str:
        return f"{self.submission.get_absolute_url()}#reply-{self.pk}"

    @property
    def public_author(self) -> str:
        published = self.author.published_name
        numbered = _("Participant No. %(number)s") % {"number": self.participant_number}
        return published or str(numbered)


class Mark(models.Model):
    """One person's support of or objection to a submission: one per person, changeable while
    the intake is open."""

    class Kind(models.TextChoices):
        SUPPORT = "support", _("support")
        OBJECT = "object", _("objection")

    submission = models.ForeignKey(Submission, models.CASCADE, related_name="marks")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    kind = models.CharField(_("mark"), max_length=8, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mark of a submission")
        verbose_name_plural = _("marks of submissions")
        constraints = [
            models.UniqueConstraint(fields=["submission", "person"], name="one_mark_per_person"),
        ]
        indexes = [models.Index(fields=["submission", "kind"], name="mark_counted")]

    def __str__(self) -> str:
        return f"{self.kind} of {self.submission_id} by {self.person_id}"
