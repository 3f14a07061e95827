"""Signing hands the person's name and address to the addressee: only with the box ticked."""

import pytest

from tests.factories import make_problem, make_resident, make_territory
from veche.appeals.models import Signature

pytestmark = pytest.mark.django_db


def test_a_signature_posted_without_the_consent_box_is_refused_with_the_reason(client):
    district = make_territory("kazan-vakhitovsky")
    problem = make_problem(territory=district)
    resident = make_resident(district)
    client.force_login(resident)

    response = client.post(f"/problems/{problem.pk}/sign/", HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert response.redirect_chain == [(problem.get_absolute_url(), 302)]
    assert "Tick the box to support the text" in response.content.decode()
    assert not Signature.objects.filter(user=resident).exists()
    problem.current_appeal.refresh_from_db()
    assert problem.current_appeal.signature_count == 1  # the author's only


def test_a_signature_with_the_box_ticked_is_taken(client):
    district = make_territory("kazan-vakhitovsky")
    problem = make_problem(territory=district)
    resident = make_resident(district)
    client.force_login(resident)

    client.post(f"/problems/{problem.pk}/sign/", {"agree": "on"})

    assert Signature.objects.filter(user=resident, withdrawn_at__isnull=True).exists()
