"""The public reads of the API, anonymous and throttled: what the public pages show."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Prefetch, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from veche.api import serializers as out
from veche.api import serializers_votes
from veche.api.base import ApiView, ByNumber, Cursor, MostSupported, NewestFirst
from veche.appeals import queries as appeals
from veche.appeals.models import Category
from veche.appeals.ratings import scores
from veche.appeals.search import search_problems
from veche.discussions import queries as discussions
from veche.discussions.models import Discussion, ExpertAnswer
from veche.discussions.queries_votes import question_data, questions_of
from veche.documents.queries import document_by_code
from veche.organizations.queries import organization_by_slug, public_organizations
from veche.territories.queries import territory_by_code, territory_tree


class PublicView(ApiView, GenericAPIView):
    pagination_class = None


# --- Territories, organizations, categories ----------------------------------------------------


class TerritoryList(PublicView):
    serializer_class = out.TerritorySerializer

    @extend_schema(
        operation_id="territories_list",
        responses=out.TerritorySerializer(many=True),
        summary="The territory tree, root first (each names its parent)",
    )
    def get(self, request):
        rows = territory_tree()
        return Response(self.get_serializer(rows, many=True).data)


class TerritoryDetail(PublicView):
    serializer_class = out.TerritorySerializer

    @extend_schema(operation_id="territory_get")
    def get(self, request, code: str):
        return Response(self.get_serializer(territory_by_code(code)).data)


def _with_scores(organizations) -> list:
    organizations = list(organizations)
    by_pk = {score.organization.pk: score for score in scores(organizations)}
    for organization in organizations:
        organization.score = by_pk.get(organization.pk)
    return organizations


def _organizations():
    return (
        public_organizations()
        .select_related("parent")
        .prefetch_related("jurisdiction")
        .order_by("slug")
    )


class OrganizationList(PublicView):
    serializer_class = out.OrganizationSerializer

    @extend_schema(
        operation_id="organizations_list",
        responses=out.OrganizationSerializer(many=True),
        summary="Organizations with their public rating, on-time share, overdue now",
    )
    def get(self, request):
        rows = _with_scores(_organizations())
        return Response(self.get_serializer(rows, many=True).data)


class OrganizationDetail(PublicView):
    serializer_class = out.OrganizationSerializer

    @extend_schema(operation_id="organization_get")
    def get(self, request, slug: str):
        organization = organization_by_slug(slug)
        [organization] = _with_scores(_organizations().filter(pk=organization.pk))
        return Response(self.get_serializer(organization).data)


class CategoryList(PublicView):
    serializer_class = out.CategorySerializer

    @extend_schema(operation_id="categories_list", responses=out.CategorySerializer(many=True))
    def get(self, request):
        return Response(self.get_serializer(Category.objects.all(), many=True).data)


# --- Problems and appeals ----------------------------------------------------------------------

STATUSES = (*appeals.STATUS_FILTERS, "overdue")


class ProblemFilter(serializers.Serializer):
    territory = serializers.SlugField(
        required=False, help_text="A territory's code: problems there and in any place inside it."
    )
    category = serializers.SlugField(required=False)
    status = serializers.ChoiceField(choices=STATUSES, required=False)
    organization = serializers.SlugField(
        required=False, help_text="The organization the current appeal is addressed to."
    )
    q = serializers.CharField(required=False, max_length=200, help_text="Words to search for.")
    sort = serializers.ChoiceField(
        choices=["newest", "support"],
        required=False,
        help_text="`newest` (the default): newest first; `support`: most signatures first.",
    )


class ProblemList(PublicView):
    serializer_class = out.ProblemSerializer
    pagination_class = NewestFirst

    @extend_schema(
        operation_id="problems_list",
        parameters=[ProblemFilter],
        responses=out.ProblemSerializer(many=True),
        summary="Public problems, newest first (or the most supported first)",
    )
    def get(self, request):
        filters = ProblemFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        queryset = appeals.filtered_problems(
            territory=wanted.get("territory", ""),
            organization=wanted.get("organization", ""),
            status=wanted.get("status", ""),
            category=wanted.get("category", ""),
        )
        if wanted.get("q", "").strip():
            queryset = queryset.filter(pk__in=search_problems(queryset, wanted["q"]))
        queryset = queryset.select_related("territory", "category", "current_appeal__organization")
        if wanted.get("sort") == "support":
            queryset = queryset.annotate(
                support=Coalesce(F("current_appeal__signature_count"), Value(0))
            )
            self._paginator = MostSupported()
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ProblemDetail(PublicView):
    serializer_class = out.ProblemDetailSerializer

    @extend_schema(operation_id="problem_get")
    def get(self, request, pk: int):
        return Response(self.get_serializer(appeals.problem_for_page(pk)).data)


def _public_appeal(pk: int):
    """The appeal with its public timeline, as the problem's page shows it."""
    appeal = appeals.public_appeal(pk)
    found = next(item for item in appeals.appeal_history(appeal.problem) if item.pk == appeal.pk)
    found.public_revisions = appeals.revisions(found)
    return found


class AppealDetail(PublicView):
    serializer_class = out.AppealSerializer

    @extend_schema(
        operation_id="appeal_get",
        summary="An appeal's public facts: revisions, support, timeline, rating",
    )
    def get(self, request, pk: int):
        return Response(self.get_serializer(_public_appeal(pk)).data)


class SignatoriesPage(serializers.Serializer):
    results = out.SignatorySerializer(many=True)
    next_after = serializers.IntegerField(allow_null=True)


class SignatoryList(PublicView):
    serializer_class = SignatoriesPage

    @extend_schema(
        operation_id="signatories_list",
        parameters=[OpenApiParameter("after", int, description="The last signature id seen.")],
        summary="Signatories as the public list names them, in the order they signed",
    )
    def get(self, request, pk: int):
        appeal = appeals.public_appeal(pk)
        try:
            after = max(0, int(request.query_params.get("after", 0)))
        except ValueError:
            raise serializers.ValidationError({"after": ["A whole number."]}) from None
        page = appeals.signatories(appeal.pk, after=after)
        return Response(
            {
                "results": out.SignatorySerializer(page.items, many=True).data,
                "next_after": page.next_after,
            }
        )


# --- Discussions ---------------------------------------------------------------------------------


def _announced_discussions():
    """The discussions the public pages show (`Discussion.is_public`), as a queryset to page:
    not one whose notice is still to come, nor a draft called off. Whether the notice is out
    turns on its date in the discussion's own time zone, so the few published discussions near
    or before their notice date are asked one by one."""
    queryset = discussions.public_discussions().exclude(
        status=Discussion.Status.CANCELLED, published_at__isnull=True
    )
    # Time zones lie within a day of UTC: a notice dated two days ago is out everywhere.
    near = queryset.filter(
        status=Discussion.Status.PUBLISHED,
        protocol_signed_at__isnull=True,
        conclusion_published_at__isnull=True,
        notice_date__gte=timezone.now().date() - datetime.timedelta(days=2),
    )
    return queryset.exclude(pk__in=[each.pk for each in near if not each.is_public])


class DiscussionList(PublicView):
    serializer_class = out.DiscussionSerializer
    pagination_class = Cursor

    @extend_schema(
        operation_id="discussions_list",
        responses=out.DiscussionSerializer(many=True),
        summary="Public discussions and hearings, newest first",
    )
    def get(self, request):
        # Filtered before paging: a page, and its next cursor, never hold a discussion whose
        # notice is not out yet (its organizer's alone).
        page = self.paginate_queryset(_announced_discussions())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class DiscussionDetail(PublicView):
    serializer_class = out.DiscussionDetailSerializer

    @extend_schema(operation_id="discussion_get")
    def get(self, request, pk: int):
        discussion = discussions.visible_discussion(AnonymousUser(), pk)
        discussion.material_list = discussions.materials_of(discussion)
        return Response(self.get_serializer(discussion).data)


class SubmissionList(PublicView):
    serializer_class = out.SubmissionSerializer
    pagination_class = ByNumber

    @extend_schema(
        operation_id="submissions_list",
        responses=out.SubmissionSerializer(many=True),
        parameters=[
            OpenApiParameter(
                "questions", bool, description="Questions to the experts instead of proposals."
            )
        ],
        summary="A discussion's public submissions with the organizer's recommendations",
    )
    def get(self, request, pk: int):
        discussion = discussions.visible_discussion(AnonymousUser(), pk)
        questions = request.query_params.get("questions", "").lower() in ("1", "true", "yes")
        queryset = discussions.public_submissions(discussion, questions=questions)
        # The experts' answers of the whole page in one query.
        queryset = queryset.prefetch_related(
            Prefetch("answers", queryset=ExpertAnswer.objects.order_by("created_at", "id"))
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class VoteQuestionList(PublicView):
    serializer_class = serializers_votes.VoteQuestionSerializer

    @extend_schema(
        operation_id="discussion_votes_list",
        responses=serializers_votes.VoteQuestionSerializer(many=True),
        summary="A discussion's advisory vote: its questions, with the results once closed",
    )
    def get(self, request, pk: int):
        discussion = discussions.visible_discussion(AnonymousUser(), pk)
        rows = [question_data(question) for question in questions_of(discussion)]
        return Response(self.get_serializer(rows, many=True).data)


# --- Documents -----------------------------------------------------------------------------------


class DocumentDetail(PublicView):
    serializer_class = out.DocumentSerializer

    @extend_schema(
        operation_id="document_get",
        summary="Verify a document Veche issued, by the code printed on it",
    )
    def get(self, request, code: str):
        return Response(self.get_serializer(document_by_code(code)).data)
