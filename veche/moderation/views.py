from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veche.appeals.models import Comment
from veche.core.forms import parse_id
from veche.moderation.models import Complaint
from veche.moderation.services import report_comment


class ComplaintForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("What is wrong?"),
        choices=Complaint.Reason.choices,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label=gettext_lazy("Details"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_required
def report(request):
    comment = get_object_or_404(
        Comment.objects.select_related("problem"),
        pk=parse_id(request.GET.get("comment") or request.POST.get("comment")) or 0,
        hidden_at__isnull=True,
    )
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report_comment(reporter=request.user, comment=comment, **form.cleaned_data)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you. A moderator will look at the comment."))
        return redirect(f"{comment.problem.get_absolute_url()}#comment-{comment.pk}")
    return render(request, "moderation/report.html", {"form": form, "comment": comment})
