"""Requests no well-behaved client sends: a cursor written by hand, HEAD and OPTIONS with a
token, a method an endpoint does not take. Each gets a plain answer in the API's format, never
a server error; and a list's pages and cursors name only what the public may see."""

import base64
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.factories import make_appeal, make_discussion, set_fields
from veche.api.tests.conftest import bearer, issue, token_for
from veche.appeals.models import Appeal

pytestmark = pytest.mark.django_db


def cursor(**tokens) -> str:
    """A cursor as DRF encodes one: base64 of a query string, the position in `p`."""
    return base64.b64encode(urlencode(tokens).encode()).decode()


def position(next_url: str) -> str:
    encoded = parse_qs(urlsplit(next_url).query)["cursor"][0]
    return parse_qs(base64.b64decode(encoded).decode())["p"][0]


@pytest.fixture
def http(client):
    # What production does with an exception: an answer of 500, not the exception in the test.
    client.raise_request_exception = False
    return client


@pytest.fixture
def token(http, office):
    return token_for(http, *issue(office))


def assert_invalid_cursor(response):
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Invalid cursor"


@pytest.mark.parametrize(
    "list_url",
    [
        "/api/v1/discussions/",  # by id
        "/api/v1/problems/",  # by the time of publication
        "/api/v1/problems/?sort=support",  # by the appeal's signatures
    ],
)
@pytest.mark.parametrize("forged", ["abc", "", "9" * 30, "2026-13-45"])
def test_a_forged_cursor_position_is_not_found(http, district, list_url, forged):
    make_appeal(territory=district)
    make_discussion(territory=district)
    joiner = "&" if "?" in list_url else "?"
    assert_invalid_cursor(http.get(f"{list_url}{joiner}cursor={cursor(p=forged)}"))


def test_a_forged_cursor_of_a_discussions_submissions_is_not_found(http, district):
    discussion = make_discussion(territory=district)
    url = f"/api/v1/discussions/{discussion.pk}/submissions/?cursor={cursor(p='x')}"
    assert_invalid_cursor(http.get(url))


def test_a_forged_cursor_of_the_inbox_is_not_found(http, token):
    assert_invalid_cursor(http.get(f"/api/v1/inbox/?cursor={cursor(p='abc')}", **bearer(token)))


def test_the_cursors_of_the_most_supported_problems_still_lead_through_every_page(
    client, district, settings
):
    settings.VECHE_API_PAGE_SIZE = 2
    made = []
    for support in (3, 9, 1, 9, 5):
        appeal = make_appeal(territory=district, status=Appeal.Status.COLLECTING)
        set_fields(appeal, signature_count=support)
        made.append(appeal.problem_id)
    seen, url = [], "/api/v1/problems/?sort=support"
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(made)


def test_no_page_or_cursor_of_the_discussions_names_one_whose_notice_is_not_out(
    client, district, settings
):
    settings.VECHE_API_PAGE_SIZE = 1
    older = make_discussion(territory=district)
    scheduled = make_discussion(stage="scheduled", territory=district)
    newer = make_discussion(territory=district)
    pages, positions, url = [], [], "/api/v1/discussions/"
    while url:
        page = client.get(url).json()
        pages.append([row["id"] for row in page["results"]])
        url = page["next"]
        if url:
            positions.append(position(url))
    assert pages == [[newer.pk], [older.pk]]
    assert str(scheduled.pk) not in positions


# --- Methods the scope table does not name -----------------------------------------------------


def test_head_with_a_token_is_a_get_without_its_body(http, token):
    response = http.head("/api/v1/inbox/", **bearer(token))
    assert response.status_code == 200
    assert response.content == b""


def test_head_needs_the_scope_a_get_needs(http, office):
    token = token_for(http, *issue(office, scopes=["appeals:register"]))
    assert http.head("/api/v1/inbox/", **bearer(token)).status_code == 403


def test_options_with_a_token_describes_the_endpoint(http, token):
    response = http.options("/api/v1/inbox/", **bearer(token))
    assert response.status_code == 200
    assert response.json()["name"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("put", "/api/v1/inbox/"),
        ("delete", "/api/v1/inbox/"),
        ("get", "/api/v1/inbox/1/register/"),
        ("head", "/api/v1/inbox/1/register/"),
    ],
)
def test_a_method_the_endpoint_does_not_take_is_not_allowed(http, token, method, url):
    response = getattr(http, method)(url, **bearer(token))
    assert response.status_code == 405
