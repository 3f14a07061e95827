"""The head's staff: an invitation by e-mail with a role, mailed through the outbox with a
signed link that works once, until its expiry, and only for the invited address; the head sees
members and pending invitations, revokes invitations and removes members, never the last head;
every change audited."""

import datetime
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_organization, make_staff, make_user
from tests.sign_in import enter
from veche.cabinet import services
from veche.cabinet.invitation_tokens import SALT, invitation_for_token, make_token
from veche.cabinet.tests.registration import letters_at_once_in_english  # noqa: F401 (a fixture)
from veche.core.models import AuditEvent, OutboxMessage
from veche.organizations.models import Invitation, Membership
from veche.organizations.rules import holds_role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("letters_at_once_in_english")]
Role = Membership.Role
INVITED = "specialist@vodokanal.example"
LINK = re.compile(r"https?://\S+/cabinet/invitations/(\S+)/")


@pytest.fixture
def office():
    return make_organization("vodokanal", en="Vodokanal")


@pytest.fixture
def head(office):
    return make_staff(office, Role.HEAD, last_name="Гарипов", first_name="Тимур")


def invite(head, office, *, email=INVITED, role=Role.OFFICIAL, **extra) -> Invitation:
    return services.invite_staff(user=head, organization=office, email=email, role=role, **extra)


def invited_person(email=INVITED):
    """The person the letter went to, with the address confirmed (as sign-up requires)."""
    person = make_user(email)
    EmailAddress.objects.update_or_create(
        user=person, email=email, defaults={"verified": True, "primary": True}
    )
    return person


def token_in_letter() -> str:
    [letter] = [m for m in mail.outbox if m.to == [INVITED]]
    return LINK.search(letter.body).group(1)


# --- Inviting -------------------------------------------------------------------------------


def test_the_invitation_is_mailed_once_through_the_outbox_with_a_signed_link(
    client, head, office, django_capture_on_commit_callbacks
):
    enter(client, head)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("cabinet:invite", args=[office.slug]),
            {"email": INVITED, "role": "official", "position": "Главный специалист"},
        )
    assert answer.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.position) == (
        INVITED,
        "official",
        "Главный специалист",
    )
    assert invitation.invited_by == head
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=7)
    message = OutboxMessage.objects.get(kind="cabinet.invitation", target_id=invitation.pk)
    assert message.state == OutboxMessage.State.SENT
    [letter] = mail.outbox
    assert letter.to == [INVITED]
    assert letter.extra_headers["Message-ID"] == message.message_id
    assert "Vodokanal" in letter.subject
    # The signed token carries a timestamp, so it is compared by what it opens, not by its text.
    assert invitation_for_token(token_in_letter()) == invitation
    event = AuditEvent.objects.get(action="organization.staff_invited")
    assert event.actor == head
    assert event.data == {"organization": office.pk, "role": "official"}
    assert INVITED not in str(event.data)  # the log is kept for ever; the row holds the address


def test_only_the_offered_roles_may_be_given(head, office):
    with pytest.raises(ValidationError):
        invite(head, office, role=Role.MODERATOR)


def test_the_same_person_is_not_invited_twice_to_one_role(head, office):
    invite(head, office)
    with pytest.raises(ValidationError) as refused:
        invite(head, office, email=INVITED.upper())
    assert "already invited" in refused.value.message_dict["email"][0]
    invite(head, office, role=Role.EXPERT)  # another role is another invitation


def test_a_letter_for_an_invitation_revoked_before_sending_is_not_sent(head, office):
    invitation = invite(head, office)  # not committed: the letter waits
    services.revoke_invitation(user=head, invitation=invitation)
    from veche.core import outbox

    message = OutboxMessage.objects.get(kind="cabinet.invitation")
    outbox.deliver(message.pk)
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.CANCELLED
    assert mail.outbox == []


# --- Accepting ------------------------------------------------------------------------------


def test_the_invited_person_signs_in_and_accepts_becoming_a_member(
    client, head, office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(head, office, position="Главный специалист")
    url = reverse("cabinet:invitation", args=[token_in_letter()])
    # Opening the link (a mail scanner does) shows the invitation and accepts nothing.
    page = client.get(url)
    assert page.status_code == 200
    assert "Vodokanal" in page.content.decode()
    assert reverse("account_login") in page.content.decode()
    assert client.post(url).status_code == 302  # to sign in first
    person = invited_person()
    client.force_login(person)
    assert client.get(url).status_code == 200
    assert not Membership.objects.filter(user=person).exists()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url)
    assert answer.status_code == 302
    membership = Membership.objects.get(user=person)
    assert (membership.organization, membership.role, membership.position) == (
        office,
        "official",
        "Главный специалист",
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.accepted_by == person
    event = AuditEvent.objects.get(action="organization.invitation_accepted")
    assert event.actor == person
    assert event.data["membership"] == membership.pk
    assert head.notifications.filter(kind="cabinet_invitation_accepted").count() == 1


def test_a_used_link_does_not_work_again(head, office):
    token = make_token(invite(head, office))
    person = invited_person()
    services.accept_invitation(user=person, token=token)
    Membership.objects.filter(user=person).delete()
    with pytest.raises(ValidationError, match="already been accepted"):
        services.accept_invitation(user=person, token=token)
    assert not Membership.objects.filter(user=person).exists()


def test_a_link_past_its_expiry_does_not_work(client, head, office):
    token = make_token(invite(head, office))
    person = invited_person()
    client.force_login(person)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        page = client.get(reverse("cabinet:invitation", args=[token]))
        assert page.status_code == 404
        assert "no longer open" in page.content.decode()
        with pytest.raises(ValidationError, match="expired"):
            services.accept_invitation(user=person, token=token)
    assert not holds_role(person, office, roles=Role.OFFICIAL)


def test_a_link_works_until_just_before_its_expiry(head, office):
    token = make_token(invite(head, office))
    person = invited_person()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=6, hours=23)):
        services.accept_invitation(user=person, token=token)
    assert holds_role(person, office, roles=Role.OFFICIAL)


def test_another_account_cannot_accept_with_the_link(client, head, office):
    token = make_token(invite(head, office))
    stranger = make_user("stranger@example.org")
    client.force_login(stranger)
    answer = client.post(reverse("cabinet:invitation", args=[token]))
    assert answer.status_code == 403
    assert f"This invitation was sent to {INVITED}" in answer.content.decode()
    assert not Membership.objects.filter(user=stranger).exists()
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_an_unconfirmed_address_does_not_accept(head, office):
    token = make_token(invite(head, office))
    person = invited_person()
    EmailAddress.objects.filter(user=person).update(verified=False)
    with pytest.raises(PermissionDenied):
        services.accept_invitation(user=person, token=token)


def test_a_revoked_invitation_cannot_be_accepted(head, office):
    invitation = invite(head, office)
    services.revoke_invitation(user=head, invitation=invitation)
    with pytest.raises(ValidationError, match="withdrawn"):
        services.accept_invitation(user=invited_person(), token=make_token(invitation))


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: signing.dumps([signing.loads(token, salt=SALT)[0], "guess"], salt=SALT),
        lambda token: signing.dumps(signing.loads(token, salt=SALT), salt="another purpose"),
        lambda token: "not-a-token",
    ],
    ids=["altered signature", "guessed nonce", "signed for another purpose", "garbage"],
)
def test_a_forged_link_opens_nothing(client, head, office, forge):
    token = forge(make_token(invite(head, office)))
    person = invited_person()
    client.force_login(person)
    assert client.get(reverse("cabinet:invitation", args=[token])).status_code == 404
    assert client.post(reverse("cabinet:invitation", args=[token])).status_code == 400
    assert not Membership.objects.filter(user=person).exists()


# --- The head's staff page -----------------------------------------------------------------


def test_the_head_sees_members_and_pending_invitations(client, head, office):
    official = make_staff(office, Role.OFFICIAL, last_name="Сафина", first_name="Алсу")
    invite(head, office)
    accepted = invite(head, office, email="expert@example.org", role=Role.EXPERT)
    expert = invited_person("expert@example.org")
    services.accept_invitation(user=expert, token=make_token(accepted))
    enter(client, head)
    page = client.get(reverse("cabinet:staff"))
    assert page.status_code == 200
    staff = page.context["staff"]
    assert {(m.user_id, m.role) for m in staff.members} == {
        (head.pk, "head"),
        (official.pk, "official"),
        (expert.pk, "expert"),
    }
    assert [i.email for i in staff.invitations] == [INVITED]
    text = page.content.decode()
    assert "Сафина Алсу" in text
    assert INVITED in text
    assert "the only head" in text  # the head is not offered a removal of themself


def test_the_head_revokes_an_invitation(client, head, office):
    invitation = invite(head, office)
    enter(client, head)
    answer = client.post(reverse("cabinet:revoke_invitation", args=[invitation.pk]))
    assert answer.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    assert AuditEvent.objects.filter(action="organization.invitation_revoked").count() == 1


def test_the_head_removes_a_member(client, head, office):
    official = make_staff(office, Role.OFFICIAL)
    membership = Membership.objects.get(user=official)
    enter(client, head)
    answer = client.post(reverse("cabinet:remove_member", args=[membership.pk]))
    assert answer.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(action="organization.member_removed")
    assert event.actor == head
    assert event.data == {"user": official.pk, "role": "official"}


def test_the_last_head_is_not_removed(client, head, office):
    membership = Membership.objects.get(user=head)
    enter(client, head)
    client.post(reverse("cabinet:remove_member", args=[membership.pk]))
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not AuditEvent.objects.filter(action="organization.member_removed").exists()
    with pytest.raises(ValidationError, match="at least one head"):
        services.remove_member(user=head, membership=membership)
    # With a second head, either may go.
    second = make_staff(office, Role.HEAD)
    services.remove_member(user=second, membership=membership)
    assert not Membership.objects.filter(user=head).exists()


def test_the_staff_page_reads_many_members_in_as_many_queries(client, head, office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    enter(client, head)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("cabinet:staff")).status_code == 200
        return len(captured)

    make_staff(office, Role.OFFICIAL)
    invite(head, office)
    queries()  # the session's first checks, once
    few = queries()
    for number in range(5):
        make_staff(office, Role.EXPERT)
        invite(head, office, email=f"person{number}@vodokanal.example")
    queries()  # new members: the shared set of who holds a role is read again, once
    assert queries() == few


# --- A head who is removed, races and floods -----------------------------------------------


def test_a_head_removed_after_inviting_brings_nobody_in(head, office):
    """The attack: a head about to be removed invites another address of their own as head; a
    co-head removes them; the invitation would bring them back."""
    second = make_staff(office, Role.HEAD)
    token = make_token(invite(head, office, role=Role.HEAD))
    services.remove_member(user=second, membership=Membership.objects.get(user=head))
    invitation = Invitation.objects.get()
    assert invitation.status == Invitation.Status.REVOKED
    revoked = AuditEvent.objects.get(action="organization.invitation_revoked")
    assert revoked.actor == second
    assert revoked.data["reason"] == "the inviter no longer heads the organization"
    with pytest.raises(ValidationError, match="withdrawn"):
        services.accept_invitation(user=invited_person(), token=token)
    assert not Membership.objects.filter(user__email=INVITED).exists()


def test_an_invitation_from_someone_who_no_longer_heads_is_refused_however_they_left(head, office):
    token = make_token(invite(head, office, role=Role.HEAD))
    Membership.objects.filter(user=head).delete()  # gone another way (the admin, erasure)
    make_staff(office, Role.HEAD)
    with pytest.raises(ValidationError, match="no longer manages the staff of Vodokanal"):
        services.accept_invitation(user=invited_person(), token=token)
    assert not Membership.objects.filter(user__email=INVITED).exists()


def test_every_head_hears_who_joined(head, office, django_capture_on_commit_callbacks):
    second = make_staff(office, Role.HEAD)
    with django_capture_on_commit_callbacks(execute=True):
        token = make_token(invite(head, office))
        person = invited_person()
        services.accept_invitation(user=person, token=token)
    for someone in (head, second):
        assert someone.notifications.filter(kind="cabinet_invitation_accepted").count() == 1
    assert not person.notifications.filter(kind="cabinet_invitation_accepted").exists()


def test_a_head_removed_while_inviting_invites_nobody(head, office):
    """The page asked of the roles it read; the service asks again once the organization is
    locked, of the roles as they stand (another head removed this one meanwhile)."""
    from veche.organizations.rules import holds_role as read_roles

    second = make_staff(office, Role.HEAD)
    assert read_roles(head, office, roles=Role.HEAD)  # the page's question, its answer kept
    services.remove_member(user=second, membership=Membership.objects.get(user=head))
    with pytest.raises(PermissionDenied):
        invite(head, office)
    assert not Invitation.objects.exists()


def test_an_organization_sends_a_days_worth_of_invitations_and_no_more(head, office, settings):
    settings.VECHE_INVITATIONS_PER_DAY = 2
    invite(head, office, email="one@vodokanal.example")
    services.revoke_invitation(user=head, invitation=invite(head, office))
    with pytest.raises(ValidationError, match="2 invitations in the last 24 hours"):
        invite(head, office, email="three@vodokanal.example")
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=24, seconds=1)):
        invite(head, office, email="three@vodokanal.example")
    assert Invitation.objects.count() == 3


def test_an_api_clients_account_is_managed_on_its_own_page_not_the_staff_table(
    client, head, office
):
    from veche.api.models import Scope
    from veche.api.services import issue_client

    api_client, _secret = issue_client(
        user=head, organization=office, name="СЭД", scopes=[Scope.values[0]]
    )
    account = api_client.account
    enter(client, head)
    page = client.get(reverse("cabinet:staff")).content.decode()
    assert account.email not in page
    membership = Membership.objects.get(user=account)
    with pytest.raises(ValidationError, match="API client"):
        services.remove_member(user=head, membership=membership)
    assert Membership.objects.filter(pk=membership.pk).exists()
