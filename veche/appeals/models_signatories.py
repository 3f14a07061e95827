"""Who took part in a problem, and which signatures count: participant numbers, the signatures
that count and those awaiting confirmation, the invalidations of signatures and the alerts that
lead to them. Models of the appeals app, kept apart from `models.py` to hold each file to its
sections."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SignatureQuerySet(models.QuerySet):
    def counted(self):
        """The signatures that count toward the threshold and go to the addressee: not
        withdrawn, not invalidated, and given to (or confirmed for) a revision the appeal still
        counts, none older than its last change of substance."""
        return self.filter(
            withdrawn_at__isnull=True,
            invalidation__isnull=True,
            revision__number__gte=models.F("appeal__signatures_from"),
        )

    def awaiting_confirmation(self):
        """Active signatures of a text changed in substance since: kept, but counted nowhere
        until their signatories confirm the new text."""
        return self.filter(
            withdrawn_at__isnull=True,
            invalidation__isnull=True,
            revision__number__lt=models.F("appeal__signatures_from"),
        )


class Participant(models.Model):
    """A person's number on one problem: how its pages and documents name someone who does not
    publish their name ("Participant No. 3"). Counted within the problem, so that one person's
    signatures and comments on different problems cannot be linked by it; the account's id is
    never shown."""

    problem = models.ForeignKey("Problem", models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["problem", "user"], name="participant_once"),
            models.UniqueConstraint(fields=["problem", "number"], name="participant_number_once"),
        ]

    def __str__(self) -> str:
        return f"participant {self.number} of problem {self.problem_id}"


class ParticipantCounter(models.Model):
    """The last participant number given on a problem. A row of its own, so that numbering
    neither locks the problem's row nor rewrites its search index."""

    problem = models.OneToOneField("Problem", models.CASCADE, primary_key=True, related_name="+")
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.last} participants numbered on problem {self.problem_id}"


class SignatureInvalidation(models.Model):
    """A moderator's decision that signatures were not genuine: which, why, by whom, when. The
    appeal's page shows it; the signatures stay, counted out (veche/appeals/fraud.py)."""

    appeal = models.ForeignKey("Appeal", models.CASCADE, related_name="invalidations")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    ground = models.TextField(_("ground"))
    created_at = models.DateTimeField(_("invalidated"), default=timezone.now)
    count = models.PositiveIntegerField(_("signatures invalidated"))
    # What was chosen: {"signature": id} or {"source": hash, "since": iso, "until": iso}.
    selection = models.JSONField(default=dict, blank=True)
    # The appeal had already been sent when its signatures were found invalid.
    after_dispatch = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("invalidation of signatures")
        verbose_name_plural = _("invalidations of signatures")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.count} signatures of appeal {self.appeal_id}, {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return self.appeal.problem.get_absolute_url()


class FraudAlert(models.Model):
    """A signal above its threshold in one hour, stored once (the moderators are told once)."""

    class Kind(models.TextChoices):
        NETWORK = "network", _("many signatures from one network")
        NEW_ACCOUNTS = "new_accounts", _("many signatures from new accounts")
        CENSUS = "census", _("many signatures from one census import")
        PACE = "pace", _("an appeal signed far faster than usual")

    kind = models.CharField(_("signal"), max_length=16, choices=Kind.choices)
    key = models.CharField(_("source"), max_length=64, blank=True)
    appeal = models.ForeignKey(
        "Appeal", models.CASCADE, null=True, blank=True, related_name="fraud_alerts"
    )
    hour = models.DateTimeField(_("hour"))
    count = models.PositiveIntegerField(_("signatures in the hour"))
    threshold = models.PositiveIntegerField(_("threshold"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fraud alert")
        verbose_name_plural = _("fraud alerts")
        ordering = ["-hour", "-count"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "hour"], name="one_fraud_alert_per_source_and_hour"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} {self.hour:%Y-%m-%d %H:00}"

    def get_absolute_url(self) -> str:
        return reverse("admin:appeals_fraudalert_changelist")
