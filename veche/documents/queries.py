"""Read side of documents: the register as the verification pages read it."""

from django.shortcuts import get_object_or_404

from veche.documents.models import IssuedDocument


def document_by_code(code: str) -> IssuedDocument:
    return get_object_or_404(IssuedDocument, code=code)


def find_document(code: str) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(code=code).first()
