"""Uploaded files and the appeal's and answer's PDF documents."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from veche.appeals import documents, queries, services
from veche.appeals.rules import problem_is_public
from veche.core.files import serve_file


@require_GET
def problem_photo(request, pk: int):
    """A photo of a problem, to whoever may see the problem (a 404 says nothing to the rest)."""
    photo = queries.problem_photo(pk)
    if not request.user.has_perm("appeals.view_problem", photo.problem):
        raise Http404
    return serve_file(
        photo.image,
        filename=photo.image.name,
        public=problem_is_public(photo.problem),
    )


@require_GET
def answer_attachment(request, pk: int):
    """A file attached to an answer, to whoever may see the answer."""
    attachment = queries.answer_attachment(pk)
    answer = attachment.answer
    if not request.user.has_perm("appeals.view_answer", answer):
        raise Http404
    return serve_file(
        attachment.file,
        filename=attachment.name,
        public=problem_is_public(answer.appeal.problem),
    )


def _pdf(content: bytes, filename: str, *, private: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def appeal_document(request, appeal_id: int):
    """Anyone may print a public appeal as a document, without the applicants' data."""
    appeal = queries.public_appeal(appeal_id)
    return _pdf(documents.appeal_pdf(appeal, for_addressee=False), f"appeal-{appeal.pk}.pdf")


@require_GET
@login_required
def appeal_document_for_addressee(request, appeal_id: int):
    """The addressee's copy, with every co-applicant's name and address (59-FZ): to the
    addressee's officials, and to the author who sends the appeal himself. Anyone else signed
    in is refused (403); an anonymous visitor is asked to sign in (an author whose session
    ended gets the copy after signing in)."""
    appeal = queries.appeal_by_id(appeal_id)
    return _pdf(
        services.full_copy(user=request.user, appeal=appeal),
        f"appeal-{appeal.pk}-full.pdf",
        private=True,
    )


@require_GET
@login_required
def supplementary_list_document(request, appeal_id: int, number: int):
    """A supplementary list, with the later co-applicants' names and addresses: to the
    addressee's officials it was sent to; each handing out is recorded."""
    supplementary = queries.supplementary_list(appeal_id, number)
    services.hand_out_supplementary_list(user=request.user, supplementary=supplementary)
    return _pdf(
        documents.supplementary_list_pdf(supplementary),
        f"appeal-{appeal_id}-supplement-{number}.pdf",
        private=True,
    )


@require_GET
def answer_document(request, answer_id: int):
    answer = queries.public_answer(answer_id)
    return _pdf(documents.answer_pdf(answer), f"answer-{answer.pk}.pdf")
