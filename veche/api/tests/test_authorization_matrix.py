"""Every scope × every endpoint of the organization's side × the client's own organization or
another: a client reaches an endpoint only with its scope, and only its own organization's
appeals and discussions, whatever its scopes."""

import pytest

from tests.factories import make_discussion
from veche.api.models import Scope
from veche.api.tests.conftest import bearer, issue, token_for
from veche.appeals.models import Appeal
from veche.cabinet.tests.builders import received_appeal

pytestmark = pytest.mark.django_db
Status = Appeal.Status


def _appeal(organization, status):
    return received_appeal(organization, status=status, due_in=10)


# endpoint: (method or MULTIPART, path (making what it names), body, scope it needs, success)
ENDPOINTS = {
    "inbox": ("GET", lambda o: "/api/v1/inbox/", None, "inbox:read", 200),
    "copy": (
        "GET",
        lambda o: f"/api/v1/inbox/{_appeal(o, Status.SENT).pk}/",
        None,
        "inbox:read",
        200,
    ),
    "document": (
        "GET",
        lambda o: f"/api/v1/inbox/{_appeal(o, Status.SENT).pk}/document.pdf",
        None,
        "inbox:read",
        200,
    ),
    "register": (
        "POST",
        lambda o: f"/api/v1/inbox/{_appeal(o, Status.SENT).pk}/register/",
        {"registration_number": "ВХ-5"},
        "appeals:register",
        200,
    ),
    "answer": (
        "MULTIPART",
        lambda o: f"/api/v1/inbox/{_appeal(o, Status.REGISTERED).pk}/answers/",
        {"kind": "interim", "text": "Работаем."},
        "appeals:answer",
        201,
    ),
    "extension": (
        "POST",
        lambda o: f"/api/v1/inbox/{_appeal(o, Status.REGISTERED).pk}/extension/",
        {"reason": "Нужна экспертиза."},
        "appeals:answer",
        201,
    ),
    "forward": (
        "POST",
        lambda o: f"/api/v1/inbox/{_appeal(o, Status.SENT).pk}/forward/",
        {"organization": "competent-body", "reason": "Не наша компетенция."},
        "appeals:forward",
        200,
    ),
    "submissions": (
        "GET",
        lambda o: f"/api/v1/organizer/discussions/{make_discussion(organizer=o).pk}/submissions/",
        None,
        "discussions:submissions:read",
        200,
    ),
}


@pytest.fixture
def competent_body():
    from tests.factories import make_organization

    return make_organization("competent-body")


@pytest.mark.parametrize("whose", ["own", "other"])
@pytest.mark.parametrize("scope", Scope.values)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_authorization(client, office, other_office, competent_body, endpoint, scope, whose):
    method, path_of, body, needed, success = ENDPOINTS[endpoint]
    api_client, secret = issue(office, [scope])
    token = token_for(client, api_client, secret)
    path = path_of(office if whose == "own" else other_office)
    if method == "GET":
        response = client.get(path, **bearer(token))
    elif method == "MULTIPART":  # an answer and its files
        response = client.post(path, body, **bearer(token))
    else:
        response = client.post(path, body, content_type="application/json", **bearer(token))
    if scope != needed:
        assert response.status_code == 403, response.content
        assert needed in response.json()["detail"]
    elif whose == "own":
        assert response.status_code == success, response.content
    elif endpoint == "inbox":
        # The list is the client's own organization's: the other one's appeal is not in it.
        assert response.status_code == 200
        assert response.json()["results"] == []
    elif endpoint == "submissions":
        # A public discussion of another organizer exists: refused, not hidden.
        assert response.status_code == 403
    else:
        # Another organization's appeal is not there for the client at all.
        assert response.status_code == 404, response.content


def test_every_organization_endpoint_is_in_the_matrix():
    from veche.api import urls, views_organization

    organization_views = {
        pattern.callback.view_class
        for pattern in urls.urlpatterns
        if issubclass(
            getattr(pattern.callback, "view_class", object), views_organization.OrganizationView
        )
    }
    assert len(organization_views) == len(ENDPOINTS)
