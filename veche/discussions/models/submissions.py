"""Submissions (proposals, remarks, questions) and the experts' answers."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veche.discussions.wording import Wording

from .discussion import Discussion
from .materials import Material

# An individual entrepreneur's OGRNIP has 15 digits, an organization's OGRN 13
# (veche/organizations/ogrn.py).
OGRNIP_LENGTH = 15


class Submission(models.Model):
    """A proposal, remark or question of one participant, registered with a number."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("proposal")
        REMARK = "remark", _("remark")
        QUESTION = "question", _("question to the experts")

    class Channel(models.TextChoices):
        SITE = "site", _("on the site")
        WRITING = "writing", _("in writing to the organizer")
        MEETING = "meeting", _("at the meeting of participants")
        MEETING_ONLINE = "meeting_online", _("online during the meeting of participants")
        VISITORS_BOOK = "visitors_book", _("in the exposition visitors' book")

    class Basis(models.TextChoices):
        RESIDENT = "resident", _("resident of the territory")
        OWNER = "owner", _("right holder of land, a building or premises in the territory")
        OTHER = "other", _("other participant")

    class Recommendation(models.TextChoices):
        ACCEPTED = "accepted", _("taken into account")
        PARTLY = "partly", _("partly taken into account")
        REJECTED = "rejected", _("not taken into account")
        UNRELIABLE = "unreliable", _("not considered: unreliable identity data")

    discussion = models.ForeignKey(Discussion, models.PROTECT, related_name="submissions")
    number = models.PositiveIntegerField(_("number"))
    registration_number = models.CharField(_("registration number"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("text"))
    material = models.ForeignKey(
        Material,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("about the document"),
    )
    page = models.PositiveIntegerField(_("page"), null=True, blank=True)
    # The participant: an account, or nobody for a paper submission of someone without one.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
    )
    as_legal_entity = models.BooleanField(_("on behalf of a legal entity"), default=False)
    # The participant's number within this discussion, the same for all their submissions: the
    # public sees "Participant No. 3" without consent to publish the name, and cannot link it
    # to the same person in another discussion (an account number would allow that).
    participant_number = models.PositiveIntegerField(_("participant number"), null=True)
    # The identification data when submitted (docs/rules.md): never shown to the public.
    participant = models.JSONField(_("identification data"), default=dict)
    basis = models.CharField(_("basis of participation"), max_length=16, choices=Basis.choices)
    channel = models.CharField(
        _("received"), max_length=16, choices=Channel.choices, default=Channel.SITE
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    recommendation = models.CharField(
        _("recommendation"), max_length=16, choices=Recommendation.choices, blank=True
    )
    recommendation_reason = models.TextField(_("reasons"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    progress_percent = models.PositiveSmallIntegerField(
        _("implementation, %"), default=0, validators=[MaxValueValidator(100)]
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)  # the moderator's ground
    # When the receipt e-mail went out (the letter itself is an outbox message).
    receipt_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["discussion", "number"]
        constraints = [
            models.UniqueConstraint(fields=["discussion", "number"], name="submission_number"),
        ]
        indexes = [
            models.Index(
                fields=["discussion"],
                condition=Q(recommendation=""),
                name="submission_unreviewed",
            ),
        ]

    def __str__(self) -> str:
        return self.registration_number

    def get_absolute_url(self) -> str:
        return reverse("discussions:submission", args=[self.pk])

    @property
    def is_resident(self) -> bool:
        return self.basis == self.Basis.RESIDENT

    @property
    def is_sole_trader(self) -> bool:
        """Sent for an individual entrepreneur (an OGRNIP has 15 digits, an organization's OGRN
        13): its name is a person's name, and is shown as a person's is."""
        ogrn = str(self.participant.get("ogrn", "")).strip()
        return self.as_legal_entity and len(ogrn) == OGRNIP_LENGTH

    @property
    def public_author(self) -> str:
        """As docs/rules.md allows: a name only with the consent to publication; an
        organization's by its name, a sole trader's as a person's."""
        if self.as_legal_entity and not self.is_sole_trader:
            return self.participant.get("legal_name", "")
        published = self.author.published_name if self.author is not None else ""
        numbered = _("Participant No. %(number)s") % {"number": self.participant_number}
        return published or str(numbered)

    @property
    def words(self) -> Wording:
        """The sentences that name it as what it is: "Your question is registered…"."""
        return Wording(self)

    @property
    def status_label(self) -> str:
        if self.recommendation:
            return self.get_recommendation_display()
        if self.kind == self.Kind.QUESTION and self.answers.exists():
            return _("answered")
        return self.words.awaiting


class ExpertAnswer(models.Model):
    submission = models.ForeignKey(Submission, models.CASCADE, related_name="answers")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    text = models.TextField(_("answer"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("expert's answer")
        verbose_name_plural = _("experts' answers")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.submission} ({self.created_at:%Y-%m-%d})"


# Sent by the participant themself from their verified account (not registered by an official).
ONLINE_CHANNELS = (Submission.Channel.SITE, Submission.Channel.MEETING_ONLINE)
