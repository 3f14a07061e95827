"""A document management system that retries, or runs several workers, sends the same change
at once: the services' locks hold through the API, so it happens once."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.concurrency import ONLY_POSTGRESQL, at_once
from veche.api.tests.conftest import bearer, issue, token_for
from veche.appeals.models import Answer, Appeal
from veche.cabinet.tests.builders import received_appeal
from veche.core.models import AuditEvent

pytestmark = [pytest.mark.django_db(transaction=True), ONLY_POSTGRESQL]


def _posting(path: str, token: str, body_of):
    def post(number):
        response = Client().post(
            path, body_of(number), content_type="application/json", **bearer(token)
        )
        if response.status_code not in (200, 201):
            assert response["Content-Type"] == "application/problem+json"
            raise ValidationError(response.json()["detail"])

    return post


def test_an_appeal_registered_eight_times_at_once_is_registered_once(office):
    appeal = received_appeal(office, status=Appeal.Status.SENT)
    token = token_for(Client(), *issue(office))
    outcomes = at_once(
        _posting(
            f"/api/v1/inbox/{appeal.pk}/register/",
            token,
            lambda n: {"registration_number": f"ВХ-{n}"},
        ),
        range(8),
    )
    assert outcomes == {"done": 1, "refused": 7}
    assert AuditEvent.objects.filter(action="appeal.registered").count() == 1


def test_a_deadline_extended_eight_times_at_once_is_extended_once(office):
    appeal = received_appeal(office, status=Appeal.Status.REGISTERED, due_in=10)
    due = appeal.due_date
    token = token_for(Client(), *issue(office))
    outcomes = at_once(
        _posting(
            f"/api/v1/inbox/{appeal.pk}/extension/", token, lambda n: {"reason": f"Причина {n}"}
        ),
        range(8),
    )
    assert outcomes == {"done": 1, "refused": 7}
    appeal.refresh_from_db()
    assert appeal.answers.filter(kind=Answer.Kind.EXTENSION).count() == 1
    assert (appeal.due_date - due).days == 30
