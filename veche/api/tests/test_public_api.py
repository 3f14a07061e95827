"""The public reads: anonymous, filtered, paged by cursor, answered with ETags, throttled, and
refusing bad input with problem details."""

import datetime

import pytest

from tests.factories import (
    make_appeal,
    make_category,
    make_signature,
    make_staff,
    make_territory,
    make_user,
)
from veche.appeals.models import Answer, Appeal
from veche.appeals.participants import known_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return make_territory("kazan", kind="city")


@pytest.fixture
def district(city):
    return make_territory("vakhitovsky", parent=city)


def test_problems_of_a_territory_include_those_of_places_inside_it(client, city, district):
    inside = make_appeal(territory=district, title="Inside").problem
    elsewhere = make_appeal(territory=make_territory("elsewhere"), title="Elsewhere").problem
    response = client.get("/api/v1/problems/", {"territory": "kazan"})
    ids = [row["id"] for row in response.json()["results"]]
    assert inside.pk in ids
    assert elsewhere.pk not in ids


def test_problems_filtered_by_category_status_and_organization(client, district):
    wanted = make_appeal(territory=district, status=Appeal.Status.SENT)
    make_appeal(territory=district, status=Appeal.Status.COLLECTING)
    make_category("water")
    response = client.get(
        "/api/v1/problems/",
        {
            "status": "sent",
            "category": "roads",
            "organization": wanted.organization.slug,
        },
    )
    assert [row["id"] for row in response.json()["results"]] == [wanted.problem_id]
    assert client.get("/api/v1/problems/", {"category": "water"}).json()["results"] == []


def test_problems_are_paged_by_cursor_without_repeats(client, district, settings):
    settings.VECHE_API_PAGE_SIZE = 2
    made = [make_appeal(territory=district, title=f"P{n}").problem_id for n in range(5)]
    seen, url = [], "/api/v1/problems/"
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(made)
    assert len(seen) == len(set(seen))


def test_an_unknown_status_is_refused_in_the_readers_language(client):
    response = client.get("/api/v1/problems/", {"status": "bogus"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400
    assert "status" in body["errors"]
    assert "bogus" in body["detail"]


def test_a_repeated_read_with_its_etag_is_not_modified(client, district):
    make_appeal(territory=district)
    first = client.get("/api/v1/problems/")
    etag = first["ETag"]
    again = client.get("/api/v1/problems/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    make_appeal(territory=district, title="New")
    changed = client.get("/api/v1/problems/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_anonymous_reads_are_throttled_with_retry_after(client, settings):
    settings.VECHE_API_ANON_PER_MINUTE = 3
    codes = [client.get("/api/v1/categories/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/v1/categories/")
    assert refused["Content-Type"] == "application/problem+json"
    assert int(refused["Retry-After"]) > 0


def test_an_ipv6_network_is_throttled_as_one_address(client, settings):
    """A home or a phone gets a whole /64: walking through its addresses is no way past the
    limit, while a neighbour in another /64 (or another IPv4 address) keeps their own."""
    settings.VECHE_API_ANON_PER_MINUTE = 3
    codes = [
        client.get("/api/v1/categories/", REMOTE_ADDR=f"2001:db8:1:2::{n:x}").status_code
        for n in range(1, 5)
    ]
    assert codes == [200, 200, 200, 429]
    assert client.get("/api/v1/categories/", REMOTE_ADDR="2001:db8:1:3::1").status_code == 200
    mapped = [
        client.get("/api/v1/categories/", REMOTE_ADDR=address).status_code
        for address in ("192.0.2.7", "::ffff:192.0.2.7", "192.0.2.7", "::ffff:192.0.2.7")
    ]
    assert mapped == [200, 200, 200, 429]  # an IPv4-mapped address is the IPv4 one
    assert client.get("/api/v1/categories/", REMOTE_ADDR="192.0.2.8").status_code == 200


def test_a_draft_problem_is_not_there(client, district):
    appeal = make_appeal(territory=district)
    appeal.problem.status = "draft"
    appeal.problem.save()
    assert client.get(f"/api/v1/problems/{appeal.problem_id}/").status_code == 404
    assert client.get(f"/api/v1/appeals/{appeal.pk}/").status_code == 404


def test_signatories_without_consent_are_participant_numbers(client, district):
    appeal = make_appeal(territory=district)
    for _other in range(3):
        make_user()
    shy = make_user(last_name="Скрытная", first_name="Анна")
    open_ = make_user(last_name="Открытый", first_name="Олег", name_publication="initials")
    make_signature(appeal, shy)
    make_signature(appeal, open_)
    names = [
        row["name"]
        for row in client.get(f"/api/v1/appeals/{appeal.pk}/signatories/").json()["results"]
    ]
    # Counted within the problem (the author is No. 1), never the account's id.
    assert known_number(appeal.problem_id, shy.pk) == 2 != shy.pk
    assert names == ["Participant No. 2", "Открытый О."]


def test_a_signature_after_the_citys_midnight_is_of_the_citys_day(client, district, settings):
    settings.TIME_ZONE = "Europe/Moscow"
    appeal = make_appeal(territory=district)
    signature = make_signature(appeal, make_user())
    # 01:30 in Moscow on 6 December is still 5 December in UTC.
    late = datetime.datetime(2026, 12, 5, 22, 30, tzinfo=datetime.UTC)
    type(signature).objects.filter(pk=signature.pk).update(created_at=late)
    rows = client.get(f"/api/v1/appeals/{appeal.pk}/signatories/").json()["results"]
    assert {row["signed_on"] for row in rows if row["id"] == signature.pk} == {"2026-12-06"}


def test_appeal_timeline_shows_the_public_answer(client, district):
    appeal = make_appeal(territory=district, status=Appeal.Status.ANSWERED)
    Answer.objects.create(
        appeal=appeal,
        organization=appeal.organization,
        official=make_staff(appeal.organization),
        kind=Answer.Kind.FINAL,
        text="Сделано.",
    )
    body = client.get(f"/api/v1/appeals/{appeal.pk}/").json()
    [event] = body["timeline"]
    assert event["kind"] == "answer"
    assert event["answer"]["text"] == "Сделано."
    assert event["answer"]["document_url"].endswith(
        f"/documents/answer/{event['answer']['id']}.pdf"
    )
    assert [revision["number"] for revision in body["revisions"]] == [1]


def test_schema_and_reference_are_served_from_the_site(client):
    schema = client.get("/api/v1/schema/", {"format": "json"})
    assert schema.status_code == 200
    assert "/api/v1/inbox/{id}/register/" in schema.json()["paths"]
    docs = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in docs
    # Every script and style of the reference comes from our own static files, none from a CDN.
    assert "//cdn" not in docs and "unpkg" not in docs and "jsdelivr" not in docs
    assert "/static/drf_spectacular_sidecar/" in docs


def test_appeal_timeline_gives_the_letter_of_an_organization_that_took_the_problem_up(client):
    from veche.appeals.services import take_up_problem
    from veche.appeals.tests.take_up_cast import LETTER, make_cast

    cast = make_cast()
    take_up = take_up_problem(
        official=cast.deputy_head, problem=cast.problem, organization=cast.deputy, text=LETTER
    )
    body = client.get(f"/api/v1/appeals/{take_up.appeal_id}/").json()
    [event] = body["timeline"]
    assert event["kind"] == "taken_up" and event["organization"] == cast.deputy.slug
    assert event["letter_url"] == f"http://testserver/documents/take-up/{take_up.pk}.pdf"
    assert client.get(event["letter_url"]).status_code == 200
    take_up.refresh_from_db()
    assert event["verification_url"].endswith(take_up.document.get_absolute_url())
    assert event["answer"] is None and event["text"] is None
    # The letter's signer is in the PDF, as on the page; the API names no official's account.
    assert set(event) == {
        *("kind", "at", "answer", "text", "organization", "signatures"),
        *("letter_url", "verification_url"),
    }
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    kinds = schema["components"]["schemas"]["TimelineEventKindEnum"]["enum"]
    assert "taken_up" in kinds
