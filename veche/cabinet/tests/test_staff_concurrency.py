"""A head withdraws an invitation at the moment the invited person accepts it: one of them wins,
the other is told, and neither waits for the other for ever (both take the organization's lock
before the invitation's: the other order was a deadlock on PostgreSQL, a server error)."""

import pytest

from tests.concurrency import ONLY_POSTGRESQL, at_once
from tests.factories import make_organization, make_staff
from veche.cabinet import services
from veche.cabinet.invitation_tokens import make_token
from veche.cabinet.tests.test_staff_invitations import invite, invited_person
from veche.organizations.models import Invitation, Membership

pytestmark = [pytest.mark.django_db(transaction=True), ONLY_POSTGRESQL]


@pytest.fixture
def office():
    return make_organization("vodokanal", en="Vodokanal")


@pytest.fixture
def head(office):
    return make_staff(office, Membership.Role.HEAD)


def test_an_invitation_withdrawn_and_accepted_at_once_ends_one_way(head, office):
    for attempt in range(8):
        email = f"person{attempt}@vodokanal.example"
        invitation = invite(head, office, email=email)
        token, person = make_token(invitation), invited_person(email)

        def act(which, invitation=invitation, token=token, person=person):
            if which == "accept":
                services.accept_invitation(user=person, token=token)
            else:
                services.revoke_invitation(user=head, invitation=invitation)

        assert at_once(act, ["accept", "revoke"]) == {"done": 1, "refused": 1}
        invitation.refresh_from_db()
        joined = Membership.objects.filter(user=person).exists()
        assert joined == (invitation.status == Invitation.Status.ACCEPTED)
