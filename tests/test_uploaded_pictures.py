"""Every upload that may be a picture is kept without its EXIF (the place, the device) and upright:
problem photos, answers' attachments, project materials, property documents, logos."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tests.factories import make_discussion, make_organization, make_problem, make_territory
from tests.pictures import assert_clean_upright, camera_jpeg
from veche.appeals.attachments import AttachmentsField
from veche.appeals.forms import PhotosField
from veche.core.images import strip_metadata
from veche.discussions import services as discussion_services
from veche.identity.forms import PropertyClaimForm
from veche.organizations.admin import OrganizationAdminForm


def photo(name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, camera_jpeg(), content_type="image/jpeg")


def test_a_problem_photo_is_kept_without_exif():
    [kept] = PhotosField().clean([photo()])
    assert_clean_upright(kept.read())


def test_a_picture_attached_to_an_answer_is_kept_without_exif():
    [kept] = AttachmentsField().clean([photo()])
    assert kept.name == "IMG_0001.jpg"
    assert_clean_upright(kept.read())


def test_a_pdf_attached_to_an_answer_is_kept_as_it_came():
    pdf = SimpleUploadedFile("answer.pdf", b"%PDF-1.4 the answer")
    [kept] = AttachmentsField().clean([pdf])
    assert kept.read() == b"%PDF-1.4 the answer"


def test_a_broken_picture_attached_to_an_answer_is_refused_by_name():
    broken = SimpleUploadedFile("scan.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32)
    with pytest.raises(ValidationError) as refused:
        AttachmentsField().clean([broken])
    assert "scan.jpg" in str(refused.value.messages)


@pytest.mark.django_db
def test_a_picture_among_project_materials_is_kept_without_exif():
    discussion = make_discussion()
    version = discussion_services.add_material(
        user=discussion.created_by, discussion=discussion, title="Схема", upload=photo()
    )
    with version.file.open("rb") as stored:
        content = stored.read()
    assert_clean_upright(content)
    assert version.size == len(content)
    assert version.content_type == "image/jpeg"


@pytest.mark.django_db
def test_a_photographed_property_document_is_kept_without_exif():
    form = PropertyClaimForm(
        data={
            "territory": make_territory().pk,
            "kind": "land",
            "cadastral_number": "16:50:011101:123",
        },
        files={"document": photo("deed.jpg")},
    )
    assert form.is_valid(), form.errors
    assert_clean_upright(form.cleaned_data["document"].read())


@pytest.mark.django_db
def test_a_new_logo_is_kept_without_exif():
    form = OrganizationAdminForm(instance=make_organization())
    form.cleaned_data = {"logo": photo("logo.jpg")}
    assert_clean_upright(form.clean_logo().read())


# --- Pictures stored before uploads were cleaned --------------------------------------------


@pytest.mark.django_db
def test_the_command_cleans_stored_pictures_once_and_leaves_clean_ones():
    problem = make_problem()
    old = problem.photos.create(image=ContentFile(camera_jpeg(), name="old.jpg"))
    clean = problem.photos.create(image=strip_metadata(photo("clean.jpg")))
    clean_bytes = clean.image.read()
    clean.image.close()

    output = io.StringIO()
    call_command("strip_image_metadata", stdout=output)

    assert "cleaned 1, clean already 1" in output.getvalue()
    old.refresh_from_db()
    with old.image.open("rb") as stored:
        assert_clean_upright(stored.read())
    with clean.image.open("rb") as stored:
        assert stored.read() == clean_bytes
    output = io.StringIO()
    call_command("strip_image_metadata", stdout=output)
    assert "cleaned 0, clean already 2" in output.getvalue()
