"""The audit log: an append-only, hash-chained record of every consequential action.

Each event's hash covers its content and the previous event's hash, so changing or removing any
past event breaks every hash after it (`veche verify_audit` finds where). Writers only insert a
pending event; the sealer (`veche.core.audit.seal_pending`) gives it its place in the chain. Once
a day the head of the chain is published (`AuditHead`), so that a rewrite of the whole chain by
whoever holds the database is detected by anyone who kept an earlier head.
"""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The actor's id stays in the hashed content even after the account is erased.
    actor_ref = models.CharField(max_length=32, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Set by the sealer, all three together; an event without them is pending seal. The chain's
    # order is `sequence`, not `id`: an id taken earlier may commit later than a higher one.
    sequence = models.PositiveBigIntegerField(null=True, blank=True, unique=True)
    previous_hash = models.CharField(max_length=64, null=True, blank=True)
    # Not indexed: nothing looks an event up by its hash, and the sealer's UPDATE writes every
    # index of the row again (it changes `sequence`), so each index costs twice per event.
    hash = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def content(self) -> dict:
        return {
            "created_at": self.created_at.isoformat(),
            "actor": self.actor_ref,
            "action": self.action,
            "object": f"{self.object_type}:{self.object_id}",
            "data": self.data,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(
            self.content(), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
        )
        return hashlib.sha256(f"{self.previous_hash}\n{canonical}".encode()).hexdigest()

    @property
    def is_sealed(self) -> bool:
        return self.sequence is not None


class AuditHead(models.Model):
    """The head of the audit chain as published on one day: anyone who keeps a copy can later
    check that the chain still leads to the same hash at the same place."""

    day = models.DateField(_("day"), unique=True)
    sequence = models.PositiveBigIntegerField(_("last event"))
    hash = models.CharField(_("hash"), max_length=64)
    created_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("audit log head")
        verbose_name_plural = _("audit log heads")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day} #{self.sequence} {self.hash}"

    @property
    def events(self) -> int:
        # Sequences run from 1 without gaps, so the last one is also the count.
        return self.sequence


# --- Outbox -----------------------------------------------------------------------------------


class OutboxMessage(models.Model):
    """One letter to send later (an appeal's dispatch, a receipt, a notice): claimed by a worker
    with a lease, retried with back-off, reclaimed when the lease of a dead worker runs out.
    `veche.core.outbox` is the only code that changes its state."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("delivered to the mail server")
        FAILED = "failed", _("failed, will retry")
        GAVE_UP = "gave_up", _("failed")
        CANCELLED = "cancelled", _("not needed any more")

    # What to send: a kind registered by the app that owns it, and the id of its row there.
    kind = models.CharField(_("kind"), max_length=64)
    target_id = models.PositiveBigIntegerField()
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default="pending")
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Made once, when the message is stored: a resend after a crash is the same letter.
    message_id = models.CharField(_("Message-ID"), max_length=200, unique=True)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_id"], name="one_outbox_message_per_target"
            )
        ]
        # The sweeper's question: what is due, or held by a lease that ran out.
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.target_id} ({self.state})"


class RateLimit(models.Model):
    """How often one account, one address or one network may do an action: a burst window and
    a sustained window (UK e-petitions' rate-limit table, editable by operators). Counted in the
    cache (`veche.core.ratelimits`), never in the database."""

    class Action(models.TextChoices):
        SIGN = "sign", _("signing an appeal")
        PUBLISH = "publish", _("publishing a problem")
        COMMENT = "comment", _("commenting")
        RATE = "rate", _("rating an answer")
        SUBMIT = "submit", _("sending a proposal, remark or question")
        MARK = "mark", _("supporting or objecting to a submission")
        CENSUS = "census", _("checking oneself against the census lists")
        REPLAY = "replay", _("sending a webhook delivery again")

    class Scope(models.TextChoices):
        ACCOUNT = "account", _("per account")
        ADDRESS = "address", _("per IP address")
        NETWORK = "network", _("per network (IPv4 /24, IPv6 /64)")

    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    scope = models.CharField(_("counted"), max_length=16, choices=Scope.choices)
    burst_limit = models.PositiveIntegerField(_("burst: at most"))
    burst_seconds = models.PositiveIntegerField(_("burst: in seconds"))
    sustained_limit = models.PositiveIntegerField(_("sustained: at most"))
    sustained_seconds = models.PositiveIntegerField(_("sustained: in seconds"))
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("rate limit")
        verbose_name_plural = _("rate limits")
        ordering = ["action", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["action", "scope"], name="one_rate_limit_per_scope"),
            models.CheckConstraint(
                condition=models.Q(burst_limit__gte=1, sustained_limit__gte=1),
                name="rate_limit_allows_one",
            ),
            models.CheckConstraint(
                condition=models.Q(burst_seconds__gte=1, sustained_seconds__gte=1),
                name="rate_limit_window_of_a_second",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}, {self.get_scope_display()}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (
            self.burst_seconds
            and self.sustained_seconds
            and self.burst_seconds >= self.sustained_seconds
        ):
            raise ValidationError(
                {"sustained_seconds": _("The sustained window must be longer than the burst.")}
            )


class AllowedOrigin(models.Model):
    """A site (`https://host[:port]`, `veche.core.origins.parse_origin`) on an operator-managed
    list, with why it is there: the sites that may frame Veche's widgets (embeds) and the sites
    whose broadcasts a hearing's page may frame (discussions). `veche.core.origins.allow` and
    `disallow` change such a list."""

    origin = models.CharField(_("origin"), max_length=255, unique=True)
    reason = models.CharField(_("why"), max_length=300)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["origin"]

    def __str__(self) -> str:
        return self.origin
