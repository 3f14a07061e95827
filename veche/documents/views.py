"""The public verification pages of issued documents: find one by its code, check a copy."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from veche.documents.forms import MAX_COPY_BYTES, CodeForm, CopyForm
from veche.documents.queries import document_by_code, find_document
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
            **_described(request, document_by_code(code)),
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
    context = {**_described(request, issued), "form": form, "check": check}
    return render(request, "documents/document.html", context)


def _described(request, issued) -> dict:
    """The document as its kind, registered by the app that issues it, describes it."""
    kind = issued.described_kind
    return {"document": issued, "kind": kind, "subject": kind.subject_for(issued, request.user)}


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
