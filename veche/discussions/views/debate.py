"""The public debate on a proposal or remark: supporting or objecting to it, and replying."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from veche.core.redirects import is_safe_next, redirect_back
from veche.discussions import queries, queries_debate, services
from veche.discussions.forms import ReplyForm
from veche.discussions.models import Mark, Submission
from veche.discussions.views.public import _flash_errors

MARKED = {
    Mark.Kind.SUPPORT: gettext_lazy("You support this submission."),
    Mark.Kind.OBJECT: gettext_lazy("You object to this submission."),
    "": gettext_lazy("Your mark is withdrawn."),
}


@login_required
@require_POST
def mark(request, pk: int):
    """Support, object, or withdraw the mark (the pressed button again). The buttons ask with
    htmx and get the counts and buttons back; without JavaScript the page comes back."""
    submission = queries.submission_for(request.user, pk)
    kind = request.POST.get("kind", "")
    error = None
    try:
        services.mark_submission(user=request.user, submission=submission, kind=kind)
    except (ValidationError, PermissionDenied) as refused:
        error = refused
    if request.htmx:
        (shown,) = queries_debate.with_debate(
            queries_debate.with_counts(Submission.objects.filter(pk=pk)),
            request.user,
            queries_debate.debate_decision(request.user, submission.discussion),
        )
        back = request.POST.get("next", "")
        return render(
            request,
            "discussions/_marks.html",
            {
                "submission": shown,
                "back": back if is_safe_next(request, back) else "",
                "said": (getattr(error, "messages", None) or [str(error)])[0]
                if error
                else MARKED.get(kind, ""),
            },
        )
    if error:
        _flash_errors(request, error)
    else:
        messages.success(request, MARKED.get(kind, ""))
    return redirect_back(request, f"{submission.get_absolute_url()}#marks-{submission.pk}")


@login_required
@require_POST
def reply(request, pk: int):
    submission = queries.submission_for(request.user, pk)
    form = ReplyForm(request.POST)
    back = f"{submission.get_absolute_url()}#replies"
    if not form.is_valid():
        messages.error(request, _("Write a reply of at most 5000 characters."))
        return redirect(back)
    parent = None
    if form.cleaned_data.get("parent"):
        parent = submission.replies.filter(pk=form.cleaned_data["parent"]).first()
    try:
        created = services.reply_to_submission(
            author=request.user,
            submission=submission,
            text=form.cleaned_data["text"],
            parent=parent,
        )
    except (ValidationError, PermissionDenied) as error:
        _flash_errors(request, error)
        return redirect(back)
    messages.success(request, _("Your reply is published."))
    return redirect(f"{submission.get_absolute_url()}#reply-{created.pk}")


patterns = [
    path("submissions/<int:pk>/mark/", mark, name="mark"),
    path("submissions/<int:pk>/reply/", reply, name="reply"),
]
