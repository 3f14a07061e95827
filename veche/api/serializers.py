"""What the public reads through the API: exactly what the public pages show. People appear
by the name they agreed to publish, else as a participant number; no e-mail, address, birth
date or identification data of a person is ever here."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from veche.appeals import participants
from veche.appeals.models import Answer, Appeal, Problem
from veche.appeals.policy import overdue
from veche.discussions.meeting import safe_link
from veche.discussions.models import Discussion, Submission


def _absolute(context, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class OverdueField(serializers.BooleanField):
    """Whether the addressee is late with the appeal now: the one definition
    (`veche.appeals.policy.overdue`), late for registration or for the answer."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, appeal) -> bool:
        return overdue(appeal) is not None


class TerritorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(source="title")
    names = serializers.DictField(source="name", child=serializers.CharField())
    kind = serializers.CharField()
    parent = serializers.CharField(source="parent.code", allow_null=True, default=None)
    depth = serializers.IntegerField()
    population = serializers.IntegerField(allow_null=True)
    oktmo = serializers.CharField()


class RatingSerializer(serializers.Serializer):
    """An organization's public rating, as the rating page shows it."""

    score = serializers.FloatField()
    ratings = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True)
    bayesian = serializers.FloatField()
    answered = serializers.IntegerField()
    on_time = serializers.IntegerField()
    on_time_share = serializers.FloatField()
    overdue_now = serializers.IntegerField()
    missed = serializers.IntegerField()
    forwarded_late = serializers.IntegerField(
        help_text="Appeals it forwarded to another organization late: a deadline missed."
    )
    answer_days = serializers.IntegerField(allow_null=True)


class OrganizationSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField(source="title")
    short_name = serializers.CharField(source="short_title")
    kind = serializers.CharField()
    parent = serializers.CharField(source="parent.slug", allow_null=True, default=None)
    postal_address = serializers.CharField()
    public_email = serializers.EmailField()
    phone = serializers.CharField()
    website = serializers.CharField()
    jurisdiction = serializers.SerializerMethodField()
    rating = RatingSerializer(source="score", allow_null=True, default=None)

    def get_jurisdiction(self, organization) -> list[str]:
        """Codes of the territories it serves."""
        return [territory.code for territory in organization.jurisdiction.all()]


class CategorySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField(source="title")
    names = serializers.DictField(source="name", child=serializers.CharField())


class AppealBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organization = serializers.CharField(source="organization.slug")
    status = serializers.ChoiceField(choices=Appeal.Status.choices)
    signature_count = serializers.IntegerField()
    signature_threshold = serializers.IntegerField()
    due_date = serializers.DateField(allow_null=True)
    overdue = OverdueField()


class ProblemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Problem.Status.choices)
    category = serializers.CharField(source="category.slug")
    territory = serializers.CharField(source="territory.code")
    address = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    published_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    appeal = AppealBriefSerializer(source="current_appeal", allow_null=True)

    def get_url(self, problem) -> str:
        return _absolute(self.context, problem.get_absolute_url())


class ProblemDetailSerializer(ProblemSerializer):
    description = serializers.CharField()
    author = serializers.SerializerMethodField()
    appeals = serializers.SerializerMethodField()

    def get_author(self, problem) -> str:
        """As the problem's page names the author: the published name, else their number here."""
        return participants.public_name(problem.author, getattr(problem, "author_number", None))

    def get_appeals(self, problem) -> list[int]:
        """The problem's appeals, oldest first (an escalation adds one)."""
        return [appeal.pk for appeal in problem.appeals.order_by("id")]


class RevisionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    text = serializers.CharField()
    note = serializers.CharField()
    substantive = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class AttachmentSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        return _absolute(self.context, reverse("appeals:answer_attachment", args=[attachment.pk]))


class AnswerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Answer.Kind.choices)
    organization = serializers.CharField(source="organization.slug")
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    late = serializers.BooleanField()
    attachments = AttachmentSerializer(many=True, source="attachments.all")
    document_url = serializers.SerializerMethodField()

    def get_document_url(self, answer) -> str | None:
        if answer.kind not in (Answer.Kind.FINAL, Answer.Kind.INTERIM):
            return None
        return _absolute(self.context, reverse("appeals:answer_pdf", args=[answer.pk]))


class TimelineEventSerializer(serializers.Serializer):
    """An answer, a public message of the addressee to the signatories, an organization taking
    the problem up with a letter to the addressee, control taken or lifted by a head, or a
    supplementary list of later signatures sent to the addressee."""

    kind = serializers.ChoiceField(
        choices=[
            "answer",
            "message",
            "taken_up",
            "control_taken",
            "control_lifted",
            "supplementary_list",
        ]
    )
    at = serializers.DateTimeField()
    answer = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()
    organization = serializers.SerializerMethodField()
    signatures = serializers.SerializerMethodField()
    letter_url = serializers.SerializerMethodField(
        help_text="The letter of an organization that took the problem up, as a PDF."
    )
    verification_url = serializers.SerializerMethodField(
        help_text="Where anyone checks the letter by its verification code."
    )

    @extend_schema_field(AnswerSerializer(allow_null=True))
    def get_answer(self, event):
        if event.kind != "answer":
            return None
        return AnswerSerializer(event.item, context=self.context).data

    def get_text(self, event) -> str | None:
        return event.item.text if event.kind == "message" else None

    def get_organization(self, event) -> str:
        return event.item.organization.slug if event.kind != "message" else ""

    def get_signatures(self, event) -> int | None:
        """How many signatures a supplementary list carried."""
        return event.item.count if event.kind == "supplementary_list" else None

    def get_letter_url(self, event) -> str | None:
        if event.kind != "taken_up":
            return None
        return _absolute(self.context, reverse("appeals:take_up_pdf", args=[event.item.pk]))

    def get_verification_url(self, event) -> str | None:
        if event.kind != "taken_up" or event.item.document is None:
            return None
        return _absolute(self.context, event.item.document.get_absolute_url())


class RatingSummarySerializer(serializers.Serializer):
    count = serializers.IntegerField(source="rating_count")
    average = serializers.FloatField(source="rating_average", allow_null=True)
    open_until = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_open_until(self, appeal):
        return appeal.rating_until.isoformat() if appeal.rating_open else None


class AppealSerializer(serializers.Serializer):
    """An appeal's public facts: its text in every revision, support, timeline, answers, rating."""

    id = serializers.IntegerField()
    problem = serializers.IntegerField(source="problem_id")
    organization = serializers.CharField(source="organization.slug")
    status = serializers.ChoiceField(choices=Appeal.Status.choices)
    previous = serializers.IntegerField(source="previous_id", allow_null=True)
    escalated_to = serializers.IntegerField(source="escalated_to.pk", allow_null=True, default=None)
    signature_count = serializers.IntegerField()
    signature_threshold = serializers.IntegerField()
    sent_at = serializers.DateTimeField(allow_null=True)
    registration_number = serializers.CharField()
    registered_at = serializers.DateTimeField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    extended = serializers.BooleanField()
    overdue = OverdueField()
    under_control = serializers.BooleanField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answered_on_time = serializers.BooleanField(allow_null=True)
    outcome = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    escalated_at = serializers.DateTimeField(allow_null=True)
    missed_deadline = serializers.CharField()
    missed_deadline_on = serializers.DateField(allow_null=True)
    revisions = RevisionSerializer(many=True, source="public_revisions")
    timeline = TimelineEventSerializer(many=True, source="events")
    rating = RatingSummarySerializer(source="*")
    document_url = serializers.SerializerMethodField()

    def get_document_url(self, appeal) -> str:
        return _absolute(self.context, reverse("appeals:appeal_pdf", args=[appeal.pk]))


class SignatorySerializer(serializers.Serializer):
    """A signatory as the public list shows them: the published name, or their participant
    number within the problem (never the account's id)."""

    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()
    signed_on = serializers.SerializerMethodField()
    revision = serializers.IntegerField(source="revision.number")

    def get_name(self, signature) -> str:
        """The published name, else "Participant No. N", N counted within the problem."""
        return participants.public_name(signature.user, getattr(signature, "number", None))

    @extend_schema_field(OpenApiTypes.DATE)
    def get_signed_on(self, signature):
        # The city's day, as the page shows it: between midnight and 03:00 in Moscow, the UTC
        # date is still the day before.
        return timezone.localdate(signature.created_at).isoformat()


class MaterialSerializer(serializers.Serializer):
    title = serializers.CharField()
    version = serializers.IntegerField(source="current.number", default=None)
    file_name = serializers.CharField(source="current.original_name", default="")
    size = serializers.IntegerField(source="current.size", default=None)
    sha256 = serializers.CharField(source="current.sha256", default="")
    url = serializers.SerializerMethodField()

    def get_url(self, material) -> str | None:
        current = material.current
        return _absolute(self.context, current.get_absolute_url()) if current else None


class DiscussionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=Discussion.Kind.choices)
    subject = serializers.ChoiceField(choices=Discussion.Subject.choices)
    stage = serializers.CharField()
    territory = serializers.CharField(source="territory.code")
    organizer = serializers.CharField(source="organizer.slug")
    notice_date = serializers.DateField()
    exposition_start = serializers.DateField()
    exposition_end = serializers.DateField()
    intake_start = serializers.DateField()
    intake_end = serializers.DateField()
    protocol_due = serializers.DateField()
    conclusion_due = serializers.DateField()
    cancel_reason = serializers.CharField()

    def get_url(self, discussion) -> str:
        return _absolute(self.context, discussion.get_absolute_url())


class RecordSerializer(serializers.Serializer):
    """A published protocol or conclusion: when, its verification code, and the document."""

    published_at = serializers.DateTimeField()
    code = serializers.CharField()
    url = serializers.CharField()


class MeetingRecordSerializer(serializers.Serializer):
    """A hearing's meeting as recorded by its organizer after it: minutes (Markdown) and the
    recording's link."""

    published_at = serializers.DateTimeField()
    minutes = serializers.CharField()
    recording_url = serializers.CharField()


class DiscussionDetailSerializer(DiscussionSerializer):
    description = serializers.CharField()
    time_zone = serializers.CharField()
    exposition_place = serializers.CharField()
    exposition_hours = serializers.CharField()
    meeting_at = serializers.DateTimeField(allow_null=True)
    meeting_place = serializers.CharField()
    meeting_end = serializers.DateTimeField(allow_null=True)
    broadcast_url = serializers.SerializerMethodField()
    meeting_record = serializers.SerializerMethodField()
    materials = MaterialSerializer(many=True, source="material_list")
    protocol = serializers.SerializerMethodField()
    conclusion = serializers.SerializerMethodField()
    conclusion_text = serializers.SerializerMethodField()
    progress_percent = serializers.IntegerField(allow_null=True)

    def _record(self, when, code: str, url_name: str, discussion) -> dict | None:
        if when is None:
            return None
        url = _absolute(self.context, reverse(f"discussions:{url_name}", args=[discussion.pk]))
        return {"published_at": when.isoformat(), "code": code, "url": url}

    @extend_schema_field(RecordSerializer(allow_null=True))
    def get_protocol(self, discussion):
        return self._record(
            discussion.protocol_signed_at, discussion.protocol_code, "protocol_pdf", discussion
        )

    @extend_schema_field(RecordSerializer(allow_null=True))
    def get_conclusion(self, discussion):
        return self._record(
            discussion.conclusion_published_at,
            discussion.conclusion_code,
            "conclusion_pdf",
            discussion,
        )

    def get_broadcast_url(self, discussion) -> str:
        return safe_link(discussion.broadcast_url)

    @extend_schema_field(MeetingRecordSerializer(allow_null=True))
    def get_meeting_record(self, discussion):
        if discussion.meeting_record_published_at is None:
            return None
        return {
            "published_at": discussion.meeting_record_published_at.isoformat(),
            "minutes": discussion.meeting_minutes,
            "recording_url": safe_link(discussion.recording_url),
        }

    def get_conclusion_text(self, discussion) -> str:
        return discussion.conclusion_text if discussion.conclusion_published_at else ""


class ExpertAnswerSerializer(serializers.Serializer):
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class SubmissionSerializer(serializers.Serializer):
    """A public submission: its number, text, the author as published, and the organizer's
    recommendation with its reasons. One a moderator hid keeps its number and recommendation (the
    law wants every submission recorded) with its text and the experts' answers left empty, as
    on its page and in the open data."""

    number = serializers.IntegerField()
    registration_number = serializers.CharField()
    kind = serializers.ChoiceField(choices=Submission.Kind.choices)
    hidden = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()
    author = serializers.CharField(source="public_author")
    resident = serializers.BooleanField(source="is_resident")
    created_at = serializers.DateTimeField()
    material = serializers.CharField(source="material.title", allow_null=True, default=None)
    page = serializers.IntegerField(allow_null=True)
    recommendation = serializers.CharField()
    recommendation_reason = serializers.CharField()
    progress_percent = serializers.IntegerField(allow_null=True)
    answers = serializers.SerializerMethodField()

    def get_hidden(self, submission) -> bool:
        return submission.hidden_at is not None

    def get_text(self, submission) -> str:
        return "" if submission.hidden_at else submission.text

    @extend_schema_field(ExpertAnswerSerializer(many=True))
    def get_answers(self, submission) -> list:
        if submission.hidden_at:
            return []
        return ExpertAnswerSerializer(submission.answers.all(), many=True).data


class DocumentSerializer(serializers.Serializer):
    """A document Veche issued, as its public verification page describes it."""

    code = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    language = serializers.CharField()
    issued_at = serializers.DateTimeField(source="created_at")
    sha256 = serializers.CharField()
    for_addressee = serializers.BooleanField()
    url = serializers.SerializerMethodField()

    def get_url(self, document) -> str:
        return _absolute(self.context, document.get_absolute_url())
