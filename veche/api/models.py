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
