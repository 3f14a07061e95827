"""Experts assigned to a document: the organizer chooses which of the discussion's experts answer
for each material (audited, organizer only); a question naming that document goes to them, one
naming none (or a document with nobody assigned) to all the experts; any expert may answer."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_discussion, make_resident, make_staff, make_user
from tests.sign_in import enter
from veche.core.models import AuditEvent
from veche.discussions import services
from veche.notifications.tests.builders import deliver_events
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quiet(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def roads():
    return make_user("roads@example.org")


@pytest.fixture
def parks():
    return make_user("parks@example.org")


@pytest.fixture
def discussion(roads, parks):
    return make_discussion(stage="exposition", experts=[roads, parks])


def material_of(discussion):
    return discussion.materials.get()


def assign(discussion, *experts):
    return services.assign_material_experts(
        user=discussion.created_by, material=material_of(discussion), experts=experts
    )


def ask(discussion, material=None):
    return services.submit(
        user=make_resident(discussion.territory),
        discussion=discussion,
        kind="question",
        text="Какой высоты будут дома у сквера?",
        material=material,
    )


def told(user, kind="discussion_question_asked") -> int:
    return user.notifications.filter(kind=kind).count()


def test_the_organizer_assigns_experts_and_it_is_audited(discussion, roads):
    assign(discussion, roads)
    assert list(material_of(discussion).experts.all()) == [roads]
    event = AuditEvent.objects.filter(action="discussion.material_experts").get()
    assert event.data["experts"] == [roads.pk]


def test_only_the_discussions_experts_can_be_assigned(discussion):
    with pytest.raises(ValidationError):
        assign(discussion, make_user())


def test_an_organizer_of_another_organization_is_refused(discussion, roads):
    stranger = make_staff(make_discussion().organizer, Membership.Role.ORGANIZER)
    with pytest.raises(PermissionDenied):
        services.assign_material_experts(
            user=stranger, material=material_of(discussion), experts=[roads]
        )


def test_a_resident_is_refused_on_the_page(client, discussion, roads):
    enter(client, make_resident(discussion.territory))
    url = reverse("discussions:material_experts", args=[material_of(discussion).pk])
    material = material_of(discussion)
    response = client.post(url, {f"experts-{material.pk}-experts": [roads.pk]})
    assert response.status_code == 403
    assert not material.experts.exists()


def test_the_organizer_saves_them_on_the_materials_page(client, discussion, parks):
    enter(client, discussion.created_by)
    material = material_of(discussion)
    url = reverse("discussions:material_experts", args=[material.pk])
    response = client.post(url, {f"experts-{material.pk}-experts": [parks.pk]})
    assert response.status_code == 302
    assert list(material.experts.all()) == [parks]


@pytest.mark.parametrize(
    ("language", "label"),
    [("en", "Experts who answer for it"), ("ru", "Эксперты, отвечающие за документ")],
)
def test_the_materials_page_offers_the_choice(client, discussion, language, label):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    enter(client, discussion.created_by)
    html = client.get(reverse("discussions:materials", args=[discussion.pk])).content.decode()
    assert label in html
    assert "roads@example.org" in html


def test_a_question_about_the_document_goes_to_its_experts(discussion, roads, parks):
    assign(discussion, roads)
    ask(discussion, material_of(discussion))
    deliver_events()
    assert (told(roads), told(parks)) == (1, 0)


def test_a_question_about_the_whole_project_goes_to_every_expert(discussion, roads, parks):
    assign(discussion, roads)
    ask(discussion)
    deliver_events()
    assert (told(roads), told(parks)) == (1, 1)


def test_a_document_with_nobody_assigned_leaves_it_to_every_expert(discussion, roads, parks):
    ask(discussion, material_of(discussion))
    deliver_events()
    assert (told(roads), told(parks)) == (1, 1)


def test_an_expert_no_longer_of_the_discussion_is_not_told(discussion, roads, parks):
    assign(discussion, roads)
    discussion.experts.remove(roads)
    ask(discussion, material_of(discussion))
    deliver_events()
    assert (told(roads), told(parks)) == (0, 1)


def test_the_reminder_goes_to_the_documents_experts(discussion, roads, parks, settings):
    settings.VECHE_EXPERT_REMINDER_HOURS = 48
    assign(discussion, parks)
    ask(discussion, material_of(discussion))
    services.send_due_notices(timezone.now() + datetime.timedelta(hours=49))
    deliver_events()
    reminder = "discussion_expert_reminder"
    assert (told(roads, reminder), told(parks, reminder)) == (0, 1)


def test_another_expert_may_still_answer(discussion, roads, parks):
    assign(discussion, roads)
    question = ask(discussion, material_of(discussion))
    answer = services.answer_question(expert=parks, submission=question, text="Пять этажей.")
    assert answer.expert == parks
