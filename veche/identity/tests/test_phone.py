"""Phone confirmation: a code by SMS raises a person to Level.PHONE, one account per number."""

import datetime
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from tests.factories import make_user
from tests.phone import sent_code
from tests.sign_in import enter
from veche.accounts.services import erase_account, export_personal_data
from veche.core.models import AuditEvent
from veche.identity.eligibility import person_facts
from veche.identity.models import Level, PhoneCode, Verification
from veche.identity.phones import hash_phone, mask_phone, normalize_phone
from veche.identity.queries import pending_phone_code
from veche.identity.services import confirm_phone, send_phone_code

pytestmark = pytest.mark.django_db

NUMBER = "+79161234567"


@pytest.fixture(autouse=True)
def outbox(sms_outbox, settings):
    settings.VECHE_PHONE_CODE_TTL_MINUTES = 10
    settings.VECHE_PHONE_CODES_PER_USER_HOUR = 3
    settings.VECHE_PHONE_CODES_PER_NUMBER_HOUR = 5
    with translation.override("en"):
        yield sms_outbox


@pytest.fixture
def person():
    return make_user()


def refusal(call, **kwargs) -> str:
    with pytest.raises((ValidationError, PermissionDenied)) as caught:
        call(**kwargs)
    return " ".join(getattr(caught.value, "messages", [str(caught.value)]))


# --- The way through ----------------------------------------------------------------------


def test_the_code_from_the_sms_confirms_the_number_and_raises_the_level(person, outbox):
    assert person_facts(person).level == Level.EMAIL
    send_phone_code(user=person, number="8 916 123-45-67")
    [message] = outbox
    assert message.to == NUMBER
    confirm_phone(user=person, code=sent_code())
    assert person_facts(person).level == Level.PHONE
    verification = person.verifications.get()
    assert verification.source == Verification.Source.PHONE
    assert verification.verified_claims["claims"] == {
        "phone_number": NUMBER,
        "phone_number_verified": True,
    }
    assert verification.verified_claims["verification"]["trust_framework"] == "veche_sms_code"
    assert verification.source_reference == f"phone:{hash_phone(NUMBER)}"
    assert "9161234567" not in verification.source_reference


def test_confirmation_is_audited_with_the_number_masked(person, outbox):
    send_phone_code(user=person, number=NUMBER)
    confirm_phone(user=person, code=sent_code())
    event = AuditEvent.objects.get(action="identity.phone_confirmed")
    assert event.actor == person
    assert event.data == {"number": "+7 916 ***-**-67"}
    assert AuditEvent.objects.filter(action="identity.verified", actor=person).exists()


def test_codes_are_kept_only_as_keyed_hashes_and_the_number_only_until_used(person, outbox):
    send_phone_code(user=person, number=NUMBER)
    code = sent_code()
    stored = PhoneCode.objects.get()
    assert code not in (stored.code_hash, stored.salt)
    assert stored.number == NUMBER
    confirm_phone(user=person, code=code)
    stored.refresh_from_db()
    assert stored.status == PhoneCode.Status.CONFIRMED
    assert stored.number == ""


def test_the_code_may_be_typed_with_spaces(person, outbox):
    send_phone_code(user=person, number=NUMBER)
    code = sent_code()
    confirm_phone(user=person, code=f" {code[:3]} {code[3:]} ")
    assert person_facts(person).level == Level.PHONE


def test_a_new_number_replaces_the_old_one_and_frees_it(person, outbox):
    send_phone_code(user=person, number=NUMBER)
    confirm_phone(user=person, code=sent_code())
    send_phone_code(user=person, number="+79171112233")
    confirm_phone(user=person, code=sent_code())
    [current] = person.verifications.filter(revoked_at__isnull=True)
    assert current.phone_number == "+79171112233"
    other = make_user()
    send_phone_code(user=other, number=NUMBER)
    confirm_phone(user=other, code=sent_code())
    assert other.verifications.get().phone_number == NUMBER


def test_codes_older_than_a_day_are_forgotten_when_new_ones_are_sent(person, outbox):
    long_ago = timezone.now() - datetime.timedelta(days=2)
    send_phone_code(user=person, number=NUMBER, now=long_ago)
    send_phone_code(user=make_user(), number="+79171112233")
    assert not PhoneCode.objects.filter(user=person).exists()


def test_a_higher_level_is_kept_when_the_phone_is_confirmed(outbox):
    from tests.factories import make_resident, make_territory

    resident = make_resident(make_territory())
    send_phone_code(user=resident, number=NUMBER)
    confirm_phone(user=resident, code=sent_code())
    assert person_facts(resident).level == Level.CENSUS


# --- Refusals -----------------------------------------------------------------------------


def test_a_wrong_code_is_refused_and_the_right_one_still_works(person, outbox):
    send_phone_code(user=person, number=NUMBER)
    code = sent_code()
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    assert refusal(confirm_phone, user=person, code=wrong) == (
        "The code is wrong. You may try 4 more times."
    )
    assert person_facts(person).level == Level.EMAIL
    confirm_phone(user=person, code=code)
    assert person_facts(person).level == Level.PHONE


def test_five_wrong_codes_void_the_code(person, outbox):
    send_phone_code(user=person, number=NUMBER)
    code = sent_code()
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    for _ in range(4):
        refusal(confirm_phone, user=person, code=wrong)
    assert refusal(confirm_phone, user=person, code=wrong) == (
        "The code is wrong, and it no longer works. Ask for a new one."
    )
    assert refusal(confirm_phone, user=person, code=code) == (
        "There is no code waiting to be entered. Ask for a new one."
    )
    assert PhoneCode.objects.get().status == PhoneCode.Status.VOID
    assert not person.verifications.exists()


def test_an_expired_code_is_refused(person, outbox):
    sent = timezone.now()
    send_phone_code(user=person, number=NUMBER, now=sent)
    code = sent_code()
    later = sent + datetime.timedelta(minutes=10, seconds=1)
    assert refusal(confirm_phone, user=person, code=code, now=later) == (
        "The code has expired. Ask for a new one."
    )
    assert pending_phone_code(person, later) is None
    assert not person.verifications.exists()


def test_a_code_still_works_just_before_it_expires(person, outbox):
    sent = timezone.now()
    send_phone_code(user=person, number=NUMBER, now=sent)
    confirm_phone(
        user=person, code=sent_code(), now=sent + datetime.timedelta(minutes=9, seconds=59)
    )
    assert person.verifications.get().level == Level.PHONE


def test_only_the_latest_code_works(person, outbox):
    send_phone_code(user=person, number=NUMBER)
    first = sent_code()
    send_phone_code(user=person, number=NUMBER)
    second = sent_code()
    if first != second:
        assert refusal(confirm_phone, user=person, code=first).startswith("The code is wrong.")
    confirm_phone(user=person, code=second)
    assert person_facts(person).level == Level.PHONE


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef"])
def test_a_code_that_is_not_six_digits_is_refused_without_counting(person, outbox, typed):
    send_phone_code(user=person, number=NUMBER)
    assert refusal(confirm_phone, user=person, code=typed) == (
        "Enter the 6-digit code from the text message."
    )
    assert PhoneCode.objects.get().attempts == 0


def test_asking_for_a_fourth_code_within_an_hour_is_refused(person, outbox):
    sent = timezone.now()
    for minutes in range(3):
        send_phone_code(user=person, number=NUMBER, now=sent + datetime.timedelta(minutes=minutes))
    message = refusal(
        send_phone_code, user=person, number=NUMBER, now=sent + datetime.timedelta(minutes=30)
    )
    assert message == "You have asked for too many codes within an hour. Try again later."
    assert len(outbox) == 3
    assert PhoneCode.objects.count() == 3
    send_phone_code(user=person, number=NUMBER, now=sent + datetime.timedelta(minutes=61))
    assert len(outbox) == 4


def test_a_sixth_code_to_one_number_within_an_hour_is_refused(outbox):
    sent = timezone.now()
    for _ in range(5):
        send_phone_code(user=make_user(), number=NUMBER, now=sent)
    message = refusal(send_phone_code, user=make_user(), number="8 (916) 123-45-67", now=sent)
    assert (
        message == "Too many codes have been sent to this number within an hour. Try again later."
    )
    assert len(outbox) == 5
    send_phone_code(user=make_user(), number="+79170000001", now=sent)
    assert len(outbox) == 6


def test_a_number_confirmed_on_another_account_is_refused_only_to_who_enters_its_code(
    person, outbox
):
    send_phone_code(user=person, number=NUMBER)
    confirm_phone(user=person, code=sent_code())
    other = make_user()
    # Sent as to any number: asking tells nobody whose number it is.
    send_phone_code(user=other, number="8 916 123 45 67")
    assert len(outbox) == 2
    assert outbox[-1].to == NUMBER
    # A wrong code is just wrong; only the code sent to the number says it is taken.
    wrong = f"{(int(sent_code()) + 1) % 1000000:06d}"
    assert refusal(confirm_phone, user=other, code=wrong) == (
        "The code is wrong. You may try 4 more times."
    )
    message = refusal(confirm_phone, user=other, code=sent_code())
    assert message == "This number is already confirmed on another account."
    assert not other.verifications.exists()
    assert pending_phone_code(other) is None
    assert person.verifications.get().phone_number == NUMBER


def test_asking_for_codes_to_anothers_number_is_limited_as_for_any_number(person, outbox):
    send_phone_code(user=person, number=NUMBER)
    confirm_phone(user=person, code=sent_code())
    prober = make_user()
    sent = timezone.now()
    for minutes in range(3):
        send_phone_code(user=prober, number=NUMBER, now=sent + datetime.timedelta(minutes=minutes))
    message = refusal(
        send_phone_code, user=prober, number=NUMBER, now=sent + datetime.timedelta(minutes=4)
    )
    assert message == "You have asked for too many codes within an hour. Try again later."
    assert PhoneCode.objects.filter(user=prober).count() == 3


def test_a_number_confirmed_elsewhere_while_the_code_travelled_is_refused(person, outbox):
    other = make_user()
    send_phone_code(user=other, number=NUMBER)
    others_code = sent_code()
    send_phone_code(user=person, number=NUMBER)
    confirm_phone(user=person, code=sent_code())
    message = refusal(confirm_phone, user=other, code=others_code)
    assert message == "This number is already confirmed on another account."
    assert not other.verifications.exists()
    assert pending_phone_code(other) is None


def test_the_database_holds_one_account_per_number(person, outbox):
    from django.db import IntegrityError, transaction

    send_phone_code(user=person, number=NUMBER)
    confirm_phone(user=person, code=sent_code())
    mine = person.verifications.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Verification.objects.create(
            user=make_user(),
            level=Level.PHONE,
            source=Verification.Source.PHONE,
            source_reference=mine.source_reference,
            verified_at=timezone.now(),
        )


def test_confirming_the_same_number_again_is_refused(person, outbox):
    send_phone_code(user=person, number=NUMBER)
    confirm_phone(user=person, code=sent_code())
    assert refusal(send_phone_code, user=person, number=NUMBER) == (
        "This number is already confirmed on your account."
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", "Enter your mobile phone number."),
        ("call me", "A phone number has only digits"),
        ("12345", "is not a valid phone number"),
        ("+7 916 123 45 6", "is not a valid phone number"),
        ("+7 843 299-15-00", "This is not a mobile number"),
    ],
)
def test_invalid_numbers_are_refused_with_a_reason_and_nothing_is_sent(
    person, outbox, typed, expected
):
    assert expected in refusal(send_phone_code, user=person, number=typed)
    assert outbox == []
    assert not PhoneCode.objects.exists()


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("8 916 123-45-67", NUMBER),
        ("+7 (916) 123 45 67", NUMBER),
        ("916 123 45 67", NUMBER),
        ("+44 7911 123456", "+447911123456"),
    ],
)
def test_numbers_are_normalised_to_e164_with_russia_by_default(typed, e164):
    assert normalize_phone(typed) == e164


def test_numbers_are_masked_for_display():
    assert mask_phone(NUMBER) == "+7 916 ***-**-67"
    assert mask_phone("+447911123456") == "+44 791* ****56"


# --- The page -----------------------------------------------------------------------------


def test_the_page_asks_for_the_number_then_the_code_then_shows_the_number(client, person, outbox):
    client.force_login(person)
    page = client.get("/verification/", headers={"accept-language": "en"})
    assert "Confirm your phone" in page.text
    assert 'action="/verification/phone/code/"' not in page.text
    sent = client.post(
        "/verification/phone/", {"number": "8 916 123-45-67"}, headers={"accept-language": "en"}
    )
    assert sent.status_code == 302
    page = client.get(sent["Location"], headers={"accept-language": "en"})
    assert "We have sent a six-digit code to +7 916 123-45-67" in page.text
    assert 'action="/verification/phone/code/"' in page.text
    done = client.post(
        "/verification/phone/code/",
        {"code": sent_code()},
        headers={"accept-language": "en"},  # the message is written in the language of the act
    )
    assert done.status_code == 302
    page = client.get("/verification/", headers={"accept-language": "en"})
    assert "Your phone number is confirmed." in page.text
    assert "+7 916 123-45-67" in page.text
    assert "phone:" not in page.text


def test_the_page_answers_alike_whether_a_number_is_anothers_or_nobodys(client, person, outbox):
    send_phone_code(user=person, number=NUMBER)
    confirm_phone(user=person, code=sent_code())
    prober = make_user()
    client.force_login(prober)
    answers = [
        client.post("/verification/phone/", {"number": typed}, headers={"accept-language": "en"})
        for typed in ("8 916 123-45-67", "8 916 765-43-21")
    ]
    assert [answer.status_code for answer in answers] == [302, 302]
    assert [message.to for message in outbox[-2:]] == [NUMBER, "+79167654321"]
    page = client.get(answers[0]["Location"], headers={"accept-language": "en"})
    assert "another account" not in page.text


def test_a_refused_number_is_shown_beside_the_field_and_kept(client, person, outbox):
    client.force_login(person)
    page = client.post(
        "/verification/phone/", {"number": "12345"}, headers={"accept-language": "en"}
    )
    assert page.status_code == 400
    assert "is not a valid phone number" in page.text
    assert 'value="12345"' in page.text
    assert 'aria-invalid="true" aria-describedby="id_number_helptext' in page.text


def test_a_wrong_code_on_the_page_says_so(client, person, outbox):
    client.force_login(person)
    client.post("/verification/phone/", {"number": NUMBER})
    wrong = f"{(int(sent_code()) + 1) % 1000000:06d}"
    page = client.post(
        "/verification/phone/code/", {"code": wrong}, headers={"accept-language": "en"}
    )
    assert page.status_code == 400
    assert "The code is wrong. You may try 4 more times." in page.text
    assert 'action="/verification/phone/code/"' in page.text
    assert not person.verifications.exists()


def test_the_last_wrong_code_on_the_page_says_to_ask_for_a_new_one(client, person, outbox):
    client.force_login(person)
    client.post("/verification/phone/", {"number": NUMBER})
    wrong = f"{(int(sent_code()) + 1) % 1000000:06d}"
    for _ in range(4):
        assert client.post("/verification/phone/code/", {"code": wrong}).status_code == 400
    answer = client.post(
        "/verification/phone/code/", {"code": wrong}, headers={"accept-language": "en"}
    )
    assert answer.status_code == 302
    page = client.get(answer["Location"], headers={"accept-language": "en"})
    assert "The code is wrong, and it no longer works. Ask for a new one." in page.text
    assert 'action="/verification/phone/code/"' not in page.text
    assert 'value="+7 916 123-45-67"' not in page.text


def test_get_confirms_nothing(client, person, outbox):
    client.force_login(person)
    assert client.get("/verification/phone/", {"number": NUMBER}).status_code == 405
    assert outbox == []
    client.post("/verification/phone/", {"number": NUMBER})
    answer = client.get("/verification/phone/code/", {"code": sent_code()})
    assert answer.status_code == 405
    assert not person.verifications.exists()
    assert PhoneCode.objects.get().attempts == 0


def test_the_console_backend_logs_the_message_and_the_page_never_shows_the_code(
    client, person, settings, caplog
):
    settings.VECHE_SMS_BACKEND = "console"
    settings.DEBUG = True
    client.force_login(person)
    with caplog.at_level("INFO", logger="veche.identity.sms"):
        client.post("/verification/phone/", {"number": NUMBER})
    [logged] = [r.getMessage() for r in caplog.records if r.name == "veche.identity.sms"]
    code = re.search(r"\b(\d{6})\b", logged).group(1)
    assert NUMBER in logged
    page = client.get("/verification/", headers={"accept-language": "en"})
    assert code not in page.text
    assert "written to the server log" in page.text


# --- Personal data ------------------------------------------------------------------------


def test_the_export_holds_the_confirmed_number(person, outbox):
    send_phone_code(user=person, number=NUMBER)
    confirm_phone(user=person, code=sent_code())
    [exported] = export_personal_data(user=person)["verifications"]
    assert exported["source"] == "phone"
    assert exported["verified_claims"]["claims"]["phone_number"] == NUMBER


def test_erasing_the_account_removes_numbers_and_codes(person, outbox):
    send_phone_code(user=person, number=NUMBER)
    confirm_phone(user=person, code=sent_code())
    send_phone_code(user=person, number="+79171112233")
    erase_account(user=person)
    assert not PhoneCode.objects.filter(user=person).exists()
    assert not Verification.objects.filter(user=person).exists()


# --- The HTTP gateway, a real server on this machine --------------------------------------


class Gateway:
    """A tiny SMS gateway on 127.0.0.1 that records what it receives and answers `status`."""

    def __init__(self, status: int = 200):
        self.status = status
        self.requests: list[dict] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": json.loads(body)}
                )
                self.send_response(gateway.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def http_gateway(settings):
    def start(status: int = 200) -> Gateway:
        gateway = Gateway(status)
        settings.VECHE_SMS_BACKEND = "http"
        settings.VECHE_SMS_GATEWAY_URL = gateway.url
        settings.VECHE_SMS_GATEWAY_TOKEN = "gateway-t0ken"
        settings.VECHE_SMS_GATEWAY_TIMEOUT = 5
        return gateway

    return start


def test_the_http_backend_posts_json_with_the_bearer_token(person, http_gateway):
    with http_gateway() as gateway:
        send_phone_code(user=person, number="8 916 123-45-67")
    [received] = gateway.requests
    assert received["path"] == "/v1/sms"
    assert received["headers"]["Authorization"] == "Bearer gateway-t0ken"
    assert received["headers"]["Content-Type"] == "application/json"
    assert set(received["body"]) == {"to", "text"}
    assert received["body"]["to"] == NUMBER
    code = re.search(r"\b(\d{6})\b", received["body"]["text"]).group(1)
    confirm_phone(user=person, code=code)
    assert person_facts(person).level == Level.PHONE


def test_a_gateway_error_is_explained_and_leaves_no_valid_code(person, http_gateway, caplog):
    with http_gateway(status=500) as gateway, caplog.at_level("ERROR"):
        message = refusal(send_phone_code, user=person, number=NUMBER)
    assert message == (
        "The text message could not be sent just now. Please try again in a few minutes."
    )
    assert any("answered 500" in record.getMessage() for record in caplog.records)
    assert pending_phone_code(person) is None
    code = re.search(r"\b(\d{6})\b", gateway.requests[0]["body"]["text"]).group(1)
    assert refusal(confirm_phone, user=person, code=code) == (
        "There is no code waiting to be entered. Ask for a new one."
    )
    assert PhoneCode.objects.get().number == ""
    assert not person.verifications.exists()


def test_an_unreachable_gateway_is_explained(person, settings):
    gateway = Gateway()  # bound to a port, never started, then closed: nothing listens there
    gateway.server.server_close()
    settings.VECHE_SMS_BACKEND = "http"
    settings.VECHE_SMS_GATEWAY_URL = gateway.url
    settings.VECHE_SMS_GATEWAY_TIMEOUT = 2
    assert "could not be sent" in refusal(send_phone_code, user=person, number=NUMBER)
    assert pending_phone_code(person) is None


def test_administrators_see_the_number_masked(client, person, outbox):
    send_phone_code(user=person, number=NUMBER)
    verification = confirm_phone(user=person, code=sent_code())
    admin = make_user(is_staff=True, is_superuser=True)
    enter(client, admin)
    page = client.get(f"/admin/identity/verification/{verification.pk}/change/")
    assert page.status_code == 200
    assert "+7 916 ***-**-67" in page.text
    assert "9161234567" not in page.text
