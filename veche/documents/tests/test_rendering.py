"""Rendering without network access: only data: URIs and our own static and media files."""

import base64
import socket

import pytest
from django.test import override_settings
from django.utils import translation

from veche.documents.qr import qr_data_uri
from veche.documents.rendering import LocalFilesOnly, css_string, html_to_pdf, page_counter_css
from veche.documents.tests.reading import pdf_text

BASE = "https://veche.example.org/"


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a document tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/tracker.png",
        "http://169.254.169.254/latest/meta-data/",
        "ftp://example.com/x.css",
        "file:///etc/passwd",
        "https://veche.example.org/admin/",
        "https://veche.example.org/static/../../etc/passwd",
        "https://veche.example.org/media/../secret_key",
    ],
)
def test_the_fetcher_refuses_anything_but_our_files(url):
    with pytest.raises(ValueError):
        LocalFilesOnly(BASE).fetch(url)


def test_the_fetcher_reads_our_static_files_from_disk():
    response = LocalFilesOnly(BASE).fetch(BASE + "static/documents/document.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_the_fetcher_reads_media_files_from_disk(settings):
    settings.MEDIA_ROOT.mkdir(parents=True)
    (settings.MEDIA_ROOT / "logo.txt").write_text("ours")
    assert LocalFilesOnly(BASE).fetch(BASE + "media/logo.txt").read() == b"ours"


def test_the_fetcher_decodes_data_uris():
    assert LocalFilesOnly(BASE).fetch("data:text/plain;base64,b2s=").read() == b"ok"


def test_a_document_asking_for_remote_files_renders_without_them(no_network):
    html = (
        '<link rel="stylesheet" href="https://example.com/x.css">'
        '<p>Текст документа</p><img src="https://example.com/pixel.png">'
    )
    assert "Текст документа" in pdf_text(html_to_pdf(html, base_url=BASE))


def test_page_numbers_follow_the_language():
    with translation.override("en"):
        assert page_counter_css() == '"page " counter(page) " of " counter(pages)'


def test_css_strings_cannot_close_the_string_the_rule_or_the_style_element():
    quoted = css_string('x"; } </style><script>')
    inner = quoted[1:-1]
    assert quoted[0] == quoted[-1] == '"'
    assert not set(inner) & set('"}<>\n')
    assert inner.startswith("x\\22 ")


@override_settings(SITE_URL="https://veche.example.org")
def test_the_qr_code_is_an_inline_png():
    uri = qr_data_uri("https://veche.example.org/documents/verify/abc/")
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).startswith(b"\x89PNG")
