"""/api/v1/: the public reads, the organization's inbox, the token endpoint and the schema."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from veche.api import views_organization as org
from veche.api import views_public as public
from veche.api.geojson import ProblemMap
from veche.api.oauth import TokenView

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("oauth/token/", TokenView.as_view(), name="token"),
    path("territories/", public.TerritoryList.as_view(), name="territories"),
    path("territories/<slug:code>/", public.TerritoryDetail.as_view(), name="territory"),
    path("organizations/", public.OrganizationList.as_view(), name="organizations"),
    path("organizations/<slug:slug>/", public.OrganizationDetail.as_view(), name="organization"),
    path("categories/", public.CategoryList.as_view(), name="categories"),
    path("problems/", public.ProblemList.as_view(), name="problems"),
    path("problems.geojson", ProblemMap.as_view(), name="problems_geojson"),
    path("problems/<int:pk>/", public.ProblemDetail.as_view(), name="problem"),
    path("appeals/<int:pk>/", public.AppealDetail.as_view(), name="appeal"),
    path("appeals/<int:pk>/signatories/", public.SignatoryList.as_view(), name="signatories"),
    path("discussions/", public.DiscussionList.as_view(), name="discussions"),
    path("discussions/<int:pk>/", public.DiscussionDetail.as_view(), name="discussion"),
    path(
        "discussions/<int:pk>/submissions/",
        public.SubmissionList.as_view(),
        name="submissions",
    ),
    path("discussions/<int:pk>/votes/", public.VoteQuestionList.as_view(), name="votes"),
    path("documents/<slug:code>/", public.DocumentDetail.as_view(), name="document"),
    # The organization's side, for its API clients.
    path("inbox/", org.Inbox.as_view(), name="inbox"),
    path("inbox/<int:pk>/", org.InboxAppeal.as_view(), name="inbox_appeal"),
    path("inbox/<int:pk>/document.pdf", org.InboxDocument.as_view(), name="inbox_document"),
    path("inbox/<int:pk>/register/", org.Register.as_view(), name="register"),
    path("inbox/<int:pk>/answers/", org.Answers.as_view(), name="answers"),
    path("inbox/<int:pk>/extension/", org.Extension.as_view(), name="extension"),
    path("inbox/<int:pk>/forward/", org.Forward.as_view(), name="forward"),
    path(
        "organizer/discussions/<int:pk>/submissions/",
        org.OrganizerSubmissions.as_view(),
        name="organizer_submissions",
    ),
]
