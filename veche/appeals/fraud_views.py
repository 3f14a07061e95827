"""The moderators' pages on fraud: where the last hour's signatures come from, the alerts, and
the invalidation of signatures (veche/appeals/fraud.py does the work)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from veche.appeals import fraud
from veche.appeals.forms import InvalidationForm
from veche.appeals.models import Problem, Signature


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


@login_required
def signing_sources(request):
    _require(request, "appeals.watch_signing")
    context = fraud.signing_sources()
    context["alerts"] = fraud.recent_alerts()
    context["invalidations"] = fraud.recent_invalidations()
    return render(request, "appeals/fraud/sources.html", context)


@login_required
def invalidate(request):
    _require(request, "appeals.invalidate_signatures")
    form = InvalidationForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        problem = Problem.objects.filter(pk=data["problem"]).select_related("current_appeal")
        appeal = problem[0].current_appeal if problem else None
        signature = None
        if appeal is not None and data["signature"]:
            signature = Signature.objects.filter(pk=data["signature"], appeal=appeal).first()
        if appeal is None:
            form.add_error("problem", _("There is no appeal under this number."))
        elif data["signature"] and signature is None:
            form.add_error("signature", _("This appeal has no signature with this number."))
        else:
            try:
                done = fraud.invalidate_signatures(
                    moderator=request.user,
                    appeal=appeal,
                    ground=data["ground"],
                    signature=signature,
                    source=data["source"],
                    since=data["since"],
                    until=data["until"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d signature invalidated.",
                        "%(count)d signatures invalidated.",
                        done.count,
                    )
                    % {"count": done.count},
                )
                return redirect(appeal.problem.get_absolute_url())
    return render(request, "appeals/fraud/invalidate.html", {"form": form})
