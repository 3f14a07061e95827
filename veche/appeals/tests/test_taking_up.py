"""Taking up a problem publicly: another organization's head or official sends a letter on its
letterhead to the addressee, once; the addressee itself, other organizations' staff in its name
and anyone else are refused; the letter is a verifiable PDF, the residents hear of it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from tests.factories import make_resident, make_staff
from veche.appeals.documents import take_up_letter
from veche.appeals.models import TAKE_UP_KIND, Follow, TakeUp
from veche.appeals.services import sign_appeal, take_up_problem
from veche.appeals.tests.take_up_cast import LETTER, make_cast
from veche.core.models import AuditEvent, OutboxMessage
from veche.documents.tests.reading import pdf_text
from veche.notifications.models import Notification
from veche.notifications.tests.builders import deliver_events
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return make_cast()


@pytest.fixture(autouse=True)
def _in_english():
    # The refusals are read in English; the letter itself is always in the site language.
    with translation.override("en"):
        yield


def take_up(cast, person=None, organization=None, text=LETTER):
    return take_up_problem(
        official=person or cast.deputy_head,
        problem=cast.problem,
        organization=organization or cast.deputy,
        text=text,
    )


def test_the_deputy_takes_up_the_problem_with_a_registered_letter(cast):
    taken = take_up(cast)
    assert (taken.organization, taken.addressee, taken.appeal) == (
        cast.deputy,
        cast.office,
        cast.appeal,
    )
    assert taken.recipient == cast.office.dispatch_email
    assert taken.document.kind == "take_up"
    assert not taken.document.for_addressee  # public: the organization's own act


def test_taking_up_is_audited_and_its_letter_is_put_in_the_outbox(cast):
    taken = take_up(cast)
    event = AuditEvent.objects.get(action="problem.taken_up")
    assert (event.actor, event.object_id) == (cast.deputy_head, str(cast.appeal.pk))
    assert event.data["organization"] == "deputy-ivanova"
    assert event.data["document"] == taken.document.code
    assert OutboxMessage.objects.filter(kind=TAKE_UP_KIND, target_id=taken.pk).count() == 1


def test_an_official_of_the_organization_may_take_it_up_too(cast):
    taken = take_up(cast, person=cast.deputy_official)
    assert taken.signer_name == "Сидоров Пётр"


def test_the_same_organization_cannot_take_it_up_twice(cast):
    take_up(cast)
    with pytest.raises(ValidationError, match="already taken up"):
        take_up(cast, person=cast.deputy_official)
    assert TakeUp.objects.count() == 1


def test_two_organizations_may_each_take_it_up(cast):
    take_up(cast)
    party_head = make_staff(cast.party, Membership.Role.HEAD, last_name="Петров", first_name="Иван")
    take_up(cast, person=party_head, organization=cast.party)
    assert TakeUp.objects.count() == 2


def test_the_addressee_does_not_take_up_a_problem_addressed_to_itself(cast):
    # A person on the staff of both: acting for the addressee is refused with the reason.
    Membership.objects.create(
        user=cast.deputy_head, organization=cast.office, role=Membership.Role.OFFICIAL
    )
    with pytest.raises(ValidationError, match="addressed to itself"):
        take_up(cast, organization=cast.office)
    assert not TakeUp.objects.exists()


def test_the_addressees_own_official_may_not_take_it_up(cast):
    with pytest.raises(PermissionDenied):
        take_up(cast, person=cast.office_official, organization=cast.office)


def test_another_organizations_staff_cannot_take_it_up_in_the_deputys_name(cast):
    party_head = make_staff(cast.party, Membership.Role.HEAD)
    with pytest.raises(PermissionDenied):
        take_up(cast, person=party_head, organization=cast.deputy)
    assert not TakeUp.objects.exists()


def test_a_signer_without_a_name_is_refused(cast):
    nameless = make_staff(cast.deputy, Membership.Role.OFFICIAL)
    with pytest.raises(ValidationError, match="signed with your name"):
        take_up(cast, person=nameless)
    assert not TakeUp.objects.exists()


def test_a_resident_cannot_take_it_up(cast):
    with pytest.raises(PermissionDenied):
        take_up(cast, person=make_resident(cast.problem.territory))


def test_a_hidden_problem_cannot_be_taken_up(cast):
    cast.problem.hidden_at = timezone.now()
    cast.problem.save(update_fields=["hidden_at"])
    with pytest.raises(PermissionDenied):
        take_up(cast)


def test_a_solved_problem_cannot_be_taken_up(cast):
    cast.problem.status = cast.problem.Status.SOLVED
    cast.problem.save(update_fields=["status"])
    with pytest.raises(PermissionDenied):
        take_up(cast)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("Поддерживаем.", "at least 50"),
        (
            "Поддерживаем жителей, а чиновники — " + "мудаки" + " и бездельники, пора работать.",
            "obscene",
        ),
        ("Я " * 2600, "at most 5000"),
    ],
)
def test_a_letter_too_short_too_long_or_obscene_is_refused(cast, text, reason):
    with pytest.raises(ValidationError, match=reason):
        take_up(cast, text=text)
    assert not TakeUp.objects.exists()


def test_the_letter_pdf_says_who_supports_what_for_whom(cast):
    sign_appeal(user=make_resident(cast.problem.territory), appeal=cast.appeal)
    taken = take_up(cast)
    text = pdf_text(take_up_letter(taken).pdf)
    assert "ДЕПУТАТ КАЗАНСКОЙ ГОРОДСКОЙ ДУМЫ" in text
    assert "Организация" in text  # the addressee, by its name in the site language
    assert cast.office.postal_address in text
    assert "Ямы во дворе дома 5 по улице Пушкина" in text
    assert f"/problems/{cast.problem.pk}/" in text
    assert "подписали 2 жителя" in text  # the author and a neighbour
    assert "яма во дворе опасна для детей" in text
    assert "Депутат Городской думы" in text and "Иванова Мария" in text
    assert taken.document.code in text


def test_the_letter_renders_again_under_its_one_code(cast):
    taken = take_up(cast)
    sign_appeal(user=make_resident(cast.problem.territory), appeal=cast.appeal)
    assert take_up_letter(taken).document == taken.document


def test_the_letters_verification_page_names_it_and_links_the_problem(client, cast):
    taken = take_up(cast)
    page = client.get(
        taken.document.get_absolute_url(), headers={"accept-language": "en"}
    ).content.decode()
    assert "Letter of an organization taking up a problem" in page
    assert cast.problem.get_absolute_url() in page


def test_the_residents_and_followers_hear_of_it_but_not_the_signer(cast):
    signatory = make_resident(cast.problem.territory)
    sign_appeal(user=signatory, appeal=cast.appeal)
    follower = make_resident(cast.problem.territory)
    Follow.objects.create(problem=cast.problem, user=follower)
    deliver_events()
    Notification.objects.all().delete()
    take_up(cast)
    deliver_events()
    heard = set(
        Notification.objects.filter(kind="problem_taken_up").values_list("user_id", flat=True)
    )
    assert heard == {cast.problem.author_id, signatory.pk, follower.pk}
