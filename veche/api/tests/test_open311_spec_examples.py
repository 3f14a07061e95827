"""GeoReport v2's examples, one per method, run against /open311/v2/ (adapted to our ids), with
the response's element names checked against the specification, in XML and in JSON."""

import pytest

from veche.api.tests.conftest import filing, xml
from veche.appeals.models import Problem

pytestmark = pytest.mark.django_db

B = "/open311/v2"
SERVICE = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ATTRIBUTE = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
}
REQUEST = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


@pytest.fixture(autouse=True)
def _city(office, roads):
    """The office answers for everything in the district (its jurisdiction)."""


def children(element) -> set[str]:
    return {child.tag for child in element}


def test_discovery_names_the_endpoint_and_its_formats(client):
    root = xml(client.get(f"{B}/discovery.xml"))
    assert root.tag == "discovery"
    assert {"changeset", "contact", "key_service", "endpoints"} <= children(root)
    [endpoint] = root.find("endpoints")
    assert endpoint.tag == "endpoint"
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2/"
    assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
    assert client.get(f"{B}/discovery.json").json()["endpoints"][0]["type"] == "production"


def test_services_example_lists_the_categories_of_the_jurisdiction(client):
    # GET services.xml?jurisdiction_id=city.gov
    root = xml(client.get(f"{B}/services.xml", {"jurisdiction_id": "vakhitovsky"}))
    assert root.tag == "services"
    [service] = root
    assert service.tag == "service"
    assert children(service) == SERVICE
    assert service.findtext("service_code") == "roads"
    assert service.findtext("metadata") == "true"
    assert service.findtext("type") == "realtime"


def test_services_json_is_an_array_of_the_same_services(client):
    answer = client.get(f"{B}/services.json", {"jurisdiction_id": "vakhitovsky"}).json()
    assert [set(service) for service in answer] == [SERVICE]


def test_a_category_nobody_answers_for_in_the_jurisdiction_is_not_offered(client, district):
    from tests.factories import make_category, make_territory

    make_category("parks")
    elsewhere = make_territory("elsewhere")
    assert {s["service_code"] for s in client.get(f"{B}/services.json").json()} == {
        "parks",
        "roads",
    }
    answer = client.get(f"{B}/services.json", {"jurisdiction_id": elsewhere.code}).json()
    assert answer == []


def test_service_definition_example_lists_its_attributes(client):
    # GET services/033.xml?jurisdiction_id=city.gov
    root = xml(client.get(f"{B}/services/roads.xml", {"jurisdiction_id": "vakhitovsky"}))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "roads"
    attributes = root.find("attributes")
    assert [a.tag for a in attributes] == ["attribute", "attribute"]
    assert all(children(a) == ATTRIBUTE for a in attributes)
    assert [a.findtext("code") for a in attributes] == ["title", "appeal_text"]


def test_post_example_files_a_problem_and_answers_its_id(client, api_key, resident):
    # POST requests.xml with the specification's parameters
    response = client.post(f"{B}/requests.xml", filing(api_key))
    assert response.status_code == 201, response.content
    root = xml(response)
    assert root.tag == "service_requests"
    [request] = root
    assert request.tag == "request"
    assert children(request) == {"service_request_id", "service_notice", "account_id"}
    problem = Problem.objects.get(pk=request.findtext("service_request_id"))
    assert problem.author == resident
    assert problem.title == "A large sinkhole is destroying the street"
    assert problem.address == "1234 5th street"


def test_a_one_line_description_gives_its_first_sentence_as_the_title(client, api_key):
    text = "Нет света во дворе. Фонари не горят с октября, дети идут из школы в темноте."
    client.post(f"{B}/requests.json", filing(api_key, description=text))
    assert Problem.objects.get().title == "Нет света во дворе"


def test_post_json_answers_an_array(client, api_key):
    response = client.post(f"{B}/requests.json", filing(api_key))
    assert response.status_code == 201, response.content
    [answer] = response.json()
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    assert answer["service_notice"] == (
        "The appeal is sent to the organization once 50 residents sign it."
    )


def test_get_requests_example_lists_open_requests_in_the_dates(client, api_key):
    client.post(f"{B}/requests.json", filing(api_key))
    # GET requests.xml?start_date=…&end_date=…&status=open
    root = xml(
        client.get(
            f"{B}/requests.xml",
            {
                "start_date": "2010-05-24T00:00:00Z",
                "end_date": "2099-06-24T00:00:00Z",
                "status": "open",
            },
        )
    )
    assert root.tag == "service_requests"
    [request] = root
    assert request.tag == "request"
    assert children(request) >= REQUEST
    assert request.findtext("status") == "open"
    assert request.findtext("lat") == "55.7963"


def test_get_one_request_example_answers_it_in_a_list(client, api_key, office):
    pk = client.post(f"{B}/requests.json", filing(api_key)).json()[0]["service_request_id"]
    # GET requests/123456.xml?jurisdiction_id=city.gov
    root = xml(client.get(f"{B}/requests/{pk}.xml", {"jurisdiction_id": "vakhitovsky"}))
    [request] = root
    assert request.findtext("service_request_id") == pk
    assert request.findtext("agency_responsible") == office.title
    [answer] = client.get(f"{B}/requests/{pk}.json").json()
    assert set(answer) >= REQUEST
    assert answer["requested_datetime"].endswith("+03:00")


def test_errors_have_the_specifications_shape(client):
    response = client.get(f"{B}/services/nothing.xml")
    assert response.status_code == 404
    root = xml(response)
    assert root.tag == "errors"
    [error] = root
    assert error.tag == "error"
    assert children(error) == {"code", "description"}
    assert error.findtext("code") == "404"
    assert client.get(f"{B}/services/nothing.json").json()[0]["code"] == 404
