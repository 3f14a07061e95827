"""Open311 against hostile and careless clients: markup and XML's own characters come back as
text, oversized and malformed input is refused in GeoReport v2's error shape with its status,
keys that are missing or revoked file nothing, and the rate limits hold."""

import pytest
from django.test import override_settings

from tests.factories import make_problem, make_resident, make_territory, make_user, set_fields
from veche.api.models import Open311Key
from veche.api.open311.services import revoke_key
from veche.api.tests.conftest import SINKHOLE, filing, xml
from veche.appeals.models import Problem
from veche.core.models import RateLimit

pytestmark = pytest.mark.django_db

REQUESTS = "/open311/v2/requests"


@pytest.fixture(autouse=True)
def _city(office, roads):
    """The office answers for everything in the district."""


def errors(response, status: int) -> list[str]:
    assert response.status_code == status, response.content
    return [error["description"] for error in response.json()]


def test_markup_in_the_description_is_text_in_xml(client, api_key):
    hostile = SINKHOLE + ' <script>alert(1)</script> & </description><x a="1"/> ]]>'
    pk = client.post(f"{REQUESTS}.json", filing(api_key, description=hostile)).json()[0][
        "service_request_id"
    ]
    response = client.get(f"{REQUESTS}/{pk}.xml")
    assert b"<script>" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;/description&gt;" in response.content
    assert xml(response).find("request").findtext("description") == hostile


def test_characters_xml_cannot_carry_are_dropped_not_sent(client, api_key):
    pk = client.post(f"{REQUESTS}.json", filing(api_key)).json()[0]["service_request_id"]
    Problem.objects.filter(pk=pk).update(description="Bell\x07 and \x1b escape \ufffe end")
    root = xml(client.get(f"{REQUESTS}/{pk}.xml"))
    assert root.find("request").findtext("description") == "Bell and  escape  end"


def test_an_oversized_description_is_refused(client, api_key):
    response = client.post(f"{REQUESTS}.json", filing(api_key, description="Яма " * 3000))
    [message] = errors(response, 400)
    assert message.startswith("description: Ensure this value has at most 10000 characters")
    assert not Problem.objects.exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_a_body_past_the_upload_limit_files_nothing(client, api_key):
    response = client.post(f"{REQUESTS}.json", filing(api_key, description="x" * 20_000))
    # In the standard's error shape, like every other refusal, not Django's HTML page.
    assert errors(response, 413) == ["The request is too large."]
    assert not Problem.objects.exists()


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=20)
def test_a_body_of_too_many_fields_files_nothing(client, api_key):
    extra = {f"attribute[x{number}]": "1" for number in range(30)}
    response = client.post(f"{REQUESTS}.json", {**filing(api_key), **extra})
    assert errors(response, 400) == ["The request has too many fields or files."]
    assert not Problem.objects.exists()


@pytest.mark.parametrize(
    ("lat", "long"), [("north", "49.1"), ("91", "49.1"), ("55.8", "-181"), ("NaN", "49.1")]
)
def test_bad_coordinates_are_refused(client, api_key, lat, long):
    [message] = errors(client.post(f"{REQUESTS}.json", filing(api_key, lat=lat, long=long)), 400)
    assert "must be a number of degrees" in message


def test_a_point_far_outside_the_jurisdiction_is_refused(client, api_key):
    response = client.post(f"{REQUESTS}.json", filing(api_key, lat="-33.86", long="151.2"))
    [message] = errors(response, 400)
    assert message.startswith("lat: ")


def test_an_unknown_service_code_is_refused(client, api_key):
    response = client.post(f"{REQUESTS}.json", filing(api_key, service_code="<b>x</b>"))
    assert errors(response, 400) == ["service_code “<b>x</b>” was not found."]


def test_an_unknown_jurisdiction_is_not_found(client, api_key):
    response = client.post(f"{REQUESTS}.json", filing(api_key, jurisdiction_id="atlantis"))
    assert errors(response, 404) == ["jurisdiction_id “atlantis” was not found."]


def test_a_missing_api_key_files_nothing(client, api_key):
    data = filing(api_key)
    del data["api_key"]
    assert errors(client.post(f"{REQUESTS}.json", data), 403) == ["api_key was not provided."]
    assert not Problem.objects.exists()


def test_a_revoked_key_files_nothing(client, api_key, resident):
    revoke_key(user=resident, key=Open311Key.objects.get(user=resident))
    response = client.post(f"{REQUESTS}.json", filing(api_key))
    assert errors(response, 403) == ["api_key is not valid or was revoked."]


def test_the_key_of_a_deactivated_account_files_nothing(client, api_key, resident):
    set_fields(resident, is_active=False)
    assert client.post(f"{REQUESTS}.json", filing(api_key)).status_code == 403


def test_a_key_is_no_way_around_the_verification_the_site_asks(client, district):
    from veche.api.open311.services import issue_key
    from veche.identity.models import EligibilityRule, Level

    EligibilityRule.objects.filter(action="publish", content_type__isnull=True).delete()
    EligibilityRule.objects.create(action="publish", min_level=Level.CENSUS)
    unverified = make_user(last_name="Петров", first_name="Пётр")
    _key, raw = issue_key(user=unverified, name="Bot")
    response = client.post(f"{REQUESTS}.json", filing(raw))
    assert response.status_code == 403
    assert not Problem.objects.exists()


def test_screening_refuses_what_the_web_form_refuses(client, api_key):
    threat = SINKHOLE + " Если не сделаете, сожгу вашу машину."
    response = client.post(f"{REQUESTS}.json", filing(api_key, description=threat))
    assert response.status_code == 400
    assert not Problem.objects.exists()


def test_publishing_past_the_rate_limit_is_429_with_retry_after(client, api_key):
    RateLimit.objects.filter(action="publish").update(enabled=False)
    RateLimit.objects.update_or_create(
        action="publish",
        scope="account",
        defaults={
            "burst_limit": 1,
            "burst_seconds": 3600,
            "sustained_limit": 100,
            "sustained_seconds": 86400,
            "enabled": True,
        },
    )
    assert client.post(f"{REQUESTS}.json", filing(api_key)).status_code == 201
    response = client.post(f"{REQUESTS}.xml", filing(api_key))
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert xml(response).find("error").findtext("code") == "429"
    assert Problem.objects.count() == 1


@override_settings(VECHE_API_ANON_PER_MINUTE=2)
def test_reading_past_the_rate_is_429(client):
    for _attempt in range(2):
        assert client.get(f"{REQUESTS}.json").status_code == 200
    response = client.get(f"{REQUESTS}.json")
    assert response.status_code == 429
    assert response["Retry-After"]


def test_errors_are_in_the_language_of_accept_language(client, api_key):
    data = filing(api_key)
    del data["api_key"]
    response = client.post(f"{REQUESTS}.json", data, HTTP_ACCEPT_LANGUAGE="ru")
    assert errors(response, 403) == ["Не передан api_key."]


@pytest.mark.parametrize(
    "query",
    [
        {"status": "pending"},
        {"start_date": "yesterday"},
        {"service_request_id": "1,x"},
        {"jurisdiction_id": "atlantis"},
    ],
)
def test_bad_filters_are_refused(client, query):
    response = client.get(f"{REQUESTS}.json", query)
    assert response.status_code in (400, 404)
    assert set(response.json()[0]) == {"code", "description"}


def test_the_list_shows_nothing_personal_nor_hidden(client, district, office):
    author = make_resident(district, email="author@example.org", last_name="Секретов")
    shown = make_problem(author=author, territory=district, organization=office)
    hidden = make_problem(territory=district, organization=office, title="Скрытая проблема тут")
    set_fields(hidden, hidden_at=hidden.published_at, hidden_reason="spam")
    body = client.get(f"{REQUESTS}.json").content.decode()
    assert "author@example.org" not in body
    assert "Секретов" not in body
    ids = [row["service_request_id"] for row in client.get(f"{REQUESTS}.json").json()]
    assert ids == [str(shown.pk)]


def test_a_hidden_problem_is_not_found(client, district, office):
    hidden = make_problem(territory=district, organization=office)
    set_fields(hidden, hidden_at=hidden.published_at, hidden_reason="spam")
    assert client.get(f"{REQUESTS}/{hidden.pk}.json").status_code == 404


def test_a_point_without_jurisdiction_finds_its_territory(client, api_key, district):
    square = [[49.0, 55.7], [49.2, 55.7], [49.2, 55.9], [49.0, 55.9], [49.0, 55.7]]
    set_fields(district, boundary={"type": "Polygon", "coordinates": [square]})
    make_territory("far", ru="Далеко")
    data = filing(api_key)
    del data["jurisdiction_id"]
    response = client.post(f"{REQUESTS}.json", data)
    assert response.status_code == 201, response.content
    assert Problem.objects.get().territory == district
