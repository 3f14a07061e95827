"""Downloads of a discussion's documents: the protocol and the conclusion for everyone once signed
or published (and built); the draft protocol, the participants' annex and the DOCX copies for its
organizers only, as last built in the background from their page of documents, which shows how
far a build has got; a participant's extract of the protocol with their own submissions."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from veche.discussions import queries, queries_organizer, records, services
from veche.discussions.models import Discussion, RecordBuild
from veche.discussions.records import builds
from veche.discussions.records.handouts import hand_out_identification
from veche.discussions.views.organizer._common import page

Kind = RecordBuild.Kind

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
    content = records.protocol_pdf(discussion) if discussion.protocol_signed_at else None
    if content is None:  # not signed, or signed and still being built
        raise Http404
    return _download(content, PDF, f"protocol-{pk}.pdf", private=False)


@require_GET
def conclusion_pdf(request, pk: int):
    discussion = queries.visible_discussion(request.user, pk)
    content = records.conclusion_pdf(discussion) if discussion.conclusion_published_at else None
    if content is None:
        raise Http404
    return _download(content, PDF, f"conclusion-{pk}.pdf", private=False)


# The copies that name the participants with their birth dates and addresses: each download is
# an audit row (records/handouts.py).
IDENTIFYING = (Kind.ANNEX,)


def _built(request, pk: int, kind: str, content_type: str, filename: str):
    """The organizer's copy as last built in the background; until there is one, the page where
    it is prepared."""
    discussion = _for_organizer(request, pk)
    build = builds.ready_file(discussion, kind)
    if build is None:
        return redirect(reverse("discussions:records", args=[pk]) + f"#record-{kind}")
    with build.file.open("rb") as handle:
        content = handle.read()
    if kind in IDENTIFYING:
        hand_out_identification(
            user=request.user,
            discussion=discussion,
            document=kind,
            form="pdf" if content_type == PDF else "docx",
            build=build.pk,
        )
    return _download(content, content_type, filename, private=True)


@require_GET
@login_required
def protocol_draft_pdf(request, pk: int):
    discussion = _for_organizer(request, pk)
    if discussion.protocol_signed_at:
        return redirect(reverse("discussions:protocol_pdf", args=[pk]))
    return _built(request, pk, Kind.DRAFT_PROTOCOL, PDF, f"protocol-{pk}-draft.pdf")


@require_GET
@login_required
def annex_pdf(request, pk: int):
    return _built(request, pk, Kind.ANNEX, PDF, f"protocol-{pk}-annex.pdf")


@require_GET
@login_required
def protocol_docx(request, pk: int):
    return _built(request, pk, Kind.PROTOCOL_DOCX, DOCX, f"protocol-{pk}.docx")


@require_GET
@login_required
def conclusion_docx(request, pk: int):
    discussion = _for_organizer(request, pk)
    if not discussion.protocol_signed_at:
        raise Http404
    return _built(request, pk, Kind.CONCLUSION_DOCX, DOCX, f"conclusion-{pk}.docx")


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


# --- The organizer's page of the documents, built in the background ---------------------------

# What the page offers, in its order, with where each is downloaded once built.
OFFERED = (
    (Kind.PROTOCOL, "discussions:protocol_pdf"),
    (Kind.CONCLUSION, "discussions:conclusion_pdf"),
    (Kind.DRAFT_PROTOCOL, "discussions:protocol_draft_pdf"),
    (Kind.ANNEX, "discussions:annex_pdf"),
    (Kind.PROTOCOL_DOCX, "discussions:protocol_docx"),
    (Kind.CONCLUSION_DOCX, "discussions:conclusion_docx"),
)


def _records_context(discussion) -> dict:
    latest = builds.latest(discussion)
    kept = {Kind.PROTOCOL: discussion.protocol_file, Kind.CONCLUSION: discussion.conclusion_file}
    shown = {
        Kind.PROTOCOL: bool(discussion.protocol_signed_at),
        Kind.CONCLUSION: bool(discussion.conclusion_published_at),
        Kind.DRAFT_PROTOCOL: not discussion.protocol_signed_at,
        Kind.CONCLUSION_DOCX: bool(discussion.protocol_signed_at),
    }
    rows = []
    for kind, url_name in OFFERED:
        if not shown.get(kind, True):
            continue
        build = latest.get(kind)
        ready = bool(kept[kind]) if kind in kept else bool(build and build.file)
        rows.append(
            {
                "kind": kind,
                "label": Kind(kind).label,
                "build": build,
                "url": reverse(url_name, args=[discussion.pk]) if ready else "",
                "may_prepare": queries.may_build(discussion, kind)
                and not (build and not build.finished),
            }
        )
    return {
        "rows": rows,
        "under_way": any(row["build"] and not row["build"].finished for row in rows),
    }


@login_required
def records_page(request, pk: int):
    discussion = queries_organizer.organized_discussion(request.user, pk)
    context = _records_context(discussion)
    if request.htmx:
        return render(
            request,
            "discussions/organizer/_records.html",
            {"discussion": discussion, **context},
        )
    return page(request, "discussions/organizer/records.html", discussion, "records", context)


@login_required
@require_POST
def prepare_record(request, pk: int):
    discussion = queries_organizer.organized_discussion(request.user, pk)
    kind = request.POST.get("kind", "")
    try:
        services.request_record(user=request.user, discussion=discussion, kind=kind)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(document)s is being prepared; this page shows how far it has got.")
            % {"document": Kind(kind).label.capitalize()},
        )
    return redirect(reverse("discussions:records", args=[pk]) + f"#record-{kind}")


patterns = [
    path("<int:pk>/documents/", records_page, name="records"),
    path("<int:pk>/documents/prepare/", prepare_record, name="prepare_record"),
    path("<int:pk>/protocol.pdf", protocol_pdf, name="protocol_pdf"),
    path("<int:pk>/protocol-draft.pdf", protocol_draft_pdf, name="protocol_draft_pdf"),
    path("<int:pk>/protocol-annex.pdf", annex_pdf, name="annex_pdf"),
    path("<int:pk>/protocol.docx", protocol_docx, name="protocol_docx"),
    path("<int:pk>/protocol-extract.pdf", extract_pdf, name="extract_pdf"),
    path("<int:pk>/conclusion.pdf", conclusion_pdf, name="conclusion_pdf"),
    path("<int:pk>/conclusion.docx", conclusion_docx, name="conclusion_docx"),
]
