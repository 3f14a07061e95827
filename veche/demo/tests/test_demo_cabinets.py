"""The demo shows organizations coming to Veche: an application for a cabinet waiting for the
administrator (admin@), and a pending invitation on the staff page of head@, once each however
often the demo is loaded."""

import pytest
from django.core.management import call_command

from veche.organizations.models import CabinetApplication, Invitation
from veche.organizations.ogrn import is_valid_ogrn

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_pending_application_and_a_pending_invitation_once():
    call_command("demo")
    call_command("demo")
    [application] = CabinetApplication.objects.all()
    assert application.status == CabinetApplication.Status.PENDING
    assert application.applicant.email == "neighbour@demo.veche.example"
    assert is_valid_ogrn(application.ogrn)
    assert [t.code for t in application.jurisdiction.all()] == ["kazan-sovetsky"]
    [invitation] = Invitation.objects.all()
    assert invitation.invited_by.email == "head@demo.veche.example"
    assert invitation.status == Invitation.Status.PENDING
