"""A discussion: its stages, schedule, eligibility and sign-offs, and the changes of its
schedule."""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("%(zone)s is not a time zone."), params={"zone": value}) from None


def default_time_zone() -> str:
    return settings.TIME_ZONE


def default_meeting_length() -> int:
    return settings.VECHE_MEETING_MINUTES


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
    # When it was called off: an advisory question closed before keeps its published results.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)

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
    # A hearing's meeting online (docs/hearings.md): remarks are taken while it lasts; the
    # broadcast is embedded only from a site an operator listed (BroadcastOrigin).
    meeting_length = models.PositiveSmallIntegerField(
        _("meeting length, minutes"),
        default=default_meeting_length,
        validators=[MinValueValidator(15), MaxValueValidator(24 * 60)],
    )
    broadcast_url = models.CharField(_("broadcast link"), max_length=500, blank=True)
    recording_url = models.CharField(_("recording link"), max_length=500, blank=True)
    meeting_minutes = models.TextField(
        _("minutes of the meeting"), blank=True, help_text=_("Markdown.")
    )
    meeting_record_published_at = models.DateTimeField(
        _("record of the meeting published"), null=True, blank=True
    )

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

    @property
    def zone_label(self) -> str:
        """The time zone as a resident reads it: its name with today's offset from UTC,
        "Europe/Moscow (UTC+3)", "Asia/Kolkata (UTC+5:30)"."""
        offset = timezone.now().astimezone(self.zone).utcoffset() or datetime.timedelta()
        minutes = int(offset.total_seconds()) // 60
        sign, minutes = ("+" if minutes >= 0 else "−"), abs(minutes)
        hours = f"{minutes // 60}:{minutes % 60:02d}" if minutes % 60 else str(minutes // 60)
        return f"{self.time_zone} (UTC{sign}{hours})"

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
        from veche.discussions.models.submissions import Submission  # it names its discussion

        kinds = []
        if self.intake_open_at(moment):
            kinds += [Submission.Kind.PROPOSAL, Submission.Kind.REMARK]
        if self.questions_open_at(moment):
            kinds.append(Submission.Kind.QUESTION)
        return kinds

    # --- The meeting of participants (a hearing's) -------------------------------------------

    @property
    def meeting_end(self) -> datetime.datetime | None:
        if self.meeting_at is None:
            return None
        return self.meeting_at + datetime.timedelta(minutes=self.meeting_length)

    def meeting_open_at(self, moment: datetime.datetime | None = None) -> bool:
        """Remarks are taken online while the meeting lasts, and only while the hearing runs."""
        moment = moment or timezone.now()
        return (
            self.kind == self.Kind.HEARING
            and self.meeting_at is not None
            and self.status == self.Status.PUBLISHED
            and not self.protocol_signed_at
            and self.meeting_at <= moment < self.meeting_end
        )

    def meeting_over_at(self, moment: datetime.datetime | None = None) -> bool:
        return self.meeting_at is not None and (moment or timezone.now()) >= self.meeting_end

    @property
    def registration_prefix(self) -> str:
        return f"{self.pk}"


class ScheduleChange(models.Model):
    """A date moved by the organizer, with the public reason (kept forever)."""

    discussion = models.ForeignKey(Discussion, models.CASCADE, related_name="schedule_changes")
    field = models.CharField(_("date"), max_length=32)
    old_value = models.CharField(_("was"), max_length=300)  # a date, or the meeting's place
    new_value = models.CharField(_("now"), max_length=300)
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
