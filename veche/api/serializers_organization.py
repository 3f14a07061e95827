"""What an organization's system reads of the appeals addressed to it: the addressee's full
copy (59-FZ), with every co-applicant's name, postal address and e-mail; and what it sends."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework import serializers

from veche.api.serializers import AnswerSerializer, OverdueField, _absolute
from veche.appeals.models import Answer, Appeal
from veche.appeals.policy import check_forwarding_target, check_registration_day
from veche.organizations.queries import public_organizations


class InboxAppealSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    problem = serializers.IntegerField(source="problem_id")
    title = serializers.CharField(source="problem.title")
    status = serializers.ChoiceField(choices=Appeal.Status.choices)
    sent_at = serializers.DateTimeField(allow_null=True)
    registration_number = serializers.CharField()
    registered_at = serializers.DateTimeField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    extended = serializers.BooleanField()
    overdue = OverdueField()
    signature_count = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, appeal) -> str:
        return _absolute(self.context, reverse("api:inbox_appeal", args=[appeal.pk]))


class ApplicantSerializer(serializers.Serializer):
    """A co-applicant as the addressee receives them (59-FZ), taken when they signed."""

    name = serializers.CharField()
    postal_address = serializers.CharField()
    email = serializers.CharField()
    signed_at = serializers.DateTimeField(allow_null=True)
    revision = serializers.IntegerField(allow_null=True)


class AppealCopySerializer(InboxAppealSerializer):
    """The full copy of an appeal: its text, the problem, and every applicant."""

    description = serializers.CharField(source="problem.description")
    address = serializers.CharField(source="problem.address")
    territory = serializers.CharField(source="problem.territory.code")
    category = serializers.CharField(source="problem.category.slug")
    revision = serializers.IntegerField(source="copy_revision.number")
    text = serializers.CharField(source="copy_revision.text")
    author = ApplicantSerializer(source="copy_author")
    signatories = ApplicantSerializer(many=True, source="copy_signatories")
    previous = serializers.IntegerField(source="previous_id", allow_null=True)
    answers = AnswerSerializer(many=True, source="answers.all")
    document_url = serializers.SerializerMethodField()

    def get_document_url(self, appeal) -> str:
        return _absolute(self.context, reverse("api:inbox_document", args=[appeal.pk]))


class RegisterSerializer(serializers.Serializer):
    registration_number = serializers.CharField(
        max_length=64, help_text="As in the organization's register of incoming correspondence."
    )
    registered_on = serializers.DateField(
        required=False,
        help_text=(
            "The day of registration, from the day the appeal arrived to today; today when left "
            "out. The due date counts from it."
        ),
    )

    def validate_registered_on(self, value):
        """Checked as the cabinet and the service check it (`check_registration_day`)."""
        view = self.context.get("view")
        appeal = Appeal.objects.filter(pk=view.kwargs.get("pk")).first() if view else None
        if appeal is not None:
            try:
                check_registration_day(appeal, value)
            except ValidationError as error:
                raise serializers.ValidationError(error.messages) from error
        return value


class AnswerInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[Answer.Kind.INTERIM, Answer.Kind.FINAL])
    text = serializers.CharField(max_length=20000)
    on_letterhead = serializers.BooleanField(default=False)
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=20
    )


class ExtensionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=20000)


class ForwardSerializer(serializers.Serializer):
    organization = serializers.SlugField(
        help_text=(
            "The competent organization's slug: one of the kinds appeals are forwarded to "
            "(`VECHE_FORWARDING_KINDS`: by default a public authority or a municipal company)."
        )
    )
    reason = serializers.CharField(max_length=20000)

    def validate_organization(self, slug):
        """An organization of another kind is refused here, as the cabinet does not offer it
        (the service refuses it too); an unknown one is left to the view."""
        target = public_organizations().filter(slug=slug).first()
        if target is not None:
            try:
                check_forwarding_target(target)
            except ValidationError as error:
                raise serializers.ValidationError(error.messages) from error
        return slug


class ForwardedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Appeal.Status.choices)
    organization = serializers.CharField(source="organization.slug")


class OrganizerSubmissionSerializer(serializers.Serializer):
    """A submission as its organizer's officials hold it: with the participant's identification
    data taken when it was registered (for the protocol's annex, never published)."""

    number = serializers.IntegerField()
    registration_number = serializers.CharField()
    kind = serializers.CharField()
    text = serializers.CharField()
    channel = serializers.CharField()
    basis = serializers.CharField()
    as_legal_entity = serializers.BooleanField()
    participant_number = serializers.IntegerField(allow_null=True)
    participant = serializers.DictField()
    created_at = serializers.DateTimeField()
    hidden = serializers.SerializerMethodField()
    recommendation = serializers.CharField()
    recommendation_reason = serializers.CharField()

    def get_hidden(self, submission) -> bool:
        return submission.hidden_at is not None
