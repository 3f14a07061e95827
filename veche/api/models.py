"""An organization's API clients (OAuth2 client credentials) and the log of their calls."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a client may do; the OAuth2 scopes it may ask a token for."""

    INBOX_READ = "inbox:read", _("read the inbox: appeals with the applicants' data")
    APPEALS_REGISTER = "appeals:register", _("register appeals")
    APPEALS_ANSWER = "appeals:answer", _("answer appeals and extend the deadline")
    APPEALS_FORWARD = "appeals:forward", _("forward appeals")
    SUBMISSIONS_READ = (
        "discussions:submissions:read",
        _("read the submissions to the organization's discussions"),
    )


class ApiClient(models.Model):
    """A system of the organization (a document management system) that acts through the API.

    It acts as its own account, an official of the organization: the same rules, services and
    audit as a person in the cabinet. Revoking it removes its OAuth2 application (and so every
    token) and its role; the row stays as the record of what it did."""

    organization = models.ForeignKey(
        "organizations.Organization",
        models.PROTECT,
        related_name="api_clients",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=200)
    scopes = models.JSONField(_("scopes"), default=list)
    application = models.OneToOneField(
        "oauth2_provider.Application",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="api_client",
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="api_client"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    created_at = models.DateTimeField(_("issued"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def client_id(self) -> str:
        return self.application.client_id if self.application else ""

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def channel(self) -> str:
        """How the audit log names it."""
        return f"api-client:{self.pk}"

    def scope_labels(self) -> list[str]:
        labels = dict(Scope.choices)
        return [str(labels.get(scope, scope)) for scope in self.scopes]


class ApiCall(models.Model):
    """One request a client made, whatever it asked and however it was answered."""

    client = models.ForeignKey(ApiClient, models.CASCADE, related_name="calls")
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.method} {self.path} → {self.status}"


class WebhookEvent(models.TextChoices):
    """The events an organization's endpoint may hear of (its own appeals and discussions)."""

    APPEAL_DISPATCHED = "appeal.dispatched", _("an appeal was sent to the organization")
    APPEAL_REGISTERED = "appeal.registered", _("an appeal was registered")
    APPEAL_ANSWERED = "appeal.answered", _("an appeal got its final answer")
    APPEAL_ESCALATED = "appeal.escalated", _("an appeal was escalated")
    APPEAL_FORWARDED = "appeal.forwarded", _("an appeal was forwarded to another organization")
    SUBMISSION_REGISTERED = (
        "submission.registered",
        _("a submission to a discussion was registered"),
    )
    DISCUSSION_STAGE_CHANGED = (
        "discussion.stage_changed",
        _("a discussion was announced, rescheduled or cancelled"),
    )
    MEETING_RECORD_PUBLISHED = (
        "meeting_record.published",
        _("the record of a hearing's meeting (minutes, recording) was published"),
    )
    CONCLUSION_PUBLISHED = "conclusion.published", _("a discussion's conclusion was published")


# What a subscriber (a person) may hear of: what the public pages show as it happens. A
# forwarding between organizations is the organizations' own business.
PUBLIC_EVENTS = [event for event in WebhookEvent if event != WebhookEvent.APPEAL_FORWARDED]


class WebhookSubscription(models.Model):
    """An HTTPS endpoint of the organization that hears of its events, signed per Standard
    Webhooks with `secret`; after a rotation the previous secret signs too until it expires."""

    # Its owner: an organization (its own events) or a person, a subscriber who hears of the
    # public events only, of `territory` and the territories inside it (all, without one).
    organization = models.ForeignKey(
        "organizations.Organization",
        models.PROTECT,
        related_name="webhooks",
        verbose_name=_("organization"),
        null=True,
        blank=True,
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="webhooks",
        verbose_name=_("subscriber"),
        null=True,
        blank=True,
    )
    territory = models.ForeignKey(
        "territories.Territory",
        models.CASCADE,
        related_name="+",
        verbose_name=_("territory"),
        null=True,
        blank=True,
    )
    url = models.CharField(_("endpoint"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=100)
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    # The first failed attempt since the endpoint last took a delivery; none while it works.
    failing_since = models.DateTimeField(null=True, blank=True)
    # Paused after failing for VECHE_WEBHOOK_PAUSE_AFTER_DAYS: nothing is sent to it, what
    # happens meanwhile is held and sent when its owner resumes it (`webhooks.resume`).
    paused_at = models.DateTimeField(_("paused"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False, person__isnull=True)
                | models.Q(organization__isnull=True, person__isnull=False),
                name="webhook_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        labels = dict(WebhookEvent.choices)
        return [str(labels.get(event, event)) for event in self.events]


class WebhookDelivery(models.Model):
    """One event for one endpoint: the message as signed (its id stays the same across retries
    and replays, so the receiver can drop a repeat) and the outcome of the last attempt. It is
    carried by the outbox (kind "api.webhook"), which holds its state and retries."""

    # The last error of one held while its endpoint is paused (`webhooks.resume` sends it).
    HELD = "held: the endpoint is paused"

    subscription = models.ForeignKey(WebhookSubscription, models.CASCADE, related_name="deliveries")
    message_id = models.CharField(max_length=60, unique=True)
    event_type = models.CharField(max_length=40)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subscription", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} {self.message_id}"


class Open311Key(models.Model):
    """A key a resident gives an app (an Open311 GeoReport v2 client) to file problems in their
    name. The app acts as that resident and nothing more: the same eligibility, screening and
    rate limits as the web form. The key is shown once and kept only as its SHA-256 hash;
    revoking it stops the app at once, and the row stays as the record of what it did."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="open311_keys")
    name = models.CharField(_("app"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("key begins with"), max_length=16)
    created_at = models.DateTimeField(_("issued"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 key")
        verbose_name_plural = _("Open311 keys")
        ordering = ["revoked_at", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def channel(self) -> str:
        """How the audit log names it."""
        return f"open311-key:{self.pk}"
