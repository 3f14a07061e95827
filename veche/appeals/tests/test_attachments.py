"""Photos of problems and files attached to answers go out through Django, to those who may see
the problem or the answer, with their real type, a safe name and no sniffing; in production
nginx sends them (X-Accel-Redirect)."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.factories import make_organization, make_problem, make_staff, make_user
from tests.sign_in import enter
from veche.appeals.models import Answer, AnswerAttachment, Appeal, Problem, ProblemPhoto
from veche.core.files import safe_filename
from veche.core.tests.test_settings import load_settings

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _files_through_django(settings):
    settings.VECHE_MEDIA_ACCEL_REDIRECT = ""


@pytest.fixture
def problem():
    return make_problem()


@pytest.fixture
def official(problem):
    return make_staff(problem.current_appeal.organization)


def attach(problem, official, *, name="Ответ администрации.pdf", content=PDF, stored=None):
    appeal = problem.current_appeal
    answer = Answer.objects.create(
        appeal=appeal,
        organization=appeal.organization,
        official=official,
        kind=Answer.Kind.INTERIM,
        text="Промежуточный ответ.",
    )
    attachment = AnswerAttachment(answer=answer, name=name)
    attachment.file.save(stored or "answer.pdf", ContentFile(content), save=True)
    return attachment


def photo_of(problem, content=PNG) -> ProblemPhoto:
    photo = ProblemPhoto(problem=problem)
    photo.image.save("yard.png", ContentFile(content), save=True)
    return photo


def make_draft(problem) -> Problem:
    Problem.objects.filter(pk=problem.pk).update(status=Problem.Status.DRAFT)
    return problem


def attachment_url(attachment) -> str:
    return reverse("appeals:answer_attachment", args=[attachment.pk])


def photo_url(photo) -> str:
    return reverse("appeals:photo", args=[photo.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- Who may download -----------------------------------------------------------------------


def test_anyone_downloads_an_attachment_of_a_public_answer(client, problem, official):
    attachment = attach(problem, official)
    response = client.get(attachment_url(attachment))
    assert response.status_code == 200
    assert body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    assert "%D0%9E%D1%82%D0%B2%D0%B5%D1%82" in response["Content-Disposition"]  # «Ответ»


def test_an_attachment_of_a_draft_is_hidden_from_everyone_but_its_author_and_the_addressee(
    client, problem, official
):
    attachment = attach(make_draft(problem), official)
    assert client.get(attachment_url(attachment)).status_code == 404
    client.force_login(make_user())
    assert client.get(attachment_url(attachment)).status_code == 404
    enter(client, make_staff(make_organization()))  # an official of someone else
    assert client.get(attachment_url(attachment)).status_code == 404
    client.force_login(problem.author)
    response = client.get(attachment_url(attachment))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    enter(client, official)
    assert client.get(attachment_url(attachment)).status_code == 200


def test_anyone_sees_the_photos_of_a_public_problem(client, problem):
    photo = photo_of(problem)
    response = client.get(photo_url(photo))
    assert response.status_code == 200
    assert body(response) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="yard.png"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_photos_of_a_draft_are_its_authors_alone(client, problem):
    photo = photo_of(make_draft(problem))
    assert client.get(photo_url(photo)).status_code == 404
    client.force_login(make_user())
    assert client.get(photo_url(photo)).status_code == 404
    client.force_login(problem.author)
    assert client.get(photo_url(photo)).status_code == 200


def test_unknown_and_vanished_files_are_not_found(client, problem, official):
    assert client.get(reverse("appeals:answer_attachment", args=[999999])).status_code == 404
    assert client.get(reverse("appeals:photo", args=[999999])).status_code == 404
    attachment = attach(problem, official)
    attachment.file.storage.delete(attachment.file.name)
    assert client.get(attachment_url(attachment)).status_code == 404


def test_files_are_only_read(client, problem, official):
    attachment = attach(problem, official)
    assert client.post(attachment_url(attachment)).status_code == 405


# --- Types and names ------------------------------------------------------------------------


def test_a_docx_is_downloaded_with_its_own_type(client, problem, official):
    attachment = attach(
        problem, official, name="reply.docx", content=b"PK\x03\x04", stored="r.docx"
    )
    response = client.get(attachment_url(attachment))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == 'attachment; filename="reply.docx"'


def test_a_file_of_an_unexpected_kind_is_never_shown_as_a_page(client, problem, official):
    attachment = attach(
        problem, official, name="page.html", content=b"<script>alert(1)</script>", stored="p.html"
    )
    response = client.get(attachment_url(attachment))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_shown_name_cannot_claim_another_kind_than_the_file(client, problem, official):
    attachment = attach(problem, official, name="invoice.html")  # stored as a PDF
    response = client.get(attachment_url(attachment))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="invoice.pdf"'


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\clerk\\ответ.pdf", "ответ.pdf"),
        ('a"b;\r\nSet-Cookie: x.pdf', "a_b_Set-Cookie_ x.pdf"),
        (".htaccess", "htaccess"),
        ("", "file"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_download_names_are_made_safe(given, safe):
    assert safe_filename(given) == safe


# --- Behind nginx ---------------------------------------------------------------------------


def test_behind_nginx_the_file_is_handed_over_with_x_accel_redirect(
    client, settings, problem, official
):
    settings.VECHE_MEDIA_ACCEL_REDIRECT = "/protected-media/"
    attachment = attach(problem, official, stored="ответ 1.pdf")
    response = client.get(attachment_url(attachment))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == (
        "/protected-media/"
        + attachment.file.name.replace("ответ", "%D0%BE%D1%82%D0%B2%D0%B5%D1%82")
    ).replace(" ", "%20")
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")


def test_behind_nginx_a_refusal_hands_nothing_over(client, settings, problem, official):
    settings.VECHE_MEDIA_ACCEL_REDIRECT = "/protected-media/"
    attachment = attach(make_draft(problem), official)
    response = client.get(attachment_url(attachment))
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response


def test_a_redirect_prefix_that_is_not_a_path_is_refused():
    result = load_settings({"VECHE_MEDIA_ACCEL_REDIRECT": "protected-media"})
    assert result.returncode != 0
    assert "VECHE_MEDIA_ACCEL_REDIRECT must be a path that starts and ends with /" in result.stderr


# --- The pages link to the checked views ----------------------------------------------------


def test_pages_link_photos_and_attachments_through_the_checked_views(client, problem, official):
    photo = photo_of(problem)
    attachment = attach(problem, official)
    content = client.get(problem.get_absolute_url()).content.decode()
    assert f'src="{photo_url(photo)}"' in content
    assert f'href="{attachment_url(attachment)}"' in content
    assert "/media/" not in content
    Appeal.objects.filter(pk=problem.current_appeal.pk).update(status=Appeal.Status.REGISTERED)
    enter(client, official)
    cabinet = client.get(reverse("cabinet:appeal", args=[problem.current_appeal.pk]))
    assert cabinet.status_code == 200
    cabinet_content = cabinet.content.decode()
    assert f'href="{attachment_url(attachment)}"' in cabinet_content
    assert "/media/" not in cabinet_content
