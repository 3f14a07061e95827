"""Notices to people (in-app, mailed at once or in a daily digest), how each wants e-mail, and
the events whose notices are still to be made."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
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


class NotificationQuerySet(models.QuerySet):
    def about(self, subject: models.Model) -> "NotificationQuerySet":
        """The notices about this appeal, discussion, …"""
        return self.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
        )


class Notification(models.Model):
    """One notice to one person. Title, body and link are rendered in the person's language when
    the notice is created, so the inbox and the e-mail say the same and need no further queries;
    the subject (an appeal, a discussion…) is kept to find the notices about it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications")
    # A key of veche.notifications.registry.KINDS (e.g. "appeal_sent", "discussion_announced").
    kind = models.CharField(_("kind"), max_length=40)
    subject_type = models.ForeignKey(
        ContentType, models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
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

    objects = NotificationQuerySet.as_manager()

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
            models.Index(fields=["subject_type", "subject_id"], name="notification_subject"),
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


class Event(models.Model):
    """Something that happened to a subject (an appeal was sent, answered…), stored in the
    transaction of the change. Its notices are made later, in the background: an outbox message
    (kind ``services.EVENT_KIND``) points here, and the worker that claims it computes the
    audience and stores the notices, in one transaction with setting `notified_at`, so that an
    event is told once however often its message is delivered."""

    subject_type = models.ForeignKey(ContentType, models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    # A key of the subject's events in veche.notifications.registry (e.g. "sent").
    name = models.CharField(_("event"), max_length=40)
    # Ids the notices need (the answer, the message, who acted); JSON, as it is stored.
    context = models.JSONField(default=dict, blank=True)
    # Makes an event that a periodic job announces idempotent ("discussion_expert_reminder:7:
    # 2026-11-03"): a second announcement with the same key stores nothing.
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    notified_at = models.DateTimeField(_("notifications made"), null=True, blank=True)

    class Meta:
        verbose_name = _("event to notify of")
        verbose_name_plural = _("events to notify of")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=~Q(key=""), name="event_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.subject_type_id}:{self.subject_id})"
