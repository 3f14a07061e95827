"""Erasing an account and the appeals the person signed: a signature on an appeal not yet sent
is counted out and the appeal goes without them; on a sent appeal it keeps counting, but the
platform's copy no longer names them (README, "Personal data")."""

import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from tests.factories import make_problem, make_resident, make_territory
from veche.accounts.services import erase_account
from veche.appeals.documents import appeal_pdf
from veche.appeals.models import Appeal, Follow, Signature
from veche.appeals.services import send_appeal_now, sign_appeal
from veche.core.models import AuditEvent
from veche.core.ratelimits import acting_from

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    return make_territory("kazan-vakhitovsky")


@pytest.fixture
def ada(district):
    return make_resident(district, email="ada@example.org", last_name="Лавлейс", first_name="Ада")


def pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_signature_on_an_appeal_not_yet_sent_is_counted_out(district, ada):
    appeal = make_problem(territory=district, threshold=10).current_appeal
    sign_appeal(user=ada, appeal=appeal)
    appeal.refresh_from_db()
    assert appeal.signature_count == 2

    erase_account(user=ada)

    appeal.refresh_from_db()
    assert appeal.signature_count == 1
    signature = Signature.objects.get(appeal=appeal, user=ada)
    assert signature.withdrawn_at is not None
    assert AuditEvent.objects.filter(
        action="appeal.signature_withdrawn", data__reason="account erased"
    ).exists()


def test_an_appeal_sent_after_the_erasure_does_not_carry_the_person(district, ada):
    appeal = make_problem(territory=district, threshold=10).current_appeal
    sign_appeal(user=ada, appeal=appeal)
    erase_account(user=ada)

    send_appeal_now(author=appeal.problem.author, appeal=appeal)
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.SENT
    assert appeal.signature_count == 1
    text = pdf_text(appeal_pdf(appeal, for_addressee=True))
    assert "Жителев" in text  # the author is there…
    assert "Лавлейс" not in text  # …and the erased co-applicant is not
    assert "ada@example.org" not in text


def test_a_signature_on_a_sent_appeal_keeps_counting_without_a_name(district, ada):
    appeal = make_problem(territory=district, threshold=2).current_appeal
    with acting_from("203.0.113.7"):  # the signature keeps the keyed hash of its network
        sign_appeal(user=ada, appeal=appeal)  # the second signature sends the appeal
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.SENT
    assert Signature.objects.get(appeal=appeal, user=ada).source

    erase_account(user=ada)

    appeal.refresh_from_db()
    assert appeal.signature_count == 2
    signature = Signature.objects.get(appeal=appeal, user=ada)
    assert signature.withdrawn_at is None
    assert (signature.full_name, signature.postal_address, signature.email) == ("", "", "")
    assert signature.source == ""  # not even the network it came from
    text = pdf_text(appeal_pdf(appeal, for_addressee=True))
    assert "Лавлейс" not in text
    assert "ada@example.org" not in text
    assert "Anonymous participant" in text or "Анонимный участник" in text


def test_the_persons_follows_of_problems_go(district, ada):
    appeal = make_problem(territory=district, threshold=10).current_appeal
    sign_appeal(user=ada, appeal=appeal)  # signing follows the problem
    assert Follow.objects.filter(user=ada).exists()
    erase_account(user=ada)
    assert not Follow.objects.filter(user=ada).exists()


def test_an_appeal_whose_author_erased_the_account_names_no_one_in_their_place(district):
    author = make_resident(district, email="author@example.org", last_name="Авторова")
    appeal = make_problem(author=author, territory=district, threshold=10).current_appeal
    erase_account(user=author)
    appeal.refresh_from_db()
    assert appeal.signature_count == 0
    text = pdf_text(appeal_pdf(appeal, for_addressee=True))
    assert "Авторова" not in text
    assert "erased" not in text  # not the placeholder address of the anonymous row either
    assert "Anonymous participant" in text or "Анонимный участник" in text


def test_a_signature_on_its_way_when_the_erasure_commits_is_refused(monkeypatch):
    """The person's other tab erases the account after the signature's eligibility was checked
    and before it is stored: the signature is refused, not stored with their data."""
    from veche.accounts.models import User
    from veche.appeals.services import signing

    district = make_territory("kazan-vakhitovsky")
    appeal = make_problem(territory=district, threshold=10).current_appeal
    ada = make_resident(district, email="ada@example.org")
    checked = signing._refuse_unless

    def checked_then_erased(decision):
        checked(decision)
        erase_account(user=User.objects.get(pk=ada.pk))

    monkeypatch.setattr(signing, "_refuse_unless", checked_then_erased)
    with pytest.raises(ValidationError, match="удалена"):
        sign_appeal(user=ada, appeal=Appeal.objects.get(pk=appeal.pk))

    appeal.refresh_from_db()
    assert not Signature.objects.filter(appeal=appeal, user=ada).exists()
    assert appeal.signature_count == 1
