import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veche.core.files import serve_file
from veche.identity.eligibility import age_on, legal_entity_of, person_facts
from veche.identity.forms import (
    CensusCheckForm,
    PhoneCodeForm,
    PhoneNumberForm,
    PropertyClaimForm,
)
from veche.identity.models import IdentityProvider, Level, PropertyClaim
from veche.identity.queries import claims_to_review, pending_phone_code
from veche.identity.services import (
    confirm_phone,
    review_property_claim,
    send_phone_code,
    verify_by_census,
)


def _render_mine(request, *, status: int = 200, **forms):
    user = request.user
    now = timezone.now()
    verifications = [
        v for v in user.verifications.select_related("territory") if v.is_valid_on(now)
    ]
    facts = person_facts(user, now)
    phone_code = pending_phone_code(user, now)
    # Asking again for a code usually means the same number: it is there to check or correct.
    phone_form = forms.get("phone_form") or PhoneNumberForm(
        initial={"number": phone_code.number_display} if phone_code else None
    )
    return render(
        request,
        "identity/mine.html",
        {
            "facts": facts,
            "level_label": Level(max(v for v in Level.values if v <= facts.level)).label,
            "age": age_on(facts.birthdate, timezone.localdate()) if facts.birthdate else None,
            "verifications": verifications,
            "legal_entity": legal_entity_of(user, now),
            "phone": next((v for v in verifications if v.phone_number), None),
            "phone_code": phone_code,
            "sms_to_log": settings.VECHE_SMS_BACKEND == "console",
            "providers": IdentityProvider.objects.filter(is_enabled=True),
            "census_form": CensusCheckForm(),
            "phone_form": phone_form,
            "code_form": forms.get("code_form") or PhoneCodeForm(),
            "property_form": PropertyClaimForm(),
            "property_claims": user.property_claims.select_related("territory"),
        },
        status=status,
    )


@login_required
def my_verification(request):
    return _render_mine(request)


def _errors_into(form, error) -> None:
    for message in getattr(error, "messages", [str(error)]):
        form.add_error(next(iter(form.fields)), message)


@login_required
@require_POST
def phone_number(request):
    form = PhoneNumberForm(request.POST)
    if form.is_valid():
        try:
            phone_code = send_phone_code(user=request.user, number=form.cleaned_data["number"])
        except (ValidationError, PermissionDenied) as error:
            _errors_into(form, error)
        else:
            messages.success(
                request,
                _("We have sent a code to %(number)s. Enter it below.")
                % {"number": phone_code.number_display},
            )
            return redirect(reverse("identity:mine") + "#phone-title")
    return _render_mine(request, status=400, phone_form=form)


@login_required
@require_POST
def phone_code(request):
    form = PhoneCodeForm(request.POST)
    if form.is_valid():
        try:
            confirm_phone(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            if pending_phone_code(request.user) is None:
                # The code is void or expired: its form is gone, the number form comes back.
                messages.error(request, " ".join(error.messages))
                return redirect(reverse("identity:mine") + "#phone-title")
            _errors_into(form, error)
        else:
            messages.success(request, _("Your phone number is confirmed."))
            return redirect(reverse("identity:mine") + "#phone-title")
    return _render_mine(request, status=400, code_form=form)


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


@login_required
def property_claims(request):
    """Organizers review declarations of ownership in the territories they answer for."""
    if not request.user.has_perm("identity.review_property_claims"):
        raise PermissionDenied
    return render(request, "identity/claims.html", {"claims": claims_to_review(request.user)})


@login_required
@require_POST
def review_claim(request, pk: int):
    claim = get_object_or_404(PropertyClaim, pk=pk)
    accept = request.POST.get("decision") == "accept"
    try:
        review_property_claim(
            claim=claim, reviewer=request.user, accept=accept, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The declaration is accepted.") if accept else _("The declaration is rejected."),
        )
    return redirect("identity:claims")


@login_required
def claim_document(request, pk: int):
    """The document behind a property declaration: for its owner and its reviewers only."""
    claim = get_object_or_404(PropertyClaim, pk=pk)
    if not rules.has_perm("identity.view_claim_document", request.user, claim):
        raise Http404
    return serve_file(claim.document, filename=claim.document.name, public=False)
