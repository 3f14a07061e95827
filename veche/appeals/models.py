"""Problems and the collective appeals that carry them to an organization.

A resident publishes a problem; its appeal is a text with revisions that neighbours sign; at the
threshold the appeal is dispatched to the addressee, which registers and answers it; signatories
rate the final answer; the author closes it as solved or escalates it in a new appeal.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from veche.appeals.diff import percent
from veche.appeals.models_signatories import SignatureQuerySet
from veche.core.i18n import translate, validate_translations
from veche.core.models import OutboxMessage


class Category(models.Model):
    slug = models.SlugField(_("code"), unique=True)
    name = models.JSONField(_("name"), validators=[validate_translations])
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        # "categories" alone is also the categories of personal data (accounts).
        verbose_name_plural = pgettext_lazy("problems", "categories")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return translate(self.name)


class Responsibility(models.Model):
    """An organization answers for a category of problems in a territory (and inside it)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        models.CASCADE,
        related_name="responsibilities",
        verbose_name=_("organization"),
    )
    category = models.ForeignKey(
        Category, models.CASCADE, related_name="responsibilities", verbose_name=_("category")
    )
    territory = models.ForeignKey(
        "territories.Territory", models.CASCADE, related_name="+", verbose_name=_("territory")
    )

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "category", "territory"], name="responsibility_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.category} — {self.territory}"


class AppealPolicy(models.Model):
    """An organization's own thresholds and deadlines; empty fields take the site's defaults."""

    organization = models.OneToOneField(
        "organizations.Organization", models.CASCADE, related_name="appeal_policy"
    )
    signature_threshold = models.PositiveIntegerField(
        _("signatures needed"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    answer_days = models.PositiveIntegerField(_("days to answer"), null=True, blank=True)
    extension_days = models.PositiveIntegerField(_("days of extension"), null=True, blank=True)
    rating_days = models.PositiveIntegerField(_("days to rate"), null=True, blank=True)
    forwarding_days = models.PositiveIntegerField(_("days to forward"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal policy")
        verbose_name_plural = _("appeal policies")

    def __str__(self) -> str:
        return str(self.organization)


class Problem(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        # Pre-moderation (`moderation.premoderation`): held until a moderator approves it, or
        # refused on a published ground; neither is public.
        AWAITING = "awaiting", _("awaiting moderation")
        REFUSED = "refused", _("refused publication")
        PUBLISHED = "published", _("published")
        SOLVED = "solved", _("solved")
        PARTLY_SOLVED = "partly_solved", _("partly solved")
        UNSOLVED = "unsolved", _("unsolved")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="problems", verbose_name=_("author")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=10000)
    category = models.ForeignKey(
        Category, models.PROTECT, related_name="problems", verbose_name=_("category")
    )
    territory = models.ForeignKey(
        "territories.Territory",
        models.PROTECT,
        related_name="problems",
        verbose_name=_("territory"),
    )
    address = models.CharField(_("address or place"), max_length=300, blank=True)
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # The appeal now in force (the latest after an escalation), kept for fast lists.
    current_appeal = models.ForeignKey(
        "Appeal", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=8, default="ru")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Hidden by a moderator on a published ground: its page shows a placeholder with the ground,
    # lists and search leave it out, and it takes no new signatures (those given stay).
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_reason = models.CharField(_("ground for hiding"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["territory", "status"]),
            # The public list's order: any page of it is read from this index, however deep.
            models.Index(
                fields=["-published_at", "-id"],
                condition=~Q(status="draft"),
                name="problem_public_newest",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("appeals:problem", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status not in UNPUBLISHED


# Problems nobody but their author (and moderators, for those held) sees.
UNPUBLISHED = (Problem.Status.DRAFT, Problem.Status.AWAITING, Problem.Status.REFUSED)


class ProblemPhoto(models.Model):
    problem = models.ForeignKey(Problem, models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="problems/%Y/%m/")
    description = models.CharField(_("description"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name


class Appeal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        COLLECTING = "collecting", _("collecting signatures")
        SENT = "sent", _("sent")
        REGISTERED = "registered", _("registered")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")
        ESCALATED = "escalated", _("escalated")

    class MissedDeadline(models.TextChoices):
        """The deadline an addressee let pass, for which the author escalated the appeal."""

        REGISTRATION = "registration", _("registration")
        ANSWER = "answer", _("answer")

    problem = models.ForeignKey(Problem, models.CASCADE, related_name="appeals")
    organization = models.ForeignKey(
        "organizations.Organization",
        models.PROTECT,
        related_name="appeals",
        verbose_name=_("addressee"),
    )
    previous = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="escalation",
        verbose_name=_("previous appeal"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    signature_threshold = models.PositiveIntegerField(_("signatures needed"))
    signature_count = models.PositiveIntegerField(_("signatures"), default=0)
    # The first revision whose signatures count (a change of substance moves it to itself): older
    # ones count, and go to the addressee, once confirmed (`Signature.objects.counted()`).
    signatures_from = models.PositiveIntegerField(
        _("signatures counted from revision"), default=1, db_default=1
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by_author = models.BooleanField(_("sent by the author"), default=False)
    # The signatures the addressee has received: the last number in the documents sent to it
    # (the appeal's register, then its supplementary lists). The next list numbers on from it.
    support_sent = models.PositiveIntegerField(_("signatures sent"), default=0)
    registration_number = models.CharField(_("registration number"), max_length=64, blank=True)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    due_date = models.DateField(_("answer due"), null=True, blank=True, db_index=True)
    extended = models.BooleanField(_("extended"), default=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    rating_until = models.DateTimeField(_("rating open until"), null=True, blank=True)
    answered_on_time = models.BooleanField(null=True, blank=True)
    under_control = models.BooleanField(_("under control"), default=False)
    outcome = models.CharField(
        _("outcome"),
        max_length=16,
        blank=True,
        choices=[
            (Problem.Status.SOLVED, _("solved")),
            (Problem.Status.PARTLY_SOLVED, _("partly solved")),
            (Problem.Status.UNSOLVED, _("unsolved")),
        ],
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    # Why an appeal left unanswered was escalated: the deadline its addressee missed, and the
    # last day of it. Empty when the author escalated after an answer.
    missed_deadline = models.CharField(
        _("missed deadline"), max_length=16, blank=True, choices=MissedDeadline.choices
    )
    missed_deadline_on = models.DateField(_("missed deadline was"), null=True, blank=True)
    # The notices about the appeal (their subject is a generic key): deleted with it, and found
    # by `Notification.objects.filter(appeal=…)`.
    notifications = GenericRelation(
        "notifications.Notification",
        content_type_field="subject_type",
        object_id_field="subject_id",
        related_query_name="appeal",
    )

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-id"]
        indexes = [models.Index(fields=["organization", "status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.problem.title} → {self.organization}"

    def get_absolute_url(self) -> str:
        return reverse("appeals:problem", args=[self.problem_id])

    @property
    def current_revision(self) -> "Revision | None":
        # As signing's query read it with the appeal (`queries.problem_to_sign`), until read again.
        return self.__dict__.get("_current_revision") or self.revisions.order_by("-number").first()

    def refresh_from_db(self, *args, **kwargs) -> None:
        self.__dict__.pop("_current_revision", None)
        super().refresh_from_db(*args, **kwargs)

    def is_overdue_on(self, day: datetime.date) -> bool:
        """`policy.overdue`: the one definition the lists, the league and the API share."""
        from veche.appeals.policy import overdue  # the policy reads this module

        return overdue(self, day) is not None

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    @property
    def rating_open(self) -> bool:
        """Signatories rate the final answer for the whole window (14 days by default): closing
        or escalating the appeal does not end it."""
        return (
            self.answered_at is not None
            and self.rating_until is not None
            and self.status in RATED_STATUSES
            and timezone.now() < self.rating_until
        )

    @property
    def takes_signatures(self) -> bool:
        """Signing goes on while the addressee has the appeal in hand, until the final answer;
        an appeal the author took to the addressee himself takes none after he sent it."""
        return self.status == self.Status.COLLECTING or (
            self.status in SUPPLEMENTED_STATUSES and not self.sent_by_author
        )

    def counts_revision(self, number: int) -> bool:
        """Whether a signature of revision `number` counts: one of a text since changed in
        substance awaits its signatory's confirmation."""
        return number >= self.signatures_from

    @property
    def resonant(self) -> bool:
        return self.signature_count >= settings.VECHE_RESONANT_SUPPORT

    @property
    def progress_percent(self) -> int:
        return min(100, round(100 * self.signature_count / max(self.signature_threshold, 1)))


# Sent and awaiting the final answer: signatures given now go to the addressee in supplementary
# lists.
SUPPLEMENTED_STATUSES = (Appeal.Status.SENT, Appeal.Status.REGISTERED)
# An answered appeal stays rated through its window whatever the author does with it meanwhile.
RATED_STATUSES = (Appeal.Status.ANSWERED, Appeal.Status.CLOSED, Appeal.Status.ESCALATED)


class Revision(models.Model):
    """One version of the appeal text. Revisions are never changed, only added."""

    appeal = models.ForeignKey(Appeal, models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    text = models.TextField(_("text of the appeal"), max_length=20000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    # A substantive change asks earlier signatories to confirm; a minor one keeps signatures.
    substantive = models.BooleanField(_("substantive change"), default=True)
    # The share of words changed from the revision before (`diff.changed_share`); empty for the
    # first revision and for those made before it was recorded.
    changed_share = models.FloatField(_("share of words changed"), null=True, blank=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "number"], name="revision_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} r{self.number}"

    @property
    def changed_percent(self) -> str | None:
        """The share of words it changed, as a percentage to show ("12.5")."""
        return None if self.changed_share is None else percent(self.changed_share)


class EditProposal(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting the author")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    appeal = models.ForeignKey(Appeal, models.CASCADE, related_name="edit_proposals")
    base_revision = models.ForeignKey(Revision, models.PROTECT, related_name="+")
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    text = models.TextField(_("proposed text"), max_length=20000)
    note = models.CharField(_("why"), max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    result_revision = models.ForeignKey(
        Revision, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"proposal {self.pk} on appeal {self.appeal_id}"


class Signature(models.Model):
    appeal = models.ForeignKey(Appeal, models.CASCADE, related_name="signatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="signatures")
    revision = models.ForeignKey(
        Revision, models.PROTECT, related_name="+", verbose_name=_("signed revision")
    )
    created_at = models.DateTimeField(_("signed"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # What the addressee receives about the co-applicant (59-FZ), taken when signing; private.
    full_name = models.CharField(max_length=300)
    postal_address = models.CharField(max_length=500, blank=True)
    email = models.EmailField(blank=True)
    basis = models.CharField(max_length=16, blank=True)
    # The keyed hash of the network (IPv4 /24, IPv6 /64) it was signed from, never the address;
    # emptied after VECHE_SOURCE_DAYS (`veche fraud_watch`). Empty: not signed through the site.
    source = models.CharField(_("source network"), max_length=16, blank=True)
    # Given after the appeal was sent: it reaches the addressee in a supplementary list.
    after_dispatch = models.BooleanField(_("given after the dispatch"), default=False)
    supplementary_list = models.ForeignKey(
        "SupplementaryList",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name=_("supplementary list"),
        db_index=False,
    )
    # Set with `withdrawn_at` when a moderator counts the signature out as fraudulent.
    invalidation = models.ForeignKey(
        "SignatureInvalidation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name=_("invalidation"),
        db_index=False,
    )

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appeal", "user"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_signature_per_person",
            ),
        ]
        indexes = [
            # The signatories of an appeal, page after page, in the order they signed.
            models.Index(
                fields=["appeal", "id"],
                condition=Q(withdrawn_at__isnull=True),
                name="signature_active_in_order",
            ),
            # Signatures of the last hours, by where they came from (the moderators' signals).
            models.Index(fields=["created_at"], name="signature_created"),
            # Empty for nearly every signature: indexed where set, not as a column of NULLs
            # written with each one (the fields say db_index=False).
            *(
                models.Index(fields=[field], condition=Q(**{f"{field}__isnull": False}), name=name)
                for field, name in (
                    ("supplementary_list", "signature_in_list"),
                    ("invalidation", "signature_invalidated"),
                )
            ),
        ]

    def __str__(self) -> str:
        return f"signature {self.pk} on appeal {self.appeal_id}"

    @property
    def addressee_name(self) -> str:
        """The co-applicant as the addressee's copy names them. A person who erased their
        account after the appeal was sent still counts, but under no name."""
        return self.full_name or str(_("Anonymous participant (account erased)"))


# The outbox kind of the letter that carries an appeal to its addressee.
DISPATCH_KIND = "appeals.dispatch"


class Dispatch(models.Model):
    """One delivery of the appeal to its addressee. The letter itself is an outbox message
    (kind `DISPATCH_KIND`, target this row), which holds its state, attempts and last error."""

    Status = OutboxMessage.State

    appeal = models.ForeignKey(
        Appeal, models.CASCADE, related_name="dispatches", verbose_name=_("appeal")
    )
    organization = models.ForeignKey(
        "organizations.Organization", models.PROTECT, related_name="+", verbose_name=_("addressee")
    )
    recipient = models.EmailField(_("recipient"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    revision = models.ForeignKey(
        Revision, models.PROTECT, related_name="+", verbose_name=_("revision")
    )

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["-created_at"]
        constraints = [
            # At most one automatic delivery per appeal and addressee.
            models.UniqueConstraint(
                fields=["appeal", "organization"], name="one_dispatch_per_addressee"
            ),
        ]

    def __str__(self) -> str:
        return str(_("dispatch %(number)s of appeal No. %(appeal)s")) % {
            "number": self.pk,
            "appeal": self.appeal_id,
        }

    @property
    def message(self) -> OutboxMessage | None:
        return OutboxMessage.objects.filter(kind=DISPATCH_KIND, target_id=self.pk).first()

    @property
    def status(self) -> str:
        message = self.message
        return message.state if message else self.Status.PENDING


class Answer(models.Model):
    class Kind(models.TextChoices):
        INTERIM = "interim", _("interim answer")
        EXTENSION = "extension", _("extension of the deadline")
        FORWARDING = "forwarding", _("forwarded to the competent organization")
        FINAL = "final", _("final answer")

    appeal = models.ForeignKey(Appeal, models.CASCADE, related_name="answers")
    organization = models.ForeignKey("organizations.Organization", models.PROTECT, related_name="+")
    official = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("text"), max_length=20000)
    created_at = models.DateTimeField(default=timezone.now)
    on_letterhead = models.BooleanField(_("on the organization's letterhead"), default=False)
    # Given after the period the law sets for it: so far, a forwarding after the forwarding days.
    late = models.BooleanField(_("late"), default=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on appeal {self.appeal_id}"


class AnswerAttachment(models.Model):
    answer = models.ForeignKey(Answer, models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="answers/%Y/%m/")
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class Rating(models.Model):
    appeal = models.ForeignKey(Appeal, models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appeal", "user"], name="one_rating_per_person"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.score} on appeal {self.appeal_id}"


class Message(models.Model):
    """Correspondence between the addressee's officials and the appeal's author, and the
    officials' messages to all its signatories (public on the problem's page when they say so)."""

    class Audience(models.TextChoices):
        AUTHOR = "author", _("the author")
        SIGNATORIES = "signatories", _("all signatories")

    appeal = models.ForeignKey(Appeal, models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    from_organization = models.BooleanField(default=False)
    audience = models.CharField(
        _("to"), max_length=16, choices=Audience.choices, default=Audience.AUTHOR
    )
    public = models.BooleanField(_("shown on the problem's page"), default=False)
    text = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"message {self.pk} on appeal {self.appeal_id}"


class ControlPeriod(models.Model):
    """A head kept the appeal under control from `taken_at` until `lifted_at` (open while
    empty): public, on the problem's page and its timeline. `Appeal.under_control` says whether
    a period is open, for the cabinet's lists."""

    appeal = models.ForeignKey(Appeal, models.CASCADE, related_name="control_periods")
    # The organization in whose name the head took control: the addressee or one above it.
    organization = models.ForeignKey(
        "organizations.Organization", models.PROTECT, related_name="+", verbose_name=_("by")
    )
    head = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    taken_at = models.DateTimeField(_("taken under control"), default=timezone.now)
    lifted_at = models.DateTimeField(_("control lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["taken_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appeal"],
                condition=Q(lifted_at__isnull=True),
                name="one_open_control_period_per_appeal",
            ),
        ]

    def __str__(self) -> str:
        return f"control of appeal {self.appeal_id} by {self.organization_id}"


# The rest of the app's models, in modules of their own (imported here so Django sees them).
from .models_comments import Comment, Follow  # noqa: E402, F401
from .models_signatories import (  # noqa: E402, F401
    FraudAlert,
    Participant,
    ParticipantCounter,
    SignatureInvalidation,
)
from .models_support import SUPPLEMENTARY_KIND, SupplementaryList  # noqa: E402, F401
from .models_takeups import TAKE_UP_KIND, TakeUp  # noqa: E402, F401
