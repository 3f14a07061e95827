"""HTML templates to PDF with WeasyPrint, offline: only data: URIs and our own files are read."""

import logging
import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# WeasyPrint reports each step of each rendering at INFO: a dozen lines per PDF in our logs.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402


class LocalFilesOnly(URLFetcher):
    """Fetches data: URIs and the site's static and media files from disk; refuses the rest.

    A document renders the same on a server without network access, and text written by
    residents cannot make the server request an address of their choosing.
    """

    def __init__(self, base_url: str):
        super().__init__(allowed_protocols=("data",), allow_redirects=False)
        self._static_prefix = urljoin(base_url, settings.STATIC_URL)
        self._media_prefix = urljoin(base_url, settings.MEDIA_URL)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)  # decoded by urllib's data: handler
        path = self.local_path(url)
        if path is None:
            raise ValueError(f"Documents read only their own files, not {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )

    def local_path(self, url: str) -> Path | None:
        """The file on disk that one of our static or media URLs names."""
        if url.startswith(self._static_prefix):
            return _static_file(_relative(url, self._static_prefix))
        if url.startswith(self._media_prefix):
            return _inside(Path(settings.MEDIA_ROOT), _relative(url, self._media_prefix))
        return None


def _relative(url: str, prefix: str) -> str:
    return unquote(urlsplit(url[len(prefix) :]).path)


def _inside(root: Path, relative: str) -> Path | None:
    root = root.resolve()
    path = (root / relative).resolve()
    if path.is_relative_to(root) and path.is_file():
        return path
    return None


def _static_file(relative: str) -> Path | None:
    # Collected files first: in production their names carry the manifest's hashes.
    found = _inside(Path(settings.STATIC_ROOT), relative)
    if found:
        return found
    try:
        path = finders.find(relative)
    except SuspiciousFileOperation:
        return None
    return Path(path) if path else None


def page_counter_css(pages: int | None = None) -> str:
    """The CSS `content` value of the footer's "page X of Y", in the current language; with
    `pages`, Y is that number rather than the count of the document's own pages."""
    pieces = re.split(r"%\((pages?)\)s", _("page %(page)s of %(pages)s"))

    # re.split keeps the captured names at odd positions, the text between at even ones.
    def value(name: str) -> str:
        return css_string(str(pages)) if name == "pages" and pages else f"counter({name})"

    return " ".join(
        value(piece) if index % 2 else css_string(piece)
        for index, piece in enumerate(pieces)
        if piece
    )


def css_string(text: str) -> str:
    """A CSS string literal of any text (the escapes keep it from closing the rule)."""
    escaped = "".join(
        ch if ch.isalnum() or ch in " .,:;-_№/()" else f"\\{ord(ch):x} " for ch in text
    )
    return f'"{escaped}"'


def html_to_pdf(html: str, *, base_url: str, identifier: str = "") -> bytes:
    document = HTML(string=html, base_url=base_url, url_fetcher=LocalFilesOnly(base_url))
    # A fixed identifier (our verification code) rather than none keeps the bytes reproducible.
    return document.write_pdf(pdf_identifier=identifier.encode() or None)


def render_html(template_name: str, context: dict) -> str:
    """The HTML of a document template (see documents/document_base.html)."""
    return render_to_string(template_name, {"page_counter": page_counter_css(), **context})


def render_pdf(template_name: str, context: dict, *, base_url: str, identifier: str = "") -> bytes:
    """Render a document template (see documents/document_base.html) to PDF bytes."""
    html = render_html(template_name, context)
    return html_to_pdf(html, base_url=base_url, identifier=identifier)
