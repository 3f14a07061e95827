"""A document management system acts on appeals through the API: the same services, rules and
audit as the cabinet, the client named in every audit row and call log."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import make_resident
from veche.api import services
from veche.api.models import ApiCall
from veche.api.tests.conftest import bearer, issue, token_for
from veche.appeals.models import Answer, Appeal
from veche.cabinet.tests.builders import PNG, pdf, registered_appeal, sent_appeal
from veche.core.models import AuditEvent

pytestmark = pytest.mark.django_db
Status = Appeal.Status


@pytest.fixture
def dms(office, head):
    return issue(office, head=head)


@pytest.fixture
def token(client, dms):
    return token_for(client, *dms)


@pytest.fixture
def sent(office, district):
    return sent_appeal(office, district, neighbour=make_resident(district))


def test_inbox_lists_new_appeals_of_the_organization_only(
    client, token, sent, other_office, district
):
    foreign = sent_appeal(other_office, district)
    response = client.get("/api/v1/inbox/?status=sent", **bearer(token))
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == [sent.pk]
    assert foreign.pk not in ids


def test_full_copy_carries_every_applicant_with_address_and_email(client, token, sent):
    response = client.get(f"/api/v1/inbox/{sent.pk}/", **bearer(token))
    assert response.status_code == 200
    copy = response.json()
    signatures = list(sent.signatures.filter(withdrawn_at__isnull=True))
    assert {s["postal_address"] for s in copy["signatories"]} == {
        s.postal_address for s in signatures
    }
    assert {s["email"] for s in copy["signatories"]} == {s.email for s in signatures}
    assert copy["text"] == sent.current_revision.text
    assert response["Cache-Control"] == "private"
    event = AuditEvent.objects.get(action="appeal.full_copy_downloaded")
    assert event.data["form"] == "json" and event.data["via"].startswith("api-client:")


def test_full_copy_as_pdf(client, token, sent):
    response = client.get(f"/api/v1/inbox/{sent.pk}/document.pdf", **bearer(token))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "no-store" in response["Cache-Control"]
    # Other people's personal data handed out: audited, as the web download is, with the client.
    event = AuditEvent.objects.get(action="appeal.full_copy_downloaded")
    assert event.data["via"].startswith("api-client:")


def test_registering_with_the_organizations_own_number_and_date(client, token, sent):
    day = timezone.localdate() - datetime.timedelta(days=1)
    # It arrived two days ago: a registration day before the arrival would be refused.
    Appeal.objects.filter(pk=sent.pk).update(sent_at=timezone.now() - datetime.timedelta(days=2))
    response = client.post(
        f"/api/v1/inbox/{sent.pk}/register/",
        {"registration_number": "ВХ-77/26", "registered_on": day.isoformat()},
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 200, response.content
    sent.refresh_from_db()
    assert sent.status == Status.REGISTERED
    assert sent.registration_number == "ВХ-77/26"
    assert response.json()["registration_number"] == "ВХ-77/26"


def test_every_change_is_audited_with_the_client(client, token, sent, dms):
    api_client, _secret = dms
    client.post(
        f"/api/v1/inbox/{sent.pk}/register/",
        {"registration_number": "ВХ-1"},
        content_type="application/json",
        **bearer(token),
    )
    event = AuditEvent.objects.get(action="appeal.registered", object_id=str(sent.pk))
    assert event.actor == api_client.account
    assert event.data["via"] == f"api-client:{api_client.pk}"
    call = ApiCall.objects.get(client=api_client, method="POST")
    assert call.path == f"/api/v1/inbox/{sent.pk}/register/"
    assert call.status == 200


def test_refused_calls_are_logged_too(client, token, sent, dms):
    client.post(
        f"/api/v1/inbox/{sent.pk}/answers/",
        {"kind": "final", "text": "Ответ"},
        **bearer(token),
    )
    assert ApiCall.objects.get(client=dms[0]).status == 422


def test_final_answer_with_attachment_reaches_the_public_page(client, office, district, dms):
    api_client, secret = dms
    appeal = registered_appeal(office, district, api_client.account)
    token = token_for(client, api_client, secret)
    response = client.post(
        f"/api/v1/inbox/{appeal.pk}/answers/",
        {
            "kind": "final",
            "text": "Ремонт двора включён в план на июнь.",
            "attachments": [pdf()],
        },
        **bearer(token),
    )
    assert response.status_code == 201, response.content
    assert [a["name"] for a in response.json()["attachments"]] == ["answer.pdf"]
    appeal.refresh_from_db()
    assert appeal.status == Status.ANSWERED
    page = client.get(appeal.problem.get_absolute_url())
    assert "Ремонт двора включён в план на июнь." in page.content.decode()


def test_interim_answer_keeps_the_appeal_registered(client, office, district, dms):
    appeal = registered_appeal(office, district, dms[0].account)
    token = token_for(client, *dms)
    response = client.post(
        f"/api/v1/inbox/{appeal.pk}/answers/",
        {"kind": "interim", "text": "Выехали на место."},
        **bearer(token),
    )
    assert response.status_code == 201
    appeal.refresh_from_db()
    assert appeal.status == Status.REGISTERED


def test_an_attachment_that_is_not_what_it_says_is_refused_and_nothing_changes(
    client, office, district, dms
):
    appeal = registered_appeal(office, district, dms[0].account)
    token = token_for(client, *dms)
    response = client.post(
        f"/api/v1/inbox/{appeal.pk}/answers/",
        {
            "kind": "final",
            "text": "Ответ",
            "attachments": [SimpleUploadedFile("plan.pdf", PNG, "application/pdf")],
        },
        **bearer(token),
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "plan.pdf" in response.json()["detail"]
    assert not Answer.objects.filter(appeal=appeal).exists()


def test_extension_once_then_refused_in_the_clients_language(client, office, district, dms):
    appeal = registered_appeal(office, district, dms[0].account)
    due = appeal.due_date
    token = token_for(client, *dms)
    first = client.post(
        f"/api/v1/inbox/{appeal.pk}/extension/",
        {"reason": "Нужна экспертиза."},
        content_type="application/json",
        **bearer(token),
    )
    assert first.status_code == 201
    appeal.refresh_from_db()
    assert appeal.extended and appeal.due_date > due
    again = client.post(
        f"/api/v1/inbox/{appeal.pk}/extension/",
        {"reason": "Ещё раз."},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ru",
        **bearer(token),
    )
    assert again.status_code == 422
    assert again["Content-Type"] == "application/problem+json"
    assert again.json()["detail"] == "Срок можно продлить только один раз."
    appeal.refresh_from_db()
    assert appeal.answers.filter(kind=Answer.Kind.EXTENSION).count() == 1


def test_forwarding_moves_the_appeal_out_of_the_inbox(client, token, sent, other_office):
    response = client.post(
        f"/api/v1/inbox/{sent.pk}/forward/",
        {"organization": other_office.slug, "reason": "Не наша компетенция."},
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 200, response.content
    assert response.json()["organization"] == other_office.slug
    sent.refresh_from_db()
    assert sent.organization == other_office
    after = client.get(f"/api/v1/inbox/{sent.pk}/", **bearer(token))
    assert after.status_code == 404


def test_forwarding_to_an_unknown_organization_is_a_field_error(client, token, sent, office):
    response = client.post(
        f"/api/v1/inbox/{sent.pk}/forward/",
        {"organization": "nowhere", "reason": "?"},
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 400
    assert "organization" in response.json()["errors"]
    sent.refresh_from_db()
    assert sent.organization == office


def test_answer_before_registration_is_refused_by_the_state_machine(client, token, sent):
    response = client.post(
        f"/api/v1/inbox/{sent.pk}/answers/",
        {"kind": "final", "text": "Ответ"},
        **bearer(token),
    )
    assert response.status_code == 422
    assert "sent" in response.json()["detail"]
    sent.refresh_from_db()
    assert sent.status == Status.SENT


def test_a_revoked_client_is_refused_at_once(client, token, sent, dms, head):
    services.revoke_client(user=head, client=dms[0])
    response = client.get("/api/v1/inbox/", **bearer(token))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert "Bearer" in response["WWW-Authenticate"]
    again = client.post(
        "/api/v1/oauth/token/",
        {"grant_type": "client_credentials", "client_id": dms[0].application_id or "x"},
    )
    assert again.status_code in (400, 401)


def test_a_wrong_token_is_401_problem_details(client):
    response = client.get("/api/v1/inbox/", HTTP_AUTHORIZATION="Bearer nonsense")
    assert response.status_code == 401
    assert response.json()["title"] == "Authentication required"


def test_a_token_asks_only_for_scopes_the_client_holds(client, office, head):
    api_client, secret = issue(office, ["inbox:read"], head=head)
    import base64

    credentials = base64.b64encode(f"{api_client.client_id}:{secret}".encode()).decode()
    response = client.post(
        "/api/v1/oauth/token/",
        {"grant_type": "client_credentials", "scope": "inbox:read appeals:answer"},
        HTTP_AUTHORIZATION=f"Basic {credentials}",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_the_head_removing_the_clients_role_stops_its_writes(client, token, sent, dms):
    from veche.organizations.models import Membership

    Membership.objects.filter(user=dms[0].account).delete()
    response = client.post(
        f"/api/v1/inbox/{sent.pk}/register/",
        {"registration_number": "ВХ-1"},
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 404
    sent.refresh_from_db()
    assert sent.status == Status.SENT


def test_a_services_rate_limit_is_429_problem_details_with_retry_after():
    from veche.api.errors import problem_details
    from veche.core.ratelimits import RateLimited

    response = problem_details(RateLimited("Too many attempts.", retry_after=42), {})
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "42"
    assert json.loads(response.content)["detail"] == "Too many attempts."
