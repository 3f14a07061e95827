"""Access control and data exposure: nobody reads what is not public or theirs, acts on an
object of another person or another organization by changing an id in the request, raises
their own rights through a form, or is sent to another site by a crafted `next`.

Decidim's advisories include CVE-2026-40869 (any signed-in user could accept or reject the
amendments of a proposal not theirs) and CVE-2026-40870 (its API handed out every commentable
resource without a permission check); the Veche equivalents are the decision on an edit
proposal, drafts and hidden comments reached by id, and the addressee's copy of an appeal.
Role matrices live beside each app (cabinet/tests/test_authorization.py, reporting/tests/
test_dashboard_access.py, appeals/tests/test_attachments.py, discussions/tests/
test_security_*.py); these cases are the hostile ones they do not try.
"""

import pytest
from django.urls import reverse

from tests.factories import (
    make_organization,
    make_problem,
    make_resident,
    make_staff,
    make_territory,
    make_user,
)
from tests.sign_in import enter
from veche.appeals import services
from veche.appeals.models import Comment, EditProposal, Problem, Rating, Signature
from veche.cabinet.tests.builders import received_appeal
from veche.notifications.models import Notification

pytestmark = pytest.mark.django_db
EVIL = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example"]


@pytest.fixture(autouse=True)
def _english(settings, client):
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def draft_of(problem) -> Problem:
    Problem.objects.filter(pk=problem.pk).update(status=Problem.Status.DRAFT)
    problem.refresh_from_db()
    return problem


# --- Drafts are their authors' alone --------------------------------------------------------


def test_a_draft_is_not_found_by_others_by_id_list_or_search(client):
    draft = draft_of(make_problem(title="Секретный черновик про мост"))
    client.force_login(make_resident(draft.territory))
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("appeals:diff", args=[draft.pk])).status_code == 404
    for query in ({}, {"q": "черновик мост"}, {"territory": draft.territory.code}):
        page = client.get(reverse("appeals:list"), query).content.decode()
        assert "Секретный черновик" not in page, query


def test_nobody_signs_or_comments_a_draft_by_its_id(client):
    draft = draft_of(make_problem())
    client.force_login(make_resident(draft.territory))
    client.post(reverse("appeals:sign", args=[draft.pk]), {"consent": "on"})
    client.post(reverse("appeals:comment", args=[draft.pk]), {"text": "Нашёл черновик."})
    assert Signature.objects.filter(user__isnull=False).count() == 1  # the author's own
    assert not Comment.objects.exists()


def test_the_applicants_data_go_only_to_the_addressee_once_sent(client):
    """The addressee's copy lists every co-applicant's name and address (59-FZ)."""
    problem = make_problem()
    appeal = problem.current_appeal
    full = reverse("appeals:appeal_full_pdf", args=[appeal.pk])
    for person in (
        make_resident(problem.territory),
        problem.author,
        make_staff(make_organization()),  # an official elsewhere
        make_staff(appeal.organization),  # the addressee, before it is sent
    ):
        enter(client, person)
        assert client.get(full).status_code == 403
    draft = draft_of(make_problem())
    enter(client, make_resident(draft.territory))
    pdf = reverse("appeals:appeal_pdf", args=[draft.current_appeal.pk])
    assert client.get(pdf).status_code == 404


# --- Ids of other people's objects ----------------------------------------------------------


def test_a_reply_cannot_be_attached_to_a_comment_on_another_problem(client):
    first, second = make_problem(), make_problem()
    foreign = services.add_comment(author=first.author, problem=first, text="Первая ветка.")
    client.force_login(make_resident(second.territory))
    client.post(
        reverse("appeals:comment", args=[second.pk]), {"text": "Ответ.", "parent": foreign.pk}
    )
    assert not Comment.objects.filter(parent=foreign).exists()


def test_an_edit_proposal_is_decided_only_by_its_appeals_author(client):
    problem = make_problem()
    appeal = problem.current_appeal
    signer = make_resident(problem.territory)
    services.sign_appeal(user=signer, appeal=appeal)
    proposal = services.propose_edit(
        user=signer, appeal=appeal, text=appeal.current_revision.text + " Срочно."
    )
    other = make_problem()
    client.force_login(other.author)  # the author of another problem, trying this proposal
    for pk in (problem.pk, other.pk):
        client.post(
            reverse("appeals:decide_proposal", args=[pk, proposal.pk]), {"decision": "accept"}
        )
    proposal.refresh_from_db()
    assert proposal.status == EditProposal.Status.PENDING


def test_only_a_signatory_rates_the_answer(client):
    problem = make_problem()
    client.force_login(make_resident(problem.territory))  # lives there, never signed
    client.post(reverse("appeals:rate", args=[problem.pk]), {"score": "1"})
    assert not Rating.objects.exists()


def test_marking_read_touches_only_ones_own_notifications(client):
    person, other = make_user(), make_user()
    theirs = Notification.objects.create(user=other, kind="test", title="Чужое")
    client.force_login(person)
    client.post(reverse("notifications:read"), {"notification": [theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_cabinet_of_another_organization_is_not_opened_by_its_slug(client):
    mine, theirs = make_organization(), make_organization()
    received_appeal(theirs, title="Чужое обращение")
    enter(client, make_staff(mine))
    response = client.get(reverse("cabinet:home"), {"organization": theirs.slug})
    assert response.status_code == 404


def test_a_hidden_comment_cannot_be_reported_or_shown_through_the_report_form(client):
    from django.utils import timezone

    problem = make_problem()
    comment = services.add_comment(author=problem.author, problem=problem, text="Скрыто.")
    Comment.objects.filter(pk=comment.pk).update(hidden_at=timezone.now())
    client.force_login(make_resident(problem.territory))
    assert client.get(reverse("moderation:report"), {"comment": comment.pk}).status_code == 404


# --- Rights are not raised through a form ---------------------------------------------------


def test_the_profile_form_does_not_take_staff_rights_or_another_e_mail(client):
    person = make_user(email="me@example.org")
    client.force_login(person)
    client.post(
        reverse("accounts:profile"),
        {
            "last_name": "Иванов",
            "first_name": "Иван",
            "name_publication": "none",
            "preferred_language": "en",
            "is_staff": "on",
            "is_superuser": "on",
            "email": "admin@example.org",
            "groups": "1",
        },
    )
    person.refresh_from_db()
    assert person.last_name == "Иванов"  # the form was taken
    assert (person.is_staff, person.is_superuser, person.email) == (
        False,
        False,
        "me@example.org",
    )


def test_the_admin_is_closed_to_residents_and_officials(client):
    territory = make_territory()
    for person in (make_resident(territory), make_staff(make_organization())):
        enter(client, person)
        response = client.get("/admin/identity/identityprovider/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


# --- Redirects stay on the site -------------------------------------------------------------


@pytest.mark.parametrize("target", EVIL)
def test_sign_in_does_not_send_to_another_site(client, target):
    make_user(email="me@example.org", password="correct-horse-battery-9")
    response = client.post(
        f"/accounts/login/?next={target}",
        {"login": "me@example.org", "password": "correct-horse-battery-9"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


@pytest.mark.parametrize("target", EVIL)
def test_the_territory_picker_and_the_inbox_do_not_send_to_another_site(client, target):
    client.force_login(make_user())
    for url, data in (
        (reverse("territories:choose"), {"territory": "", "next": target}),
        (reverse("notifications:read_all"), {"next": target}),
        (reverse("set_language"), {"language": "ru", "next": target}),
    ):
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert "evil.example" not in response["Location"], url
