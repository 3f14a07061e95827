"""Organizers accept or reject declarations of property in the territories they answer for."""

import pytest

from tests.factories import make_organization, make_staff, make_territory, make_user
from tests.sign_in import enter
from veche.identity.models import PropertyClaim
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim():
    district = make_territory("kazan-vakhitovsky")
    return PropertyClaim.objects.create(
        user=make_user(),
        territory=district,
        kind="land",
        cadastral_number="16:50:011101:12",
        document="property-claims/x.pdf",
    )


def organizer_for(territory):
    organizer = make_staff(make_organization(jurisdiction=[territory]), Membership.Role.ORGANIZER)
    return organizer


def test_organizer_of_the_territory_rejects_with_a_reason(client, claim):
    enter(client, organizer_for(claim.territory))
    assert "16:50:011101:12" in client.get("/verification/claims/").content.decode()
    client.post(f"/verification/claims/{claim.pk}/", {"decision": "reject", "reason": ""})
    claim.refresh_from_db()
    assert claim.status == PropertyClaim.Status.PENDING  # a rejection needs a reason
    client.post(
        f"/verification/claims/{claim.pk}/",
        {"decision": "reject", "reason": "Кадастровый номер не совпадает с выпиской."},
    )
    claim.refresh_from_db()
    assert claim.status == PropertyClaim.Status.REJECTED
    assert claim.review_reason.startswith("Кадастровый номер")


def test_organizer_of_another_territory_cannot_see_or_decide(client, claim):
    enter(client, organizer_for(make_territory("kazan-sovetsky")))
    assert "16:50:011101:12" not in client.get("/verification/claims/").content.decode()
    assert (
        client.post(f"/verification/claims/{claim.pk}/", {"decision": "accept"}).status_code == 403
    )
    claim.refresh_from_db()
    assert claim.status == PropertyClaim.Status.PENDING


def test_residents_have_no_review_page(client, claim):
    enter(client, make_user())
    assert client.get("/verification/claims/").status_code == 403


def test_the_document_is_shown_to_its_owner_and_reviewers_only(client):
    from django.core.files.base import ContentFile

    district = make_territory("kazan-vakhitovsky")
    owner = make_user()
    claim = PropertyClaim(user=owner, territory=district, kind="land", cadastral_number="16:50:1:1")
    claim.document.save("extract.pdf", ContentFile(b"%PDF-1.4 extract"), save=True)
    url = f"/verification/claims/{claim.pk}/document/"
    for outsider in (make_user(), organizer_for(make_territory("kazan-sovetsky"))):
        enter(client, outsider)
        assert client.get(url).status_code == 404
    for allowed in (owner, organizer_for(district)):
        enter(client, allowed)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content) == b"%PDF-1.4 extract"
    client.logout()
    assert client.get(url).status_code == 302  # to sign in


# --- Erasure -----------------------------------------------------------------------------------


def declared_with_a_document(tmp_path, settings) -> PropertyClaim:
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    claim = PropertyClaim(
        user=make_user(), territory=make_territory(), kind="land", cadastral_number="16:50:1:1"
    )
    claim.document.save("extract.pdf", ContentFile(b"%PDF-1.4 extract"), save=True)
    return claim


def test_erasure_deletes_the_document_once_committed(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    from pathlib import Path

    from veche.accounts.services import erase_account

    claim = declared_with_a_document(tmp_path, settings)
    document = Path(claim.document.path)
    with django_capture_on_commit_callbacks(execute=True):
        erase_account(user=claim.user)
    assert not PropertyClaim.objects.exists()
    assert not document.exists()


def test_an_erasure_rolled_back_keeps_the_declaration_with_its_document(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    from pathlib import Path

    from django.db import transaction

    from veche.accounts.services import erase_account

    claim = declared_with_a_document(tmp_path, settings)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        erase_account(user=claim.user)
        raise RuntimeError("a later step of the erasure failed")
    kept = PropertyClaim.objects.get()
    assert Path(kept.document.path).read_bytes() == b"%PDF-1.4 extract"
