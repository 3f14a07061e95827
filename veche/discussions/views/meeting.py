"""A hearing's meeting online: its panel on the hearing's page (the broadcast, embedded from a
listed site; the remark form while it lasts; its record), sending a remark, the organizer's page
of the meeting, and the operator's list of broadcast sites."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veche.core.forms import put_errors
from veche.core.middleware import content_security_policy, registered_form_action_origins
from veche.discussions import queries, services
from veche.discussions import queries_organizer as organizer_queries
from veche.discussions.forms import MeetingRemarkForm
from veche.discussions.forms_organizer import (
    BroadcastOriginForm,
    MeetingForm,
    MeetingRecordForm,
)
from veche.discussions.meeting import embedded_origin, host_of, safe_link
from veche.discussions.models import BroadcastOrigin, Discussion, Submission
from veche.discussions.views.organizer._common import page, posted, refused_status
from veche.identity.eligibility import (
    decide,
    legal_entity_of,
    person_facts,
    requirement_of,
    rule_for,
)
from veche.identity.models import EligibilityRule

# --- On the hearing's page --------------------------------------------------------------------


def panel(request, discussion: Discussion) -> dict:
    """What the hearing's page shows of its meeting; nothing for a discussion."""
    if discussion.kind != Discussion.Kind.HEARING or discussion.meeting_at is None:
        return {"meeting": None}
    is_open = discussion.meeting_open_at()
    decision = form = None
    if is_open:
        rule = rule_for(EligibilityRule.Action.SUBMIT, discussion)
        decision = decide(requirement_of(rule), person_facts(request.user), timezone.localdate())
        if decision.allowed:
            form = MeetingRemarkForm(legal_entity=legal_entity_of(request.user) is not None)
    try:
        origin = embedded_origin(discussion)
    except DatabaseError:
        origin = ""
    return {
        "meeting": {
            "open": is_open,
            "over": discussion.meeting_over_at(),
            "embed_origin": origin,
            "broadcast": (broadcast := safe_link(discussion.broadcast_url)),
            "host": host_of(broadcast),
            "recording": safe_link(discussion.recording_url),
            "decision": decision,
            "form": form,
            "remarks": discussion.submissions.filter(
                channel__in=(Submission.Channel.MEETING_ONLINE, Submission.Channel.MEETING)
            ).count()
            if discussion.meeting_record_published_at
            else None,
        }
    }


def allow_broadcast_frame(response, context: dict):
    """The page may frame the broadcast's site, and no other: `frame-src` for it alone."""
    meeting = context.get("meeting")
    if meeting and meeting["embed_origin"]:
        response["Content-Security-Policy"] = content_security_policy(
            registered_form_action_origins(), frame_src=[meeting["embed_origin"]]
        )
    return response


@login_required
@require_POST
def remark(request, pk: int):
    """Two steps, both POST, as a submission: the remark, then the identification data."""
    discussion = queries.visible_discussion(request.user, pk)
    form = MeetingRemarkForm(request.POST, legal_entity=legal_entity_of(request.user) is not None)
    back = discussion.get_absolute_url() + "#meeting"
    if not discussion.meeting_open_at():
        messages.error(
            request,
            _("Remarks are taken online only while the meeting lasts; this one is not sent."),
        )
        return redirect(back)
    if not form.is_valid():
        context = {"discussion": discussion, "form": form}
        return render(request, "discussions/meeting_remark.html", context, status=400)
    as_legal_entity = form.cleaned_data.get("as_legal_entity", False)
    if request.POST.get("confirm") != "yes":
        try:
            identification = queries.identification_of(
                request.user, as_legal_entity=as_legal_entity
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(back)
        return render(
            request,
            "discussions/meeting_remark.html",
            {"discussion": discussion, "form": form, "identification": identification},
        )
    try:
        submission = services.send_meeting_remark(
            user=request.user,
            discussion=discussion,
            text=form.cleaned_data["text"],
            as_legal_entity=as_legal_entity,
        )
    except (ValidationError, PermissionDenied) as error:
        for message in getattr(error, "messages", None) or [str(error)]:
            messages.error(request, message)
        return redirect(back)
    messages.success(request, submission.words.yours_registered)
    return redirect(submission.get_absolute_url())


# --- The organizer's page of the meeting --------------------------------------------------------


def _hearing(request, pk: int) -> Discussion:
    discussion = organizer_queries.organized_discussion(request.user, pk)
    if discussion.kind != Discussion.Kind.HEARING:
        raise PermissionDenied(_("Only a public hearing has a meeting of participants."))
    return discussion


def _meeting_page(request, discussion, form=None, record_form=None, status=200):
    return page(
        request,
        "discussions/organizer/meeting.html",
        discussion,
        "meeting",
        {
            "form": form
            or MeetingForm(
                initial={
                    "place": discussion.meeting_place,
                    "length": discussion.meeting_length,
                    "broadcast_url": discussion.broadcast_url,
                }
            ),
            "record_form": record_form
            or MeetingRecordForm(
                initial={
                    "minutes": discussion.meeting_minutes,
                    "recording_url": discussion.recording_url,
                }
            ),
            "may_change": discussion.meeting_at is not None
            and not discussion.protocol_signed_at
            and discussion.status != Discussion.Status.CANCELLED,
            "may_publish_record": discussion.meeting_over_at()
            and not discussion.protocol_signed_at,
            "embed_origin": embedded_origin(discussion),
            "broadcast": safe_link(discussion.broadcast_url),
            "recording": safe_link(discussion.recording_url),
        },
        status=status,
    )


@login_required
def meeting(request, pk: int):
    discussion = _hearing(request, pk)
    form = MeetingForm(posted(request)) if request.method == "POST" else None
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_meeting(
                user=request.user,
                discussion=discussion,
                place=data["place"],
                length=data["length"],
                broadcast_url=data["broadcast_url"],
                reason=data["reason"],
            )
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect("discussions:meeting", discussion.pk)
    return _meeting_page(request, discussion, form, status=refused_status(request))


@login_required
@require_POST
def meeting_record(request, pk: int):
    discussion = _hearing(request, pk)
    form = MeetingRecordForm(request.POST)
    if form.is_valid():
        try:
            services.publish_meeting_record(
                user=request.user, discussion=discussion, **form.cleaned_data
            )
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("The record of the meeting is published."))
            return redirect("discussions:meeting", discussion.pk)
    return _meeting_page(request, discussion, record_form=form, status=400)


# --- The operator's list of broadcast sites -----------------------------------------------------


def _operator(request) -> None:
    if not rules.has_perm("discussions.manage_broadcast_origins", request.user):
        raise PermissionDenied


def _origins_page(request, form=None, status=200):
    return render(
        request,
        "discussions/broadcast_origins.html",
        {
            "origins": BroadcastOrigin.objects.select_related("added_by"),
            "form": form or BroadcastOriginForm(),
            "remove_url": "discussions:remove_broadcast_origin",
        },
        status=status,
    )


@login_required
def broadcast_origins(request):
    _operator(request)
    if request.method != "POST":
        return _origins_page(request)
    form = BroadcastOriginForm(request.POST)
    if form.is_valid():
        try:
            allowed = services.allow_broadcast_origin(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(
                request, _("Hearings may now show broadcasts from %(origin)s.") % vars(allowed)
            )
            return redirect("discussions:broadcast_origins")
    return _origins_page(request, form, status=400)


@login_required
@require_POST
def remove_broadcast_origin(request, pk: int):
    _operator(request)
    allowed = get_object_or_404(BroadcastOrigin, pk=pk)
    services.disallow_broadcast_origin(user=request.user, allowed=allowed)
    messages.success(
        request, _("Broadcasts from %(origin)s are now shown as links.") % vars(allowed)
    )
    return redirect("discussions:broadcast_origins")


patterns = [
    path("<int:pk>/meeting/remark/", remark, name="meeting_remark"),
    path("<int:pk>/meeting/", meeting, name="meeting"),
    path("<int:pk>/meeting/record/", meeting_record, name="meeting_record"),
    path("broadcast-sites/", broadcast_origins, name="broadcast_origins"),
    path(
        "broadcast-sites/<int:pk>/remove/", remove_broadcast_origin, name="remove_broadcast_origin"
    ),
]
