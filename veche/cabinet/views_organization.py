"""Pages of registering a cabinet and of its staff: a verified person applies for their
organization's cabinet; a platform administrator approves or refuses; the head invites staff,
revokes invitations and removes members; the invited person accepts. Each view parses, asks the
queries for what this person may see, calls one service and renders or redirects."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veche.cabinet import queries_organization as queries
from veche.cabinet import services
from veche.cabinet.forms_organization import (
    ApplicationForm,
    ApprovalForm,
    InvitationForm,
    RefusalForm,
)
from veche.cabinet.invitation_tokens import invitation_for_token
from veche.core.files import serve_file
from veche.core.forms import put_errors
from veche.core.navigation import workspace_for
from veche.identity.eligibility import person_facts

# --- Applying ---------------------------------------------------------------------------------


@login_required
def apply(request):
    mine = queries.my_applications(request.user)
    if not rules.has_perm("cabinet.apply_for_cabinet", request.user):
        return render(request, "cabinet/apply.html", {"unverified": True, "mine": mine}, status=403)
    if request.method == "POST":
        form = ApplicationForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                application = services.apply_for_cabinet(
                    user=request.user,
                    details=form.details(),
                    jurisdiction=form.cleaned_data["jurisdiction"],
                    logo=form.cleaned_data["logo"],
                )
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "The application is filed. "
                        "You will hear of the decision here and by e-mail."
                    ),
                )
                return redirect("cabinet:application", application.pk)
    else:
        form = ApplicationForm(initial={"head_name": request.user.full_name})
    return render(
        request,
        "cabinet/apply.html",
        {"form": form, "mine": mine, "facts": person_facts(request.user)},
        status=400 if form.is_bound else 200,
    )


@login_required
def application_detail(request, pk: int):
    return _application_page(request, queries.application_for(request.user, pk))


def _application_page(request, application, *, approval=None, refusal=None, status=200):
    may_review = rules.has_perm("organizations.review_application", request.user, application)
    pending = application.status == application.Status.PENDING
    return render(
        request,
        "cabinet/application.html",
        {
            "application": application,
            "may_review": may_review and pending,
            "is_reviewer": rules.has_perm("organizations.review_applications", request.user),
            "approval": approval
            or ApprovalForm(initial={"slug": services.suggested_slug(application)}),
            "refusal": refusal or RefusalForm(),
        },
        status=status,
    )


@login_required
def application_logo(request, pk: int):
    """The logo of an application, for its applicant and the reviewers (never from /media/)."""
    application = queries.application_for(request.user, pk)
    return serve_file(application.logo, filename=f"application-{pk}-logo", public=False)


# --- Reviewing --------------------------------------------------------------------------------


@login_required
def applications(request):
    groups = queries.applications_to_review(request.user)
    return render(request, "cabinet/applications.html", groups)


def _reviewable(request, pk: int):
    application = queries.application_for(request.user, pk)
    if not rules.has_perm("organizations.review_application", request.user, application):
        raise PermissionDenied
    return application


@login_required
@require_POST
def approve(request, pk: int):
    application = _reviewable(request, pk)
    form = ApprovalForm(request.POST)
    if form.is_valid():
        try:
            organization = services.approve_application(
                user=request.user, application=application, slug=form.cleaned_data["slug"]
            )
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(
                request,
                _("Approved: %(organization)s is on Veche, and the applicant heads its cabinet.")
                % {"organization": organization.title},
            )
            return redirect("cabinet:applications")
    return _application_page(
        request, queries.application_for(request.user, pk), approval=form, status=400
    )


@login_required
@require_POST
def refuse(request, pk: int):
    application = _reviewable(request, pk)
    form = RefusalForm(request.POST)
    if form.is_valid():
        try:
            services.refuse_application(
                user=request.user, application=application, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("Refused; the applicant is told the reason."))
            return redirect("cabinet:applications")
    return _application_page(
        request, queries.application_for(request.user, pk), refusal=form, status=400
    )


# --- Staff ------------------------------------------------------------------------------------


def _staff_page(request, staff, *, form=None, status=200):
    return render(
        request,
        "cabinet/staff.html",
        {
            "staff": staff,
            "form": form or InvitationForm(),
            # Heads see the reports of the organizations below and the e-control dashboard.
            "show_subordinates": True,
            "show_econtrol": True,
        },
        status=status,
    )


@login_required
def staff(request):
    return _staff_page(request, queries.staff_of(request.user, request.GET.get("organization")))


def _back_to_staff(organization):
    return redirect(f"{reverse('cabinet:staff')}?organization={organization.slug}")


@login_required
@require_POST
def invite(request, slug: str):
    organization = queries.organization_to_manage(request.user, slug)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invite_staff(
                user=request.user,
                organization=organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                position=form.cleaned_data["position"],
                language=get_language(),
            )
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(
                request,
                _("The invitation is sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return _back_to_staff(organization)
    return _staff_page(
        request, queries.staff_of(request.user, organization.slug), form=form, status=400
    )


def _change_staff(request, organization, change, done: str):
    """Make one change to the staff and go back to the staff page, saying how it went."""
    try:
        change()
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, done)
    return _back_to_staff(organization)


@login_required
@require_POST
def revoke_invitation(request, pk: int):
    invitation = queries.invitation_to_manage(request.user, pk)
    return _change_staff(
        request,
        invitation.organization,
        lambda: services.revoke_invitation(user=request.user, invitation=invitation),
        _("The invitation to %(email)s is revoked.") % {"email": invitation.email},
    )


@login_required
@require_POST
def remove_member(request, pk: int):
    membership = queries.membership_to_manage(request.user, pk)
    return _change_staff(
        request,
        membership.organization,
        lambda: services.remove_member(user=request.user, membership=membership),
        _("%(person)s no longer holds the role “%(role)s”.")
        % {"person": membership.user.private_name, "role": membership.get_role_display()},
    )


# --- Accepting an invitation ------------------------------------------------------------------


def invitation(request, token: str):
    """The page the invitation letter links to: what the invitation is, and a button to accept
    it (a GET accepts nothing: mail scanners open links)."""
    found = invitation_for_token(token)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)
        try:
            membership = services.accept_invitation(user=request.user, token=token)
        except (ValidationError, PermissionDenied) as error:
            problems = error.messages if isinstance(error, ValidationError) else [str(error)]
            return render(
                request,
                "cabinet/invitation.html",
                {"invitation": None, "problems": problems},
                status=403 if isinstance(error, PermissionDenied) else 400,
            )
        messages.success(
            request,
            _("You are now in %(organization)s with the role “%(role)s”.")
            % {
                "organization": membership.organization.title,
                "role": membership.get_role_display(),
            },
        )
        workspace = workspace_for(request.user)
        return redirect(workspace.url if workspace else "accounts:profile")
    problems = []
    if found is None:
        problems = [_("This invitation link is not valid.")]
    elif not found.is_open(timezone.now()):
        problems = [_("This invitation is no longer open: ask the head for a new one.")]
    return render(
        request,
        "cabinet/invitation.html",
        {"invitation": found if found and not problems else None, "problems": problems},
        status=404 if problems else 200,
    )
