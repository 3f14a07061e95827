"""Verification pages of issued documents, and the PDF downloads of appeals and answers."""

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from veche.documents.appeals import NOT_SENT, answer_pdf, appeal_pdf
from veche.documents.forms import MAX_COPY_BYTES, CodeForm, CopyForm
from veche.documents.queries import (
    appeal_by_id,
    document_by_code,
    find_document,
    public_answer,
    public_appeal,
)
from veche.documents.services import sha256_of_file

# Room for the multipart envelope and the CSRF token around the file itself.
_MAX_REQUEST_BYTES = MAX_COPY_BYTES + 64 * 1024


@require_GET
def verify(request):
    form = CodeForm(request.GET or None)
    if form.is_valid():
        document = find_document(form.cleaned_data["code"])
        if document is not None:
            return redirect(document)
        form.add_error("code", _("No document has this code. Check it against the printed one."))
    return render(request, "documents/verify.html", {"form": form})


@csrf_exempt  # checked below, once the size is known: the CSRF check would read the upload
@require_http_methods(["GET", "POST"])
def document_page(request, code: str):
    if request.method == "POST" and _declared_length(request) > _MAX_REQUEST_BYTES:
        context = {
            "document": document_by_code(code),
            "form": CopyForm(),
            "refusal": _("The file is too large to be a document issued by Veche."),
        }
        return render(request, "documents/document.html", context, status=413)
    return _document_page(request, code)


@csrf_protect
def _document_page(request, code: str):
    issued = document_by_code(code)
    check = None
    form = CopyForm(request.POST, request.FILES) if request.method == "POST" else CopyForm()
    if form.is_bound and form.is_valid():
        copy_sha256 = sha256_of_file(form.cleaned_data["copy"])
        check = {"matches": copy_sha256 == issued.sha256, "sha256": copy_sha256}
        form = CopyForm()
    return render(
        request, "documents/document.html", {"document": issued, "form": form, "check": check}
    )


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _pdf(content: bytes, filename: str, *, private: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def appeal_document(request, appeal_id: int):
    """Anyone may print a public appeal as a document, without the applicants' data."""
    appeal = public_appeal(appeal_id)
    return _pdf(appeal_pdf(appeal, for_addressee=False), f"appeal-{appeal.pk}.pdf")


@require_GET
@login_required
def appeal_document_for_addressee(request, appeal_id: int):
    """The addressee's copy, with every co-applicant's name and address (59-FZ)."""
    appeal = appeal_by_id(appeal_id)
    if not rules.has_perm("appeals.see_signatories_data", request.user, appeal):
        raise PermissionDenied(_("Only officials of the addressee receive the applicants' data."))
    if appeal.status in NOT_SENT:
        raise PermissionDenied(_("The addressee receives the applicants' data once it is sent."))
    return _pdf(
        appeal_pdf(appeal, for_addressee=True), f"appeal-{appeal.pk}-full.pdf", private=True
    )


@require_GET
def answer_document(request, answer_id: int):
    answer = public_answer(answer_id)
    return _pdf(answer_pdf(answer), f"answer-{answer.pk}.pdf")
