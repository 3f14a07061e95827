"""Census import: all or nothing, identifiers hashed, and residents matched against it."""

import csv

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.factories import make_territory, make_user
from veche.core import ratelimits
from veche.core.models import AuditEvent
from veche.core.ratelimits import RateLimited, acting_from
from veche.identity.census import CensusFileError, hash_identifier
from veche.identity.eligibility import person_facts
from veche.identity.models import CensusEntry, CensusImport, Level
from veche.identity.services import import_census, verify_by_census
from veche.territories.models import Territory

pytestmark = pytest.mark.django_db

GOOD = (
    "identifier,birthdate,territory,address\n"
    '9204 123456,1990-04-12,kazan-vakhitovsky,"ул. Пушкина, 5"\n'
    "9205 654321,28.02.1985,kazan-sovetsky,\n"
)


@pytest.fixture
def kazan():
    city = make_territory("kazan", kind=Territory.Kind.CITY, en="Kazan")
    make_territory("kazan-vakhitovsky", parent=city, en="Vakhitovsky District")
    make_territory("kazan-sovetsky", parent=city, en="Sovetsky District")
    return city


def census_operator():
    """Staff granted the permission to import census lists, and nothing more."""
    from django.contrib.auth.models import Permission

    operator = make_user(is_staff=True)
    operator.user_permissions.add(Permission.objects.get(codename="add_censusimport"))
    return operator


def upload(kazan, content: bytes):
    return import_census(
        territory=kazan, file_name="census.csv", content=content, uploaded_by=census_operator()
    )


def errors_of(kazan, content: bytes) -> list[str]:
    with translation.override("en"), pytest.raises(CensusFileError) as caught:
        upload(kazan, content)
    assert not CensusImport.objects.exists()
    assert not CensusEntry.objects.exists()
    return caught.value.errors


def test_good_file_is_imported_with_identifiers_only_as_hashes(kazan):
    census = upload(kazan, GOOD.encode())
    assert census.row_count == 2
    stored = list(CensusEntry.objects.values_list("identifier_hash", flat=True))
    assert hash_identifier("9204123456") in stored
    assert not CensusEntry.objects.filter(identifier_hash__contains="123456").exists()
    event = AuditEvent.objects.get(action="identity.census_imported")
    assert event.data == {"territory": "kazan", "rows": 2}


def test_semicolon_files_with_a_byte_order_mark_are_accepted(kazan):
    content = "\ufeff" + GOOD.replace(",", ";").replace('"ул. Пушкина; 5"', "ул. Пушкина 5")
    assert upload(kazan, content.encode()).row_count == 2


def test_file_in_another_encoding_is_refused_and_nothing_is_written(kazan):
    [error] = errors_of(kazan, GOOD.encode("cp1251"))
    assert "not in UTF-8" in error


def test_missing_columns_are_named(kazan):
    [error] = errors_of(kazan, b"number,born\n1,1990-01-01\n")
    assert error.startswith("Missing columns: identifier, birthdate.")


def test_duplicate_rows_are_reported_by_line(kazan):
    content = GOOD + "9204-123456,1990-04-12,kazan-vakhitovsky,\n"
    [error] = errors_of(kazan, content.encode())
    assert error == "Line 4: the same identifier as line 2."


def test_every_bad_line_is_reported(kazan):
    content = (
        "identifier,birthdate,territory\n"
        ",1990-01-01,kazan\n"
        "1,31.02.1990,kazan\n"
        "2,1990-01-01,moscow\n"
        "3,1990-01-01,kazan,extra\n"
    )
    errors = errors_of(kazan, content.encode())
    assert [e.split(":")[0] for e in errors] == ["Line 2", "Line 3", "Line 4", "Line 5"]
    assert "is not a date" in errors[1]
    assert "“moscow” is not Kazan or inside it" in errors[2]


def test_empty_file_is_refused(kazan):
    assert errors_of(kazan, b"identifier,birthdate\n") == ["The file has no rows."]


def test_listed_resident_becomes_census_verified_in_their_district(kazan):
    upload(kazan, GOOD.encode())
    user = make_user()
    verify_by_census(user=user, identifier="9204-123456", birthdate="12.04.1990")
    facts = person_facts(user)
    assert facts.level == Level.CENSUS
    assert facts.residence_path.endswith("/kazan-vakhitovsky/")


def test_wrong_birthdate_does_not_match(kazan):
    upload(kazan, GOOD.encode())
    user = make_user()
    with translation.override("en"), pytest.raises(ValidationError, match="found no resident"):
        verify_by_census(user=user, identifier="9204 123456", birthdate="13.04.1990")
    assert not user.verifications.exists()


@pytest.fixture
def still_clock(monkeypatch):
    """The rate limits' windows are fixed on the clock: one moment well inside an hour and a
    day, so that no window turns over between two tries of a test."""
    monkeypatch.setattr(ratelimits.time, "time", lambda: 1_800_001_830.0)


def guesses(people, address: str) -> tuple[int, int]:
    """Each person tries a wrong number from `address`: (tries answered, tries refused)."""
    answered = refused = 0
    with acting_from(address):
        for number, person in enumerate(people):
            try:
                verify_by_census(
                    user=person, identifier=f"0000 {number:06}", birthdate="01.01.1990"
                )
            except RateLimited:
                refused += 1
            except ValidationError:
                answered += 1
    return answered, refused


def test_guessing_is_stopped_after_a_few_attempts(kazan, still_clock):
    upload(kazan, GOOD.encode())
    user = make_user()
    assert guesses([user] * 5, "203.0.113.7") == (5, 0)
    with acting_from("203.0.113.7"), pytest.raises(RateLimited):
        verify_by_census(user=user, identifier="9204 123456", birthdate="12.04.1990")
    assert not user.verifications.exists()


def test_many_accounts_from_one_address_or_network_are_stopped_too(kazan, still_clock):
    """Someone holding a leaked list of document numbers and birthdates, trying it through a
    crowd of fresh accounts: each account is under its own limit, the address is not."""
    upload(kazan, GOOD.encode())
    crowd = [make_user() for _ in range(12)]
    assert guesses(crowd, "203.0.113.7") == (10, 2)  # the address: 10 an hour
    # Other addresses of the same /24, each under its own 10, share its network's 30 an hour,
    # of which the first address's 12 tries (refused ones count too) took 12.
    answered = sum(guesses(crowd[:5], f"203.0.113.{n}")[0] for n in (8, 9, 10, 11))
    assert answered == 30 - 12
    with acting_from("198.51.100.1"):  # another network: the real resident is not held up
        verify_by_census(user=make_user(), identifier="9204 123456", birthdate="12.04.1990")


def test_the_refusal_is_said_on_the_page(client, kazan, still_clock):
    upload(kazan, GOOD.encode())
    client.force_login(make_user())
    for number in range(6):
        response = client.post(
            "/verification/census/",
            {"identifier": f"0000 {number:06}", "birthdate": "01.01.1990"},
            HTTP_ACCEPT_LANGUAGE="en",
            follow=True,
        )
    assert "Too many attempts at checking oneself against the census lists" in (
        response.content.decode()
    )


# --- Hostile files ------------------------------------------------------------------------------


def test_a_null_character_is_refused_and_nothing_is_written(kazan):
    # PostgreSQL stores no NUL in text: the import would fail with a server error.
    content = "identifier,birthdate,address\n9204 123456,1990-04-12,ул. \x00Пушкина\n"
    [error] = errors_of(kazan, content.encode())
    assert "null character" in error


def test_a_cell_longer_than_csv_reads_is_refused_by_its_line(kazan):
    huge = "x" * (csv.field_size_limit() + 1)
    content = f'identifier,birthdate,address\n9204 123456,1990-04-12,ok\n1,1990-04-12,"{huge}"\n'
    [error] = errors_of(kazan, content.encode())
    assert error.startswith("Line 3 cannot be read as CSV"), error


def test_a_file_of_more_rows_than_allowed_is_refused(kazan, settings):
    settings.VECHE_CENSUS_MAX_ROWS = 2
    assert upload(kazan, GOOD.encode()).row_count == 2  # two rows: allowed
    CensusImport.objects.all().delete()
    three = GOOD + "9206 111111,1970-01-01,kazan-sovetsky,\n"
    [error] = errors_of(kazan, three.encode())
    assert error.startswith("The file has more than 2 rows"), error


def test_the_upload_form_refuses_a_file_too_big_before_reading_it(kazan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from veche.identity.census import MAX_BYTES
    from veche.identity.forms import CensusUploadForm

    file = SimpleUploadedFile("census.csv", GOOD.encode(), content_type="text/csv")
    file.size = MAX_BYTES + 1  # as Django measured it, streaming it to a temporary file
    form = CensusUploadForm(data={"territory": kazan.pk}, files={"file": file})
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors["file"] == ["The file is larger than 20 MB."]
