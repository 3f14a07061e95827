"""A forged page number of the problem list is the first page or a 404, never a server error."""

import pytest

from tests.factories import make_problem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("q", ["", "ямы"], ids=["list", "search"])
@pytest.mark.parametrize(
    "page", ["99999999999999999999", "9223372036854775807", "10001", "9" * 5000]
)
def test_a_page_deeper_than_any_list_is_not_found(client, page, q):
    make_problem()
    assert client.get("/problems/", {"page": page, "q": q}).status_code == 404


@pytest.mark.parametrize("page", ["abc", "-1", "0", "1e309", "NaN", "²", "", "0" * 5000])
def test_a_page_that_is_no_number_is_the_first(client, page):
    problem = make_problem()
    response = client.get("/problems/", {"page": page})
    assert response.status_code == 200
    assert problem.title in response.content.decode()


def test_a_page_past_the_end_is_empty(client):
    problem = make_problem()
    response = client.get("/problems/", {"page": "10000"})
    assert response.status_code == 200
    assert problem.title not in response.content.decode()
