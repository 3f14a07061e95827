"""The organizer's review of one discussion: a reasoned recommendation on every submission, the
protocol's gate and signing, the conclusion; paper submissions registered on a participant's
behalf; the progress recorded after the decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veche.discussions import queries_organizer as queries
from veche.discussions import services
from veche.discussions.forms_organizer import (
    ConclusionForm,
    MilestoneForm,
    PaperSubmissionForm,
    RecommendationForm,
)
from veche.discussions.models import Discussion, Stage
from veche.discussions.views.organizer._common import (
    CONCLUDED,
    REVIEWABLE,
    page,
    posted,
    put_errors,
    refused_status,
)

# --- Review, protocol, conclusion -------------------------------------------------------------


def _gate(discussion: Discussion, stage: str, counts) -> list[str]:
    """Why the protocol cannot be signed now (empty: it can)."""
    reasons = []
    if stage in (Stage.ANNOUNCED, Stage.EXPOSITION, Stage.INTAKE, Stage.SCHEDULED):
        reasons.append(
            _("Submissions are taken until %(date)s; the protocol is signed after that.")
            % {"date": discussion.intake_end.isoformat()}
        )
    if counts.unreviewed:
        reasons.append(
            _("%(count)s submission(s) have no recommendation yet.") % {"count": counts.unreviewed}
        )
    return reasons


def _review_context(discussion, stage, *, only_unreviewed=False, bound=None) -> dict:
    counts = queries.review_counts(discussion)
    recommendable = stage in REVIEWABLE
    rows = []
    for submission in queries.review_submissions(discussion, only_unreviewed=only_unreviewed):
        form = None
        if recommendable:
            form = (
                bound
                if bound is not None and bound.submission.pk == submission.pk
                else RecommendationForm(submission=submission)
            )
        rows.append((submission, form))
    return {
        "counts": counts,
        "rows": rows,
        "only_unreviewed": only_unreviewed,
        "gate": _gate(discussion, stage, counts),
        "conclusion_form": ConclusionForm() if stage == Stage.PROTOCOL else None,
    }


@login_required
def review(request, pk: int):
    discussion = queries.organized_discussion(request.user, pk)
    if discussion.stage == Stage.DRAFT:
        return redirect("discussions:edit", discussion.pk)
    context = _review_context(
        discussion, discussion.stage, only_unreviewed=request.GET.get("show") == "unreviewed"
    )
    return page(request, "discussions/organizer/review.html", discussion, "review", context)


@login_required
@require_POST
def recommend(request, pk: int):
    submission = queries.organized_submission(request.user, pk)
    discussion = submission.discussion
    form = RecommendationForm(request.POST, submission=submission)
    saved = False
    if form.is_valid():
        try:
            services.recommend(
                user=request.user,
                submission=submission,
                recommendation=form.cleaned_data["recommendation"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            put_errors(form, error)
        else:
            saved = True
    if request.htmx:
        # Swapped in place; the counts and the protocol gate come along out of band.
        stage = discussion.stage
        row = queries.review_submission(submission)
        counts = queries.review_counts(discussion)
        return render(
            request,
            "discussions/organizer/_review_row_htmx.html",
            {
                "discussion": discussion,
                "submission": row,
                "form": RecommendationForm(submission=row) if saved else form,
                "saved": saved,
                "counts": counts,
                "gate": _gate(discussion, stage, counts),
                "stage": stage,
            },
        )
    if saved:
        messages.success(
            request,
            _("The recommendation on %(number)s is saved.")
            % {"number": submission.registration_number},
        )
        return redirect(
            reverse("discussions:review", args=[discussion.pk]) + f"#submission-{submission.pk}"
        )
    stage = discussion.stage
    if stage not in REVIEWABLE:
        # The row shows no form at this stage: say why on top of the page instead.
        for message in form.non_field_errors():
            messages.error(request, message)
    context = _review_context(discussion, stage, bound=form)
    return page(
        request, "discussions/organizer/review.html", discussion, "review", context, status=400
    )


@login_required
@require_POST
def sign_protocol(request, pk: int):
    discussion = queries.organized_discussion(request.user, pk)
    try:
        services.sign_protocol(user=request.user, discussion=discussion)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The protocol is signed. It is being prepared and is published when it is ready."),
        )
    return redirect("discussions:review", discussion.pk)


@login_required
@require_POST
def publish_conclusion(request, pk: int):
    discussion = queries.organized_discussion(request.user, pk)
    form = ConclusionForm(request.POST)
    if form.is_valid():
        try:
            services.publish_conclusion(
                user=request.user, discussion=discussion, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            put_errors(form, error, default_field=None)
        else:
            messages.success(
                request,
                _("The conclusion is published. Its document is being prepared."),
            )
            return redirect(discussion.get_absolute_url())
    stage = discussion.stage
    context = _review_context(discussion, stage)
    if stage == Stage.PROTOCOL:
        context["conclusion_form"] = form
    else:
        for message in form.non_field_errors():
            messages.error(request, message)
    return page(
        request, "discussions/organizer/review.html", discussion, "review", context, status=400
    )


# --- Submissions received on paper ------------------------------------------------------------


@login_required
def register_submission(request, pk: int):
    discussion = queries.registered_discussion(request.user, pk)
    form = PaperSubmissionForm(posted(request), discussion=discussion)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submission = services.register_on_behalf(
                official=request.user,
                discussion=discussion,
                kind=data["kind"],
                text=data["text"],
                channel=data["channel"],
                received_on=data["received_on"],
                participant=form.participant_data(),
                basis=data["basis"],
                material=data["material"],
                page=data["page"],
            )
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, submission.words.registered)
            return redirect("discussions:register_submission", discussion.pk)
    return page(
        request,
        "discussions/organizer/register.html",
        discussion,
        "register_submission",
        {"form": form, "open": discussion.stage in REVIEWABLE},
        status=refused_status(request),
    )


# --- Progress after the decision --------------------------------------------------------------


@login_required
def progress(request, pk: int):
    discussion = queries.organized_discussion(request.user, pk)
    form = MilestoneForm(posted(request), discussion=discussion)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_progress(
                user=request.user,
                discussion=discussion,
                title=data["title"],
                percent=data["percent"],
                note=data["note"],
                submission=data["submission"],
            )
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("The progress is recorded and its followers are told."))
            return redirect("discussions:progress", discussion.pk)
    discussion.refresh_from_db()
    return page(
        request,
        "discussions/organizer/progress.html",
        discussion,
        "progress",
        {
            "form": form,
            "open": discussion.stage in CONCLUDED,
            "milestones": discussion.milestones.select_related("submission"),
        },
        status=refused_status(request),
    )


patterns = [
    path("<int:pk>/review/", review, name="review"),
    path("submissions/<int:pk>/recommend/", recommend, name="recommend"),
    path("<int:pk>/protocol/sign/", sign_protocol, name="sign_protocol"),
    path("<int:pk>/conclusion/publish/", publish_conclusion, name="publish_conclusion"),
    path("<int:pk>/register/", register_submission, name="register_submission"),
    path("<int:pk>/progress/", progress, name="progress"),
]
