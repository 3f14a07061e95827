from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veche.identity.eligibility import age_on, person_facts
from veche.identity.forms import CensusCheckForm, PropertyClaimForm
from veche.identity.models import IdentityProvider, Level
from veche.identity.services import verify_by_census


@login_required
def my_verification(request):
    user = request.user
    now = timezone.now()
    verifications = [
        v for v in user.verifications.select_related("territory") if v.is_valid_on(now)
    ]
    facts = person_facts(user, now)
    return render(
        request,
        "identity/mine.html",
        {
            "facts": facts,
            "level_label": Level(max(v for v in Level.values if v <= facts.level)).label,
            "age": age_on(facts.birthdate, timezone.localdate()) if facts.birthdate else None,
            "verifications": verifications,
            "providers": IdentityProvider.objects.filter(is_enabled=True),
            "census_form": CensusCheckForm(),
            "property_form": PropertyClaimForm(),
            "property_claims": user.property_claims.select_related("territory"),
        },
    )


@login_required
@require_POST
def census_check(request):
    form = CensusCheckForm(request.POST)
    if form.is_valid():
        try:
            verify_by_census(user=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request, _("You are listed in the census: your residence is confirmed.")
            )
    else:
        messages.error(request, _("Enter the document number and the date of birth."))
    return redirect("identity:mine")


@login_required
@require_POST
def declare_property(request):
    form = PropertyClaimForm(request.POST, request.FILES)
    if form.is_valid():
        with transaction.atomic():
            claim = form.save(commit=False)
            claim.user = request.user
            claim.save()
        messages.success(request, _("Your property declaration is sent for review."))
    else:
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, " ".join(errors))
    return redirect("identity:mine")
