"""Upload abuse: a file is accepted for what its bytes are, not what its name or declared type
say; HTML, SVG and other active content never pass as a photo, a material or an attachment;
oversized files are refused before they are kept; names cannot climb out of the media folder
or into a header; and whatever was kept is sent back with its own type, nosniff, and a
sandboxing Content-Security-Policy, so even a polyglot runs nothing in the site's origin.

Upload abuse is one of the classes of Decidim's 2023–2026 advisories (issue 15); each case aims
at one of Veche's uploads: problem photos, answer attachments, project materials, property
documents.
"""

import io

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import make_discussion, make_problem, tiny_pdf
from tests.sign_in import enter
from veche.appeals.attachments import AttachmentsField
from veche.appeals.forms import PhotosField
from veche.appeals.models import ProblemPhoto
from veche.discussions import services as discussions
from veche.discussions.models import MaterialVersion

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTML = b"<!doctype html><html><body><script>alert(document.domain)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)
POLYGLOT = PNG + b"<html><script>alert(document.domain)</script></html>"
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 32
DISGUISES = [
    ("photo.png", HTML, "image/png"),
    ("photo.jpg", SVG, "image/jpeg"),
    ("photo.svg", SVG, "image/svg+xml"),
    ("photo.webp", WAV, "image/webp"),
    ("photo.png", b"GIF89a" + HTML, "image/png"),
]


@pytest.fixture(autouse=True)
def _media(settings):
    settings.LANGUAGE_CODE = "en"
    settings.VECHE_MEDIA_ACCEL_REDIRECT = ""
    settings.VECHE_CLAMD_ADDRESS = ""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def upload(name, content, content_type):
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Active content in disguise -------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "content_type"), DISGUISES)
def test_html_svg_and_other_files_do_not_pass_as_a_problem_photo(name, content, content_type):
    with pytest.raises(forms.ValidationError):
        PhotosField().clean([upload(name, content, content_type)])


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("answer.pdf", HTML, "application/pdf"),
        ("answer.png", SVG, "image/png"),
        ("answer.docx", b"PK\x03\x04" + b"\x00" * 64, "application/octet-stream"),
        ("answer.html", HTML, "text/html"),
        ("answer.pdf", PNG, "application/pdf"),  # a real image, named as another kind
    ],
)
def test_html_svg_and_lies_do_not_pass_as_an_answer_attachment(name, content, content_type):
    with pytest.raises(forms.ValidationError):
        AttachmentsField().clean([upload(name, content, content_type)])


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("plan.pdf", HTML, "application/pdf"),
        ("plan.svg", SVG, "image/svg+xml"),
        ("plan.pdf", b"%PDF-1.7\n" + HTML, "application/pdf"),  # a PDF header, no PDF
    ],
)
def test_html_and_svg_do_not_pass_as_a_project_material(name, content, content_type):
    discussion = make_discussion(stage="scheduled", publish=False)
    with pytest.raises(ValidationError):
        discussions.add_material(
            user=discussion.created_by,
            discussion=discussion,
            title="Схема",
            upload=upload(name, content, content_type),
        )
    assert MaterialVersion.objects.filter(material__discussion=discussion).count() == 1


def test_a_password_protected_pdf_is_refused_as_a_material():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(tiny_pdf())))
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    discussion = make_discussion(stage="scheduled", publish=False)
    with pytest.raises(ValidationError):
        discussions.add_material(
            user=discussion.created_by,
            discussion=discussion,
            title="Схема",
            upload=upload("plan.pdf", buffer.getvalue(), "application/pdf"),
        )


def test_the_property_document_is_checked_by_its_bytes():
    from veche.identity.forms import PropertyClaimForm

    form = PropertyClaimForm(
        data={}, files={"document": upload("deed.pdf", HTML, "application/pdf")}
    )
    form.is_valid()
    assert "document" in form.errors


# --- Size -----------------------------------------------------------------------------------


def test_a_material_over_the_limit_is_refused_and_nothing_is_kept(settings, tmp_path):
    settings.VECHE_MATERIAL_MAX_MB = 1
    discussion = make_discussion(stage="scheduled", publish=False)
    big = tiny_pdf() + b"%" + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError):
        discussions.add_material(
            user=discussion.created_by,
            discussion=discussion,
            title="Огромная схема",
            upload=upload("plan.pdf", big, "application/pdf"),
        )
    assert not discussion.materials.filter(title="Огромная схема").exists()
    kept = [path for path in (tmp_path / "media").rglob("*") if path.is_file()]
    assert all(path.stat().st_size < 1024 * 1024 for path in kept)


def test_a_photo_over_eight_megabytes_is_refused():
    big = upload("photo.png", PNG + b"\x00" * (8 * 1024 * 1024), "image/png")
    with pytest.raises(forms.ValidationError):
        PhotosField().clean([big])


# --- Names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["../../../../etc/cron.d/evil.png", "..\\..\\..\\windows\\evil.png", "/etc/passwd.png"],
)
def test_a_name_cannot_climb_out_of_the_media_folder(tmp_path, name):
    """As the service keeps a photo from the form (the upload's own name, as the browser sent
    it)."""
    from django.core.exceptions import SuspiciousFileOperation

    problem = make_problem()
    try:
        photo = problem.photos.create(image=upload(name, PNG, "image/png"))
    except SuspiciousFileOperation:  # refused outright (a 400 in a request): nothing written
        assert not any(path.is_file() for path in tmp_path.rglob("evil.png"))
        return
    stored = (tmp_path / "media" / photo.image.name).resolve()
    assert stored.is_relative_to((tmp_path / "media").resolve())
    assert ".." not in photo.image.name


def test_a_name_cannot_add_a_header_or_change_the_served_kind(client):
    material = discussions.add_material(
        user=(discussion := make_discussion(stage="scheduled", publish=False)).created_by,
        discussion=discussion,
        title='План"\r\nSet-Cookie: sessionid=stolen\r\nX: .html',
        upload=upload("plan.pdf", tiny_pdf(), "application/pdf"),
    )
    enter(client, discussion.created_by)
    response = client.get(material.get_absolute_url())
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers or "stolen" not in response.headers["Set-Cookie"]
    assert "\n" not in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"


# --- What is kept is served inert ----------------------------------------------------------


def test_a_polyglot_photo_is_served_as_an_image_in_a_sandbox(client):
    problem = make_problem()
    # A PNG signature in front of a page: re-encoding the picture finds no picture, and refuses it.
    with pytest.raises(ValidationError):
        PhotosField().clean([upload("photo.png", POLYGLOT, "image/png")])
    # Stored before that check (an older version, an import), it is still served as an image in
    # a sandbox, never as a page.
    photo = ProblemPhoto(problem=problem)
    photo.image.save("photo.png", ContentFile(POLYGLOT), save=True)
    response = client.get(reverse("appeals:photo", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert policy.startswith("sandbox")
    assert "default-src 'none'" in policy


def test_a_file_kept_under_an_active_name_is_downloaded_never_shown(client):
    """Should a file with an .html or .svg name ever be stored (an older version, an import),
    it is sent as opaque bytes to save, not as a page."""
    problem = make_problem()
    for name, content in (("old.html", HTML), ("old.svg", SVG)):
        photo = ProblemPhoto(problem=problem)
        photo.image.save(name, ContentFile(content), save=True)
        response = client.get(reverse("appeals:photo", args=[photo.pk]))
        assert response["Content-Type"] == "application/octet-stream", name
        assert response["Content-Disposition"].startswith("attachment"), name
        assert response["Content-Security-Policy"].startswith("sandbox"), name
