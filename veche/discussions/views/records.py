"""Downloads of a discussion's documents: the protocol and the conclusion for everyone once signed
or published; the draft protocol, the participants' annex and the DOCX copies for its organizers
only; a participant's extract of the protocol with their own submissions."""

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from veche.discussions import queries, records
from veche.discussions.models import Discussion

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(content: bytes, content_type: str, filename: str, *, private: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if content_type == PDF else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    if private:
        # Personal data or a working copy: no shared cache keeps it.
        response["Cache-Control"] = "private, no-store"
    return response


def _for_organizer(request, pk: int) -> Discussion:
    discussion = queries.visible_discussion(request.user, pk)
    if discussion.status == Discussion.Status.DRAFT:
        raise Http404  # nothing of a draft is a document yet
    if not rules.has_perm("discussions.manage_discussion", request.user, discussion):
        raise PermissionDenied(_("Only the organizers of this discussion receive this document."))
    return discussion


@require_GET
def protocol_pdf(request, pk: int):
    discussion = queries.visible_discussion(request.user, pk)
    if not discussion.protocol_signed_at:
        raise Http404
    return _download(records.protocol_pdf(discussion), PDF, f"protocol-{pk}.pdf", private=False)


@require_GET
def conclusion_pdf(request, pk: int):
    discussion = queries.visible_discussion(request.user, pk)
    if not discussion.conclusion_published_at:
        raise Http404
    return _download(records.conclusion_pdf(discussion), PDF, f"conclusion-{pk}.pdf", private=False)


@require_GET
@login_required
def protocol_draft_pdf(request, pk: int):
    discussion = _for_organizer(request, pk)
    if discussion.protocol_signed_at:
        return redirect(reverse("discussions:protocol_pdf", args=[pk]))
    return _download(
        records.draft_protocol_pdf(discussion), PDF, f"protocol-{pk}-draft.pdf", private=True
    )


@require_GET
@login_required
def annex_pdf(request, pk: int):
    discussion = _for_organizer(request, pk)
    return _download(records.annex_pdf(discussion), PDF, f"protocol-{pk}-annex.pdf", private=True)


@require_GET
@login_required
def protocol_docx(request, pk: int):
    discussion = _for_organizer(request, pk)
    return _download(records.protocol_docx(discussion), DOCX, f"protocol-{pk}.docx", private=True)


@require_GET
@login_required
def conclusion_docx(request, pk: int):
    discussion = _for_organizer(request, pk)
    if not discussion.protocol_signed_at:
        raise Http404
    return _download(
        records.conclusion_docx(discussion), DOCX, f"conclusion-{pk}.docx", private=True
    )


@require_GET
@login_required
def extract_pdf(request, pk: int):
    discussion = queries.visible_discussion(request.user, pk)
    if not discussion.protocol_signed_at or not records.has_own_submissions(
        discussion, request.user
    ):
        raise Http404
    return _download(
        records.extract_pdf(discussion, request.user),
        PDF,
        f"protocol-{pk}-extract.pdf",
        private=True,
    )


patterns = [
    path("<int:pk>/protocol.pdf", protocol_pdf, name="protocol_pdf"),
    path("<int:pk>/protocol-draft.pdf", protocol_draft_pdf, name="protocol_draft_pdf"),
    path("<int:pk>/protocol-annex.pdf", annex_pdf, name="annex_pdf"),
    path("<int:pk>/protocol.docx", protocol_docx, name="protocol_docx"),
    path("<int:pk>/protocol-extract.pdf", extract_pdf, name="extract_pdf"),
    path("<int:pk>/conclusion.pdf", conclusion_pdf, name="conclusion_pdf"),
    path("<int:pk>/conclusion.docx", conclusion_docx, name="conclusion_docx"),
]
