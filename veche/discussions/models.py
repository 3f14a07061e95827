"""Public discussions and public hearings of projects (Town Planning Code art. 5.1).

An organizer puts a project forward with its documents and a schedule; the stages (announced →
exposition → intake → review) follow from the schedule's dates in the discussion's time zone, so
no job has to flip a flag on time; the protocol and the conclusion are signed off by the organizer.
Eligible participants send submissions (proposal, remark, question), each registered with a
number and a snapshot of the participant's identification data; the organizer gives each a
reasoned recommendation; progress on the decision is recorded afterwards.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veche.discussions.wording import Wording


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("%(zone)s is not a time zone."), params={"zone": value}) from None


def default_time_zone() -> str:
    return settings.TIME_ZONE


class Stage(models.TextChoices):
    """Where a discussion stands. Derived from the schedule and the sign-offs, never stored."""

    DRAFT = "draft", _("draft")
    SCHEDULED = "scheduled", _("scheduled")
    ANNOUNCED = "announced", _("announced")
    EXPOSITION = "exposition", _("exposition")
    INTAKE = "intake", _("intake of submissions")
    REVIEW = "review", _("review of submissions")
    PROTOCOL = "protocol", _("protocol signed")
    CONCLUSION = "conclusion", _("conclusion published")
    ARCHIVE = "archive", _("archive")
    CANCELLED = "cancelled", _("cancelled")


class Discussion(models.Model):
    class Kind(models.TextChoices):
        DISCUSSION = "discussion", _("public discussion")
        HEARING = "hearing", _("public hearing")

    class Subject(models.TextChoices):
        GENERAL_PLAN = "general_plan", _("general plan or its amendment")
        LAND_USE_RULES = "land_use_rules", _("land use and development rules")
        PLANNING_PROJECT = "planning_project", _("territory planning or land surveying project")
        IMPROVEMENT_RULES = "improvement_rules", _("improvement rules")
        CONDITIONAL_USE = "conditional_use", _("permit for a conditionally permitted use")
        DEVIATION = "deviation", _("permit to deviate from limit building parameters")
        OTHER = "other", _("other public question")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")

    kind = models.CharField(_("form"), max_length=16, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=24, choices=Subject.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), help_text=_("Markdown."))
    territory = models.ForeignKey(
        "territories.Territory",
        models.PROTECT,
        related_name="discussions",
        verbose_name=_("territory concerned"),
    )
    organizer = models.ForeignKey(
        "organizations.Organization",
        models.PROTECT,
        related_name="discussions",
        verbose_name=_("organizer"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    experts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="expert_discussions"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    # The schedule: calendar days in the discussion's time zone, each end day inclusive.
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    notice_date = models.DateField(_("notice published on"))
    exposition_start = models.DateField(_("exposition opens on"))
    exposition_end = models.DateField(_("exposition closes on"))
    intake_start = models.DateField(_("intake of submissions opens on"))
    intake_end = models.DateField(_("intake of submissions closes on"))
    protocol_due = models.DateField(_("protocol due on"))
    conclusion_due = models.DateField(_("conclusion due on"))
    exposition_place = models.CharField(_("exposition place"), max_length=300, blank=True)
    exposition_hours = models.CharField(_("visiting days and hours"), max_length=300, blank=True)
    meeting_at = models.DateTimeField(_("meeting of participants"), null=True, blank=True)
    meeting_place = models.CharField(_("meeting place"), max_length=300, blank=True)

    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Set by the notice job when the followers of the territory were told; never twice.
    notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    protocol_signed_at = models.DateTimeField(_("protocol signed"), null=True, blank=True)
    protocol_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    protocol_code = models.CharField(_("protocol verification code"), max_length=32, blank=True)
    # The signed and the published PDF exactly as issued: what was published never changes, even
    # when a participant later withdraws consent to publish their name or data are erased.
    protocol_file = models.FileField(upload_to="discussions/records/", blank=True, editable=False)
    conclusion_published_at = models.DateTimeField(_("conclusion published"), null=True, blank=True)
    conclusion_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    conclusion_code = models.CharField(_("conclusion verification code"), max_length=32, blank=True)
    conclusion_file = models.FileField(upload_to="discussions/records/", blank=True, editable=False)
    conclusion_text = models.TextField(
        _("overall conclusions"),
        blank=True,
        help_text=_("The organizer's reasoned overall conclusions; part of the conclusion."),
    )
    progress_percent = models.PositiveSmallIntegerField(
        _("implementation, %"), default=0, validators=[MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")
        ordering = ["-exposition_start", "-id"]
        indexes = [
            models.Index(fields=["status", "exposition_start"], name="discussion_listing"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("discussions:detail", args=[self.pk])

    # --- The clock --------------------------------------------------------------------------

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def starts(self, day: datetime.date) -> datetime.datetime:
        """The first instant of `day` in the discussion's time zone."""
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=self.zone)

    def ends(self, day: datetime.date) -> datetime.datetime:
        """The first instant after `day` (an end day is inclusive)."""
        return self.starts(day + datetime.timedelta(days=1))

    def local_date(self, moment: datetime.datetime | None = None) -> datetime.date:
        return (moment or timezone.now()).astimezone(self.zone).date()

    def stage_at(self, moment: datetime.datetime | None = None) -> str:
        moment = moment or timezone.now()
        if self.status == self.Status.CANCELLED:
            return Stage.CANCELLED
        if self.status == self.Status.DRAFT:
            return Stage.DRAFT
        if self.conclusion_published_at:
            archive_from = self.conclusion_published_at + datetime.timedelta(
                days=settings.VECHE_DISCUSSION_ARCHIVE_DAYS
            )
            return Stage.ARCHIVE if moment >= archive_from else Stage.CONCLUSION
        if self.protocol_signed_at:
            return Stage.PROTOCOL
        if moment < self.starts(self.notice_date):
            return Stage.SCHEDULED
        if moment < self.starts(self.exposition_start):
            return Stage.ANNOUNCED
        if moment < self.starts(self.intake_start):
            return Stage.EXPOSITION
        if moment < self.ends(self.intake_end):
            return Stage.INTAKE
        return Stage.REVIEW

    @property
    def stage(self) -> str:
        return self.stage_at()

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label

    @property
    def is_public(self) -> bool:
        stage = self.stage
        if stage == Stage.CANCELLED:
            # A draft called off was never published: it stays the organizer's (as in the archive).
            return self.published_at is not None
        return stage not in (Stage.DRAFT, Stage.SCHEDULED)

    def intake_open_at(self, moment: datetime.datetime | None = None) -> bool:
        return self.stage_at(moment) == Stage.INTAKE

    def questions_open_at(self, moment: datetime.datetime | None = None) -> bool:
        """Experts take questions through the exposition and the intake."""
        return self.stage_at(moment) in (Stage.EXPOSITION, Stage.INTAKE)

    def open_kinds(self, moment: datetime.datetime | None = None) -> list[str]:
        """The kinds of submission taken at `moment`: questions through the exposition and the
        intake, proposals and remarks during the intake."""
        kinds = []
        if self.intake_open_at(moment):
            kinds += [Submission.Kind.PROPOSAL, Submission.Kind.REMARK]
        if self.questions_open_at(moment):
            kinds.append(Submission.Kind.QUESTION)
        return kinds

    @property
    def registration_prefix(self) -> str:
        return f"{self.pk}"


class ScheduleChange(models.Model):
    """A date moved by the organizer, with the public reason (kept forever)."""

    discussion = models.ForeignKey(Discussion, models.CASCADE, related_name="schedule_changes")
    field = models.CharField(_("date"), max_length=32)
    old_value = models.CharField(_("was"), max_length=40)
    new_value = models.CharField(_("now"), max_length=40)
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("change of schedule")
        verbose_name_plural = _("changes of schedule")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"

    @property
    def field_label(self) -> str:
        return Discussion._meta.get_field(self.field).verbose_name


class Material(models.Model):
    """One document of the project on display (drawing, explanatory note…), with its versions."""

    discussion = models.ForeignKey(Discussion, models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("project material")
        verbose_name_plural = _("project materials")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def current(self) -> "MaterialVersion | None":
        versions = getattr(self, "_prefetched_objects_cache", {}).get("versions")
        if versions is not None:
            return max(versions, key=lambda v: v.number, default=None)
        return self.versions.order_by("-number").first()


def material_path(instance: "MaterialVersion", filename: str) -> str:
    # The stored name never comes from the uploader: only the checked extension does.
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        instance.content_type, "bin"
    )
    return (
        f"discussions/{instance.material.discussion_id}/{instance.material_id}/"
        f"v{instance.number}-{instance.sha256[:16]}.{extension}"
    )


class MaterialVersion(models.Model):
    material = models.ForeignKey(Material, models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=material_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=64)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("version of a material")
        verbose_name_plural = _("versions of materials")
        ordering = ["material", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["material", "number"], name="material_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.material} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("discussions:material_file", args=[self.pk])


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
    def public_author(self) -> str:
        """As docs/rules.md allows: a name only with the consent to publication."""
        if self.as_legal_entity:
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


class Milestone(models.Model):
    """A step of implementing the decision, on the discussion or on one accepted proposal."""

    discussion = models.ForeignKey(Discussion, models.CASCADE, related_name="milestones")
    submission = models.ForeignKey(
        Submission, models.CASCADE, null=True, blank=True, related_name="milestones"
    )
    title = models.CharField(_("what was done"), max_length=300)
    percent = models.PositiveSmallIntegerField(_("done, %"), validators=[MaxValueValidator(100)])
    note = models.TextField(_("details"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.percent}%)"


class Application(models.Model):
    """A landowner or developer asks the authority to hold a discussion of its project."""

    class Status(models.TextChoices):
        PENDING = "pending", _("under consideration")
        ACCEPTED = "accepted", _("accepted")
        REFUSED = "refused", _("refused")

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="discussion_applications"
    )
    # The applicant's legal entity as verified at the time of applying.
    legal_entity = models.JSONField(_("applicant"), default=dict)
    organization = models.ForeignKey(
        "organizations.Organization",
        models.PROTECT,
        related_name="discussion_applications",
        verbose_name=_("authority"),
    )
    subject = models.CharField(_("subject"), max_length=24, choices=Discussion.Subject.choices)
    title = models.CharField(_("project"), max_length=300)
    description = models.TextField(_("description"))
    territory = models.ForeignKey(
        "territories.Territory", models.PROTECT, related_name="+", verbose_name=_("territory")
    )
    document = models.FileField(_("project documents"), upload_to="discussion-applications/%Y/")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    discussion = models.OneToOneField(
        Discussion, models.SET_NULL, null=True, blank=True, related_name="application"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("application for a discussion")
        verbose_name_plural = _("applications for discussions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Follow(models.Model):
    """A person follows one discussion, or every discussion in a territory (and inside it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="discussion_follows"
    )
    discussion = models.ForeignKey(
        Discussion, models.CASCADE, null=True, blank=True, related_name="follows"
    )
    territory = models.ForeignKey(
        "territories.Territory", models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=(Q(discussion__isnull=False) & Q(territory__isnull=True))
                | (Q(discussion__isnull=True) & Q(territory__isnull=False)),
                name="discussion_follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "discussion"],
                condition=Q(discussion__isnull=False),
                name="discussion_follow_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "territory"],
                condition=Q(territory__isnull=False),
                name="territory_follow_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.discussion_id or self.territory_id}"


def build_path(instance: "RecordBuild", filename: str) -> str:
    return f"discussions/{instance.discussion_id}/builds/{filename}"


class RecordBuild(models.Model):
    """A document of a discussion built in the background (a hearing's protocol can take
    minutes), with its progress for the organizer's page and the file it made.

    A worker claims a queued build with one conditional update that sets a lease, and renews the
    lease as parts are done; a build whose worker died is claimed again once its lease runs out.
    The signed protocol and the published conclusion are kept on the discussion, not here.
    """

    class Kind(models.TextChoices):
        PROTOCOL = "protocol", _("protocol")
        CONCLUSION = "conclusion", _("conclusion")
        DRAFT_PROTOCOL = "draft_protocol", _("draft protocol")
        ANNEX = "annex", _("annex: list of participants")
        PROTOCOL_DOCX = "protocol_docx", _("protocol for editing (DOCX)")
        CONCLUSION_DOCX = "conclusion_docx", _("conclusion for editing (DOCX)")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("being built")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    discussion = models.ForeignKey(Discussion, models.CASCADE, related_name="record_builds")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=build_path, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("document being built")
        verbose_name_plural = _("documents being built")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["discussion", "kind"],
                condition=Q(state__in=["queued", "running"]),
                name="one_build_of_a_kind_at_a_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.discussion_id} {self.kind} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, 100 * self.done // self.total) if self.total else 0
