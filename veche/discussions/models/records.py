"""The protocol's and the conclusion's documents built in the background."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .discussion import Discussion


def build_path(instance: "RecordBuild", filename: str) -> str:
    return f"discussions/{instance.discussion_id}/builds/{filename}"


class RecordBuild(models.Model):
    """A document of a discussion built in the background (a hearing's protocol can take
    minutes), with its progress for the organizer's page and the file it made.

    A worker claims a queued build with one conditional update that sets a lease, and renews the
    lease as parts are done; a build whose worker died is claimed again once its lease runs out.
    The signed protocol and the published conclusion are kept on the discussion, not here.
    """

    class Kind(models.TextChoices):
        PROTOCOL = "protocol", _("protocol")
        CONCLUSION = "conclusion", _("conclusion")
        DRAFT_PROTOCOL = "draft_protocol", _("draft protocol")
        ANNEX = "annex", _("annex: list of participants")
        PROTOCOL_DOCX = "protocol_docx", _("protocol for editing (DOCX)")
        CONCLUSION_DOCX = "conclusion_docx", _("conclusion for editing (DOCX)")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("being built")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    discussion = models.ForeignKey(Discussion, models.CASCADE, related_name="record_builds")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=build_path, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("document being built")
        verbose_name_plural = _("documents being built")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["discussion", "kind"],
                condition=Q(state__in=["queued", "running"]),
                name="one_build_of_a_kind_at_a_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.discussion_id} {self.kind} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, 100 * self.done // self.total) if self.total else 0
