"""Cross-site request forgery: every change made by a signed-in person is a POST that carries
the session's CSRF token; another site's form, a token from another session, or a foreign
Origin on HTTPS are refused before anything changes.

The discussions' forms have their own test (veche/discussions/tests/test_security_pages.py::
test_no_change_is_made_without_the_csrf_token); these cases cover appeals, the cabinet,
identity, notifications, accounts, moderation, documents and the territory picker.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_organization, make_problem, make_resident, make_staff
from tests.sign_in import enter
from veche.appeals.models import Comment, Follow, Signature
from veche.cabinet.actions import ACTIONS
from veche.cabinet.tests.builders import received_appeal
from veche.core.models import AuditEvent
from veche.moderation.models import Complaint
from veche.notifications.models import Notification

pytestmark = pytest.mark.django_db


def forging_client(user=None) -> Client:
    """A browser that carries the person's session cookie to a form on another site, which
    cannot know the CSRF token."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        enter(client, user)
    return client


def what_could_change() -> dict:
    from veche.accounts.models import User
    from veche.identity.models import PropertyClaim

    return {
        "signatures": Signature.objects.count(),
        "comments": Comment.objects.count(),
        "follows": Follow.objects.count(),
        "complaints": Complaint.objects.count(),
        "claims": PropertyClaim.objects.count(),
        "unread": Notification.objects.filter(read_at__isnull=True).count(),
        "users": sorted(User.objects.values_list("pk", "first_name", "is_active")),
        "audit": AuditEvent.objects.count(),
    }


@pytest.fixture
def problem():
    return make_problem()


def test_appeal_actions_of_a_resident_need_the_token(problem):
    resident = make_resident(problem.territory)
    comment = Comment.objects.create(problem=problem, author=problem.author, text="Да.")
    pk = problem.pk
    posts = [
        (reverse("appeals:sign", args=[pk]), {"consent": "on"}),
        (reverse("appeals:withdraw", args=[pk]), {}),
        (reverse("appeals:comment", args=[pk]), {"text": "Подделано."}),
        (reverse("appeals:follow", args=[pk]), {"follow": "on"}),
        (reverse("appeals:propose", args=[pk]), {"text": "Новый текст обращения."}),
        (reverse("appeals:rate", args=[pk]), {"score": "1"}),
        (reverse("moderation:report"), {"comment": comment.pk, "reason": "spam"}),
    ]
    client = forging_client(resident)
    before = what_could_change()
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert what_could_change() == before


def test_appeal_actions_of_the_author_need_the_token(problem):
    client = forging_client(problem.author)
    pk = problem.pk
    before = what_could_change()
    for name in ("revise", "confirm", "send_now", "sent_by_myself", "close", "escalate"):
        assert client.post(reverse(f"appeals:{name}", args=[pk]), {}).status_code == 403, name
    assert what_could_change() == before


def test_every_cabinet_action_needs_the_token():
    organization = make_organization()
    official = make_staff(organization)
    appeal = received_appeal(organization)
    client = forging_client(official)
    before = (what_could_change(), appeal.status)
    for key in ACTIONS:
        url = reverse(f"cabinet:{key}", args=[appeal.pk])
        assert client.post(url, {"text": "Ответ.", "number": "1"}).status_code == 403, key
    appeal.refresh_from_db()
    assert (what_could_change(), appeal.status) == before


def test_identity_and_account_changes_need_the_token(problem):
    resident = make_resident(problem.territory)
    client = forging_client(resident)
    posts = [
        (reverse("identity:send_phone_code"), {"number": "+79161234567"}),
        (reverse("identity:confirm_phone"), {"code": "123456"}),
        (reverse("identity:census_check"), {"identifier": "1234"}),
        (reverse("identity:declare_property"), {"cadastral_number": "16:50:010101:1"}),
        (reverse("accounts:profile"), {"first_name": "Подделано"}),
        (reverse("accounts:erase"), {"confirm": "on", "password": "x"}),
        (reverse("notifications:read_all"), {}),
        (reverse("notifications:settings"), {"email_mode": "never"}),
        (reverse("territories:choose"), {"territory": problem.territory.code}),
        ("/accounts/email/", {"action_add": "", "email": "attacker@example.org"}),
        ("/accounts/password/change/", {"oldpassword": "x", "password1": "y", "password2": "y"}),
        ("/accounts/logout/", {}),
    ]
    before = what_could_change()
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert what_could_change() == before
    assert "_auth_user_id" in client.session  # not signed out either


def test_a_token_from_another_session_is_refused(problem):
    """The attacker's own valid token, planted in the victim's form, must not pass."""
    attacker = forging_client(make_resident(problem.territory))
    attacker.get(problem.get_absolute_url())
    planted = attacker.cookies["csrftoken"].value
    victim = forging_client(make_resident(problem.territory))
    victim.get(problem.get_absolute_url())
    response = victim.post(
        reverse("appeals:comment", args=[problem.pk]),
        {"text": "Подделано.", "csrfmiddlewaretoken": planted},
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_the_right_token_passes(problem):
    """The counterpart of the refusals: with its own token the same POST goes through."""
    client = forging_client(make_resident(problem.territory))
    client.get(problem.get_absolute_url())
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("appeals:comment", args=[problem.pk]),
        {"text": "Согласен.", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_a_foreign_origin_on_https_is_refused_even_with_the_token(problem, settings):
    settings.ALLOWED_HOSTS = ["veche.example"]
    client = forging_client(make_resident(problem.territory))
    client.get(problem.get_absolute_url(), secure=True, HTTP_HOST="veche.example")
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("appeals:comment", args=[problem.pk]),
        {"text": "Подделано.", "csrfmiddlewaretoken": token},
        secure=True,
        HTTP_HOST="veche.example",
        HTTP_ORIGIN="https://evil.example",
        HTTP_REFERER="https://evil.example/form",
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_the_check_of_a_copy_against_an_issued_document_needs_the_token():
    """That view is csrf_exempt so that it can refuse an oversized upload before reading it,
    and applies the check itself afterwards."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from veche.appeals.documents import APPEAL
    from veche.documents.models import IssuedDocument

    problem = make_problem()
    document = IssuedDocument.objects.filter(kind=APPEAL).first()
    code = document.code if document else "ABCD-EFGH-JKLM"
    client = forging_client(problem.author)
    response = client.post(
        reverse("documents:document", args=[code]),
        {"copy": SimpleUploadedFile("copy.pdf", b"%PDF-1.4 copy", "application/pdf")},
    )
    assert response.status_code == 403


def test_state_changing_addresses_refuse_get(problem):
    client = Client()
    enter(client, make_resident(problem.territory))
    before = what_could_change()
    for name in ("sign", "withdraw", "comment", "follow", "rate", "close", "escalate"):
        assert client.get(reverse(f"appeals:{name}", args=[problem.pk])).status_code == 405, name
    assert client.get(reverse("notifications:read_all")).status_code == 405
    assert client.get(reverse("territories:choose")).status_code == 405
    assert what_could_change() == before


def test_the_csrf_and_session_cookies_are_out_of_reach_of_scripts_and_other_sites(problem):
    client = Client()
    enter(client, make_resident(problem.territory))
    client.get(problem.get_absolute_url())
    csrf = client.cookies["csrftoken"]
    session = client.cookies["sessionid"]
    assert csrf["httponly"] and session["httponly"]
    assert csrf["samesite"] == "Lax" and session["samesite"] == "Lax"
