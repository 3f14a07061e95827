"""Notices to people (in-app, mailed at once or in a daily digest) and how each wants e-mail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationPreference(models.Model):
    """How a person wants e-mail; created on first use, e-mail at once by default."""

    class EmailMode(models.TextChoices):
        IMMEDIATE = "immediate", _("At once: one e-mail per notification")
        DIGEST = "digest", _("Once a day: one e-mail with everything new")
        OFF = "off", _("Never: notifications only on the site")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notification_preference"
    )
    email_mode = models.CharField(
        _("e-mail notifications"),
        max_length=16,
        choices=EmailMode.choices,
        default=EmailMode.IMMEDIATE,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email_mode}"


class Notification(models.Model):
    """One notice to one person. Title and body are rendered in the person's language when the
    notice is created, so the inbox and the e-mail say the same and need no further queries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications")
    # A key of the registry in veche.notifications.notices (e.g. "appeal_sent").
    kind = models.CharField(_("kind"), max_length=40)
    problem = models.ForeignKey(
        "appeals.Problem", models.CASCADE, null=True, blank=True, related_name="+"
    )
    appeal = models.ForeignKey(
        "appeals.Appeal", models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)  # site path, without the host
    # Makes a notice idempotent ("appeal_overdue:5:2026-11-03"): one per person and key.
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Set when a worker claims the notice for e-mail; a claimed notice is never mailed again.
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    # Waits for the daily digest instead of an e-mail of its own.
    digest = models.BooleanField(_("for the daily digest"), default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["user"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["user", "created_at"],
                condition=Q(digest=True, emailed_at__isnull=True),
                name="notification_digest_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notification_key_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def absolute_url(self) -> str:
        return settings.SITE_URL + self.url if self.url.startswith("/") else self.url
