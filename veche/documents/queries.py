"""Read side of documents: what the public pages and downloads may show."""

from django.shortcuts import get_object_or_404

from veche.appeals.models import Answer, Appeal
from veche.appeals.queries import public_problems
from veche.documents.models import IssuedDocument

# Answers that are published in full; the others are notices about the course of the appeal.
PUBLIC_ANSWER_KINDS = (Answer.Kind.FINAL, Answer.Kind.INTERIM)


def document_by_code(code: str) -> IssuedDocument:
    return get_object_or_404(IssuedDocument, code=code)


def find_document(code: str) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(code=code).first()


def _appeals():
    return Appeal.objects.select_related("problem__author", "problem__territory", "organization")


def public_appeal(appeal_id: int) -> Appeal:
    """An appeal of a published problem, as anyone may print it."""
    return get_object_or_404(
        _appeals().exclude(status=Appeal.Status.DRAFT).filter(problem__in=public_problems()),
        pk=appeal_id,
    )


def appeal_by_id(appeal_id: int) -> Appeal:
    return get_object_or_404(_appeals(), pk=appeal_id)


def public_answer(answer_id: int) -> Answer:
    return get_object_or_404(
        Answer.objects.select_related(
            "appeal__problem", "appeal__organization", "organization", "official"
        ).filter(kind__in=PUBLIC_ANSWER_KINDS, appeal__problem__in=public_problems()),
        pk=answer_id,
    )
