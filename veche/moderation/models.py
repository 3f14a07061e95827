"""Complaints about content, and what moderators did about them."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veche.identity.models import Level


class ComplaintQuerySet(models.QuerySet):
    def about(self, item) -> "ComplaintQuerySet":
        return self.filter(content_type=ContentType.objects.get_for_model(item), object_id=item.pk)


class Complaint(models.Model):
    """A person's complaint about one item of a kind registered in `moderation.registry`."""

    class Reason(models.TextChoices):
        ABUSE = "abuse", _("insults or obscene language")
        THREATS = "threats", _("threats")
        SPAM = "spam", _("spam or advertising")
        PERSONAL_DATA = "personal_data", _("someone's personal data")
        OFF_TOPIC = "off_topic", _("off topic")
        OTHER = "other", _("something else")

    class Status(models.TextChoices):
        OPEN = "open", _("awaiting a moderator")
        UPHELD = "upheld", _("content hidden")
        DISMISSED = "dismissed", _("dismissed")

    # What the complaint is about: any registered kind, read through the registry.
    content_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    details = models.TextField(_("details"), max_length=1000, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at"]
        constraints = [
            # One person reports one item once; the target's columns first, so the same index
            # finds all complaints about an item.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "reporter"], name="one_complaint_per_person"
            )
        ]

    def __str__(self) -> str:
        # get_for_id is cached: a list of complaints asks the database once.
        about = ContentType.objects.get_for_id(self.content_type_id).model
        return f"{self.get_reason_display()} — {about} {self.object_id}"

    @property
    def ground(self) -> str:
        """The published ground the reporter's reason points to, or "" (something else)."""
        return REASON_GROUNDS.get(self.reason, "")


class Ground(models.TextChoices):
    """The published grounds on which content is hidden, a warning given or an account blocked
    (the rules page states them). The first three are those on which 59-FZ lets an authority
    leave an appeal unanswered or send it back; the rest are the platform's own rules."""

    OBSCENE = "obscene", _("obscene or offensive language")
    THREATS = "threats", _("threats to life, health or property")
    NOT_COMPETENT = "not_competent", _("not within the addressee's competence")
    SPAM = "spam", _("spam or advertising")
    PERSONAL_DATA = "personal_data", _("other people's personal data")
    OFF_TOPIC = "off_topic", _("off topic")


def ground_label(value: str) -> str:
    """A ground's published name in the active language; text kept from before the published
    list (an old hidden comment's reason) is given as it is."""
    return str(Ground(value).label) if value in Ground.values else value


class DecisionQuerySet(models.QuerySet):
    def about(self, item) -> "DecisionQuerySet":
        return self.filter(content_type=ContentType.objects.get_for_model(item), object_id=item.pk)

    def blocks_in_force(self, at=None) -> "DecisionQuerySet":
        at = at or timezone.now()
        return self.filter(action=Decision.Action.BLOCK, lifted_at__isnull=True).filter(
            models.Q(blocked_until__isnull=True) | models.Q(blocked_until__gt=at)
        )


class Decision(models.Model):
    """One act of a moderator: a report dismissed, content hidden or restored, an author warned
    or blocked. The author is told of every act against them, with its ground and the role that
    took it (never the moderator's name), and may contest it once."""

    class Action(models.TextChoices):
        DISMISS = "dismiss", _("report dismissed")
        HIDE = "hide", _("content hidden")
        RESTORE = "restore", _("content restored")
        WARN = "warn", _("author warned")
        BLOCK = "block", _("author blocked")
        LIFT = "lift", _("block lifted")
        # Pre-moderation of what an account below the required verification level publishes.
        APPROVE = "approve", _("publication approved")
        REFUSE = "refuse", _("publication refused")

    # Acts against an author, which they are told of and may contest.
    AGAINST_AUTHOR = (Action.HIDE, Action.WARN, Action.BLOCK, Action.REFUSE)
    # Acts for an author, which they are told of too.
    FOR_AUTHOR = (Action.LIFT, Action.APPROVE)

    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    ground = models.CharField(_("ground"), max_length=16, choices=Ground.choices, blank=True)
    note = models.TextField(_("explanation"), max_length=1000, blank=True)
    # The content the decision is about (any registered kind), and its text as it was then,
    # so that the author is told what was hidden whatever becomes of the item.
    content_type = models.ForeignKey(
        ContentType, models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    excerpt = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_decisions",
    )
    complaint = models.ForeignKey(
        Complaint, models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # A block: until this moment, or for good when empty; lifted early by a contest or a
    # moderator (a `lift` decision names the block it lifted in `lifts`).
    blocked_until = models.DateTimeField(_("blocked until"), null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifts = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("block")
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="decision_target"),
            models.Index(
                fields=["author"],
                condition=models.Q(action="block", lifted_at__isnull=True),
                name="decision_block_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.get_ground_display() or '—'})"

    @property
    def may_be_contested(self) -> bool:
        return self.action in self.AGAINST_AUTHOR


class Contest(models.Model):
    """The author's one objection to a decision against them; another moderator decides it."""

    class Outcome(models.TextChoices):
        PENDING = "", _("awaiting a second moderator")
        UPHELD = "upheld", _("decision upheld")
        REVERSED = "reversed", _("decision reversed")

    # One to one: a decision is contested once.
    decision = models.OneToOneField(Decision, models.CASCADE, related_name="contest")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    text = models.TextField(_("why the decision is wrong"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("contested decision")
        verbose_name_plural = _("contested decisions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.decision} — {self.get_outcome_display()}"


class Premoderation(models.Model):
    """A territory's own pre-moderation, overriding the site's (VECHE_PREMODERATION_BELOW_LEVEL)
    for it and every territory inside it that has none of its own: new problems from accounts
    below `below_level` wait for a moderator; none when it is empty."""

    territory = models.OneToOneField(
        "territories.Territory",
        models.CASCADE,
        related_name="+",
        verbose_name=_("territory"),
    )
    below_level = models.PositiveSmallIntegerField(
        _("pre-moderate accounts below"),
        choices=[(level, label) for level, label in Level.choices if level > Level.NONE],
        null=True,
        blank=True,
        help_text=_("Empty: no pre-moderation in this territory, whatever the site's setting."),
    )

    class Meta:
        verbose_name = _("pre-moderation of a territory")
        verbose_name_plural = _("pre-moderation of territories")

    def __str__(self) -> str:
        return str(self.territory)


REASON_GROUNDS = {
    Complaint.Reason.ABUSE: Ground.OBSCENE,
    Complaint.Reason.THREATS: Ground.THREATS,
    Complaint.Reason.SPAM: Ground.SPAM,
    Complaint.Reason.PERSONAL_DATA: Ground.PERSONAL_DATA,
    Complaint.Reason.OFF_TOPIC: Ground.OFF_TOPIC,
}
