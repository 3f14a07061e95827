"""The complaint form: a resident reports an item of any registered kind to the moderators."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veche.core.forms import parse_id
from veche.moderation import registry
from veche.moderation.models import Complaint
from veche.moderation.services import report_content


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


def _addressed(request):
    """The registered kind the address names (`?comment=5`) and its id, or (None, None)."""
    for kind in registry.kinds():
        value = request.POST.get(kind.key) or request.GET.get(kind.key)
        if value is not None:
            return kind, parse_id(value)
    return None, None


@login_required
def report(request):
    kind, pk = _addressed(request)
    item = registry.reportable(kind.key, pk) if kind and pk else None
    if item is None:
        # A forged id, an item hidden already or not public, or a kind nobody registered.
        return render(request, "moderation/not_reportable.html", {"kind": kind}, status=404)
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report_content(reporter=request.user, target=item, **form.cleaned_data)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you. A moderator will look at it."))
        return redirect(kind.public_url(item))
    return render(
        request,
        "moderation/report.html",
        {
            "form": form,
            "kind": kind,
            "item": item,
            "text": kind.text(item),
            "public_url": kind.public_url(item),
        },
    )
