"""Reading issued PDFs back in tests: their text, whole or page by page."""

import io

from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    """The text of every page, with runs of white space (line and cell breaks) made one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def pdf_pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
