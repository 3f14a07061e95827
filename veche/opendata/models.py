"""A day's dump of the open data: which run wrote it, how it went, what it holds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DumpRun(models.Model):
    """One row a day. The day's files are written once; a failed run leaves its error here and
    the next run of `veche open_data_dump` tries the day again."""

    class State(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    day = models.DateField(_("day"), unique=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    # Rows in each dataset: {"problems": 120, …}.
    rows = models.JSONField(_("rows"), default=dict, blank=True)
    # The head of the audit chain published for the day, as the dump holds it.
    audit_sequence = models.PositiveBigIntegerField(_("last audit event"), null=True, blank=True)
    audit_hash = models.CharField(_("audit head hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("open data dump")
        verbose_name_plural = _("open data dumps")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day} {self.state}"
