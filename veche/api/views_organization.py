"""The organization's side of appeals, for its own systems: the inbox with the full copies,
registering, answering, extending and forwarding. Each view asks the rules which appeal the
client may see and act on, exactly as the cabinet does, then calls the one service the cabinet
calls, inside `acting_through` so the audit row names the client."""

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from veche.api import serializers_organization as org
from veche.api.base import ApiView, ByNumber, Cursor
from veche.api.permissions import HasScope
from veche.api.serializers import AnswerSerializer
from veche.appeals import services
from veche.appeals.attachments import AttachmentsField
from veche.appeals.models import Answer, Appeal, Signature
from veche.core.audit import acting_through
from veche.discussions import records
from veche.discussions.queries_organizer import registered_discussion
from veche.organizations.queries import public_organizations

INBOX_READ = "inbox:read"
RECEIVED = (
    Appeal.Status.SENT,
    Appeal.Status.REGISTERED,
    Appeal.Status.ANSWERED,
    Appeal.Status.CLOSED,
    Appeal.Status.ESCALATED,
)


class OrganizationView(ApiView, GenericAPIView):
    permission_classes = [HasScope]
    pagination_class = None

    def appeal(self, pk: int, *, acting: bool = False) -> Appeal:
        """The appeal, if the client may see it (else 404, as to a stranger); acting on it
        needs the cabinet's gate too (else 403)."""
        appeal = get_object_or_404(
            Appeal.objects.select_related(
                "problem__territory", "problem__category", "problem__author", "organization"
            ),
            pk=pk,
        )
        user = self.request.user
        if not user.has_perm("cabinet.view_appeal", appeal):
            raise Http404
        if acting and not user.has_perm("cabinet.act_on_appeal", appeal):
            raise PermissionDenied(_("Only officials of the addressee act on this appeal."))
        return appeal

    def act(self, perform):
        """Run a service as the client's account, the audit naming the client."""
        with acting_through(self.request._request.api_client.channel):
            return perform()

    def given(self) -> dict:
        """The request's body, checked by the view's serializer (400 with errors by field)."""
        data = self.get_serializer(data=self.request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data

    def created(self, answer) -> Response:
        body = AnswerSerializer(answer, context={"request": self.request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class InboxFilter(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[(s, s) for s in RECEIVED],
        required=False,
        help_text="`sent`: new appeals awaiting registration.",
    )


class Inbox(OrganizationView):
    serializer_class = org.InboxAppealSerializer
    pagination_class = Cursor
    required_scopes = {"GET": INBOX_READ}

    @extend_schema(
        operation_id="inbox_list",
        parameters=[InboxFilter],
        responses=org.InboxAppealSerializer(many=True),
        summary="Appeals addressed to the organization, newest first",
    )
    def get(self, request):
        filters = InboxFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        client = request._request.api_client
        queryset = Appeal.objects.filter(
            organization=client.organization, status__in=RECEIVED
        ).select_related("problem")
        if filters.validated_data.get("status"):
            queryset = queryset.filter(status=filters.validated_data["status"])
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def _applicant(signature: Signature | None, user=None) -> dict:
    if signature is not None:
        return {
            "name": signature.addressee_name,
            "postal_address": signature.postal_address,
            "email": signature.email,
            "signed_at": signature.created_at,
            "revision": signature.revision.number,
        }
    return {
        "name": user.private_name,
        "postal_address": "",
        "email": user.email,
        "signed_at": None,
        "revision": None,
    }


class InboxAppeal(OrganizationView):
    serializer_class = org.AppealCopySerializer
    required_scopes = {"GET": INBOX_READ}

    @extend_schema(
        operation_id="inbox_appeal_get",
        summary="The full copy of an appeal, with every applicant's data (59-FZ)",
    )
    def get(self, request, pk: int):
        appeal = self.appeal(pk)
        if not request.user.has_perm("appeals.see_signatories_data", appeal):
            raise Http404
        signatures = list(
            # Counted ones (none awaiting the confirmation of a changed text), and of those
            # what the addressee received: the appeal's register and the supplementary lists
            # sent, not the signatures waiting for the next list.
            Signature.objects.filter(appeal=appeal)
            .counted()
            .exclude(after_dispatch=True, supplementary_list__isnull=True)
            .select_related("revision")
            .order_by("created_at", "id")
        )
        by_author = next((s for s in signatures if s.user_id == appeal.problem.author_id), None)
        appeal.copy_revision = appeal.current_revision
        appeal.copy_author = _applicant(by_author, appeal.problem.author)
        appeal.copy_signatories = [_applicant(signature) for signature in signatures]
        self.act(lambda: services.hand_out_full_copy(user=request.user, appeal=appeal, form="json"))
        return Response(self.get_serializer(appeal).data, headers={"Cache-Control": "private"})


class InboxDocument(OrganizationView):
    required_scopes = {"GET": INBOX_READ}

    @extend_schema(
        operation_id="inbox_appeal_document",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        summary="The full copy as the document (PDF) the addressee receives",
    )
    def get(self, request, pk: int):
        appeal = self.appeal(pk)
        if not request.user.has_perm("appeals.see_signatories_data", appeal):
            raise Http404
        # The same door as the web download: the permission asked again, the download audited.
        response = HttpResponse(
            self.act(lambda: services.full_copy(user=request.user, appeal=appeal)),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'attachment; filename="appeal-{appeal.pk}-full.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response


class Register(OrganizationView):
    serializer_class = org.RegisterSerializer
    required_scopes = {"POST": "appeals:register"}

    @extend_schema(
        operation_id="appeal_register",
        responses=org.InboxAppealSerializer,
        summary="Register the appeal under the organization's own number",
    )
    def post(self, request, pk: int):
        appeal = self.appeal(pk, acting=True)
        data = self.given()
        appeal = self.act(
            lambda: services.register_appeal(
                official=request.user,
                appeal=appeal,
                registration_number=data["registration_number"],
                registered_on=data.get("registered_on"),
            )
        )
        return Response(org.InboxAppealSerializer(appeal, context={"request": request}).data)


class Answers(OrganizationView):
    serializer_class = org.AnswerInputSerializer
    parser_classes = [MultiPartParser]
    required_scopes = {"POST": "appeals:answer"}

    @extend_schema(
        operation_id="appeal_answer",
        request={"multipart/form-data": org.AnswerInputSerializer},
        responses={201: AnswerSerializer},
        summary="Give an interim or the final answer, with attachments",
    )
    def post(self, request, pk: int):
        appeal = self.appeal(pk, acting=True)
        data = self.given()
        # The same checks of the files as the cabinet's form: kinds by content, sizes, metadata.
        attachments = AttachmentsField().clean(request.FILES.getlist("attachments"))
        answer = self.act(
            lambda: services.answer_appeal(
                official=request.user,
                appeal=appeal,
                kind=data["kind"],
                text=data["text"],
                attachments=attachments,
                on_letterhead=data["on_letterhead"],
            )
        )
        return self.created(answer)


class Extension(OrganizationView):
    serializer_class = org.ExtensionSerializer
    required_scopes = {"POST": "appeals:answer"}

    @extend_schema(
        operation_id="appeal_extend",
        responses={201: AnswerSerializer},
        summary="Extend the deadline once, with the reason",
    )
    def post(self, request, pk: int):
        appeal = self.appeal(pk, acting=True)
        data = self.given()
        answer = self.act(
            lambda: services.answer_appeal(
                official=request.user,
                appeal=appeal,
                kind=Answer.Kind.EXTENSION,
                text=data["reason"],
            )
        )
        return self.created(answer)


class Forward(OrganizationView):
    serializer_class = org.ForwardSerializer
    required_scopes = {"POST": "appeals:forward"}

    @extend_schema(
        operation_id="appeal_forward",
        responses={200: org.ForwardedSerializer, 422: OpenApiResponse(description="Refused")},
        summary="Forward the appeal to the competent organization, with the reason",
    )
    def post(self, request, pk: int):
        appeal = self.appeal(pk, acting=True)
        data = self.given()
        target = public_organizations().filter(slug=data["organization"]).first()
        if target is None:
            raise serializers.ValidationError({"organization": [_("No such organization.")]})
        appeal = self.act(
            lambda: services.forward_appeal(
                official=request.user,
                appeal=appeal,
                organization=target,
                reason=data["reason"],
            )
        )
        return Response(org.ForwardedSerializer(appeal).data)


class SubmissionWithoutIdentification(org.OrganizerSubmissionSerializer):
    """A submission as an official who registers paper submissions but does not manage the
    discussion receives it: everything but the participant's identification data, which go only
    to the discussion's organizers (as the annex to the protocol does)."""

    participant = serializers.SerializerMethodField()

    def get_participant(self, submission) -> dict:
        return {}


class OrganizerSubmissions(OrganizationView):
    serializer_class = org.OrganizerSubmissionSerializer
    pagination_class = ByNumber
    required_scopes = {"GET": "discussions:submissions:read"}

    @extend_schema(
        operation_id="organizer_submissions_list",
        responses=org.OrganizerSubmissionSerializer(many=True),
        summary="Every submission to a discussion the organization runs, with identification",
        description=(
            "`participant` (the identification data, for the protocol's annex) is filled in only "
            "for a client whose account may manage the discussion (an organizer of discussions "
            "or a head of the organization), and each page of it is an audit row; for an "
            "official it is an empty object."
        ),
    )
    def get(self, request, pk: int):
        discussion = registered_discussion(request.user, pk)
        # Asked as the hand-out asks it (the rules, not Django's "a superuser may anything").
        identified = rules.has_perm("discussions.manage_discussion", request.user, discussion)
        queryset = discussion.submissions.order_by("number")
        page = self.paginate_queryset(queryset)
        serializer = (
            org.OrganizerSubmissionSerializer if identified else SubmissionWithoutIdentification
        )
        data = serializer(page, many=True, context=self.get_serializer_context()).data
        if identified and page:
            # The same door as the annex's download: the permission asked again, audited.
            self.act(
                lambda: records.hand_out_identification(
                    user=request.user,
                    discussion=discussion,
                    document="submissions",
                    form="json",
                    numbers=[page[0].number, page[-1].number],
                )
            )
        body = self.get_paginated_response(data)
        body["Cache-Control"] = "private, no-store"
        return body
