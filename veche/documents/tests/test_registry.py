"""The kinds of documents: registered by the apps that issue them, checked when a document is
issued or validated, so the register never holds a kind its verification page cannot name."""

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse

from tests.factories import make_user
from tests.sign_in import enter
from veche.documents import registry
from veche.documents.models import IssuedDocument
from veche.documents.tests.samples import SAMPLE, SAMPLE_KIND, issue_sample

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def kinds(monkeypatch):
    """The registry as the apps left it, restored after the test."""
    monkeypatch.setattr(registry, "_kinds", dict(registry._kinds))
    return registry


def test_the_kinds_issued_before_the_registry_are_registered_under_their_stored_codes():
    codes = {kind.code for kind in registry.kinds()}
    assert {"appeal", "answer", "protocol", "conclusion"} <= codes


def test_every_registered_kind_has_a_label():
    assert all(str(kind.label) for kind in registry.kinds())


def test_registering_the_same_kind_again_is_harmless(kinds):
    kinds.register(SAMPLE, label="sample record")
    kinds.register(SAMPLE, label="sample record")
    assert [kind.code for kind in kinds.kinds()].count(SAMPLE) == 1


def test_two_kinds_under_one_code_are_refused(kinds):
    kinds.register(SAMPLE, label="sample record")
    with pytest.raises(ImproperlyConfigured):
        kinds.register(SAMPLE, label="another record")


@pytest.mark.parametrize("code", ["", "a" * (registry.CODE_MAX_LENGTH + 1)])
def test_a_code_the_register_could_not_store_is_refused(kinds, code):
    with pytest.raises(ImproperlyConfigured):
        kinds.register(code, label="record")


@pytest.mark.django_db
def test_a_document_of_an_unregistered_kind_is_not_issued():
    with pytest.raises(LookupError):
        issue_sample()
    assert not IssuedDocument.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("sample_kind")
def test_a_registered_kind_is_issued_and_named_by_its_label():
    document = issue_sample().document
    assert document.kind == SAMPLE
    assert document.described_kind == SAMPLE_KIND
    assert str(document) == f"sample record {document.code}"


@pytest.mark.django_db
@pytest.mark.usefixtures("sample_kind")
def test_validation_accepts_a_registered_kind_and_refuses_another():
    document = issue_sample().document
    document.full_clean()
    document.kind = "retired"
    with pytest.raises(ValidationError) as refused:
        document.full_clean()
    assert "kind" in refused.value.message_dict


@pytest.mark.django_db
@pytest.mark.usefixtures("sample_kind")
def test_the_admin_names_and_filters_documents_by_their_registered_kinds(client):
    sample = issue_sample().document
    IssuedDocument.objects.filter(pk=issue_sample(title="Another").document.pk).update(
        kind="retired"
    )
    enter(client, make_user(is_staff=True, is_superuser=True))
    url = reverse("admin:documents_issueddocument_changelist")
    page = client.get(url).content.decode()
    assert "sample record" in page
    filtered = client.get(url, {"kind": SAMPLE}).content.decode()
    assert sample.code in filtered
    assert "Another" not in filtered
