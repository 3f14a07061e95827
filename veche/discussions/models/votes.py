"""Advisory votes and surveys of a discussion (docs/votes.md).

An organizer attaches questions to a discussion; eligible people answer them while they are open
(by default with the intake of submissions). Who voted (`Voter`) is stored apart from what was
chosen (`Ballot`): a ballot carries no person, no time and no sequential number; its key is an
HMAC of the voter and the question under a server key, so that the voter can change it until the
close while neither the organizer nor a reader of the database can tell whose it is."""

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .discussion import Discussion


class VoteQuestion(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("one answer")
        MULTIPLE = "multiple", _("several answers")
        SCALE = "scale", _("a scale")
        RANK = "rank", _("rank the options")

    discussion = models.ForeignKey(Discussion, models.CASCADE, related_name="vote_questions")
    position = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(_("kind of question"), max_length=8, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=500)
    note = models.TextField(_("explanation"), blank=True, max_length=2000)
    scale_min = models.SmallIntegerField(
        _("lowest mark"), default=1, validators=[MinValueValidator(-10), MaxValueValidator(10)]
    )
    scale_max = models.SmallIntegerField(
        _("highest mark"), default=5, validators=[MinValueValidator(-10), MaxValueValidator(10)]
    )
    scale_min_label = models.CharField(_("the lowest mark means"), max_length=100, blank=True)
    scale_max_label = models.CharField(_("the highest mark means"), max_length=100, blank=True)
    # Its own period, else the intake's (from the first instant of its first day to the end of
    # its last day, in the discussion's time zone).
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("advisory vote question")
        verbose_name_plural = _("advisory vote questions")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_min__lt=models.F("scale_max")), name="vote_scale_order"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def opens(self) -> datetime.datetime:
        return self.opens_at or self.discussion.starts(self.discussion.intake_start)

    @property
    def closes(self) -> datetime.datetime:
        return self.closes_at or self.discussion.ends(self.discussion.intake_end)

    @property
    def last_minute(self) -> datetime.datetime:
        """The last minute of the voting, as people read an end ("until 23:59")."""
        return self.closes - datetime.timedelta(minutes=1)

    def state_at(self, moment: datetime.datetime | None = None) -> str:
        """ "draft" (the discussion is not public), "waiting", "open", "closed" or "cancelled".
        A question that closed before its discussion was cancelled stays closed: its results
        were published and stay so (docs/votes.md)."""
        moment = moment or timezone.now()
        if self.discussion.status == Discussion.Status.CANCELLED:
            cancelled = self.discussion.cancelled_at
            closed_before = (
                self.discussion.published_at is not None
                and cancelled is not None
                and self.closes <= min(cancelled, moment)
            )
            return "closed" if closed_before else "cancelled"
        if self.discussion.status == Discussion.Status.DRAFT:
            return "draft"
        if moment < self.opens:
            return "waiting"
        return "open" if moment < self.closes else "closed"

    @property
    def state(self) -> str:
        return self.state_at()

    @property
    def scale_values(self) -> list[int]:
        return list(range(self.scale_min, self.scale_max + 1))

    @property
    def has_options(self) -> bool:
        return self.kind != self.Kind.SCALE


class VoteOption(models.Model):
    question = models.ForeignKey(VoteQuestion, models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(default=1)
    text = models.CharField(_("answer"), max_length=300)

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Voter(models.Model):
    """That a person voted on a question, and the facts of the turnout on the day of voting;
    never what they chose. One per person and question."""

    class Basis(models.TextChoices):
        RESIDENT = "resident", _("resident")
        OWNER = "owner", _("owner of property")
        OTHER = "other", _("other")

    question = models.ForeignKey(VoteQuestion, models.CASCADE, related_name="voters")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    basis = models.CharField(max_length=8, choices=Basis.choices, default=Basis.OTHER)
    # The part of the discussion's territory the person lived in on the day (one level down),
    # or the territory itself; none for an owner living elsewhere or no territory rule.
    area = models.ForeignKey(
        "territories.Territory", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    age_group = models.CharField(max_length=16, blank=True)
    # Set in the same transaction as the ballot is stored: a voter counted has a ballot.
    counted = models.BooleanField(default=False)
    voted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        constraints = [
            models.UniqueConstraint(fields=["question", "person"], name="one_voter_per_question"),
        ]

    def __str__(self) -> str:
        return f"voter of {self.question_id}"


class Ballot(models.Model):
    """What one voter chose on one question, and nothing about who or when: a random id (not a
    sequence that would follow the order of the voters) and the keyed hash of the voter."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    question = models.ForeignKey(VoteQuestion, models.CASCADE, related_name="ballots")
    key = models.CharField(max_length=64)
    # single/multiple: the chosen option ids; rank: the option ids from the first place down;
    # scale: [the mark].
    answer = models.JSONField(default=list)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="one_ballot_per_key"),
        ]

    def __str__(self) -> str:
        return f"ballot on {self.question_id}"
