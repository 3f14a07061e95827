"""The organizer's pages: who may open them, and the dashboard of my discussions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    make_discussion,
    make_staff,
)
from tests.sign_in import enter
from veche.discussions.models import (
    Submission,
)
from veche.discussions.tests.organizer_cast import people_around
from veche.discussions.tests.organizer_pages_cast import (
    DAY,
    create_data,
    discussion_at,
    paper_data,
    pdf,
    snapshot,
    submit_as_resident,
)
from veche.organizations.models import Membership

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("english_pages"),
    pytest.mark.usefixtures("one_city_day"),
]

# --- Who may open the organizer's pages -----------------------------------------------------


def organizer_requests(discussion, submission, *, general=True):
    """Every organizer-only page of the discussion, with a POST that would change something;
    with `general`, also the pages of organizers in general (their dashboard, a new draft)."""
    material = discussion.materials.first()
    later = (discussion.conclusion_due + 3 * DAY).isoformat()
    requests = [
        ("get", reverse("discussions:edit", args=[discussion.pk]), None),
        ("get", reverse("discussions:materials", args=[discussion.pk]), None),
        (
            "post",
            reverse("discussions:add_material", args=[discussion.pk]),
            {"title": "Схема", "file": pdf()},
        ),
        (
            "post",
            reverse("discussions:add_material_version", args=[material.pk]),
            {f"material-{material.pk}-file": pdf(), f"material-{material.pk}-note": "Уточнено"},
        ),
        ("get", reverse("discussions:publish", args=[discussion.pk]), None),
        ("post", reverse("discussions:publish", args=[discussion.pk]), {}),
        ("get", reverse("discussions:move_date", args=[discussion.pk]), None),
        (
            "post",
            reverse("discussions:move_date", args=[discussion.pk]),
            {"field": "conclusion_due", "day": later, "reason": "Праздники"},
        ),
        ("get", reverse("discussions:cancel", args=[discussion.pk]), None),
        ("post", reverse("discussions:cancel", args=[discussion.pk]), {"reason": "Отозван"}),
        ("get", reverse("discussions:review", args=[discussion.pk]), None),
        (
            "post",
            reverse("discussions:recommend", args=[submission.pk]),
            {f"s{submission.pk}-recommendation": "accepted", f"s{submission.pk}-reason": "Учтено"},
        ),
        ("post", reverse("discussions:sign_protocol", args=[discussion.pk]), {}),
        (
            "post",
            reverse("discussions:publish_conclusion", args=[discussion.pk]),
            {"text": "Проект рекомендован к утверждению."},
        ),
        ("get", reverse("discussions:progress", args=[discussion.pk]), None),
        (
            "post",
            reverse("discussions:progress", args=[discussion.pk]),
            {"title": "Начаты работы", "percent": "10"},
        ),
    ]
    if general:
        requests += [
            ("get", reverse("discussions:organizer"), None),
            ("get", reverse("discussions:create"), None),
            ("post", reverse("discussions:create"), create_data(discussion.territory)),
            ("get", reverse("discussions:applications"), None),
        ]
    return requests


ROLES = [
    "stranger",
    "resident",
    "organizer elsewhere",
    "official elsewhere",
    "expert",
    "official of the organizer",
]


@pytest.mark.parametrize("role", ROLES)
def test_organizer_pages_are_refused_to_everyone_but_the_organizers(
    client, office, organizer, role
):
    discussion = discussion_at("intake", office, organizer)
    submission = submit_as_resident(discussion)
    person = people_around(discussion)[role]
    enter(client, person)
    before = snapshot(discussion)
    # An organizer of another authority has pages of his own, but not this discussion's.
    general = role != "organizer elsewhere"
    for method, url, data in organizer_requests(discussion, submission, general=general):
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert response.status_code == 403, (role, method, url)
    assert snapshot(discussion) == before
    if not general:
        assert discussion.title not in client.get(reverse("discussions:organizer")).content.decode()


def test_organizer_pages_send_a_visitor_to_sign_in_and_change_nothing(client, office, organizer):
    discussion = discussion_at("intake", office, organizer)
    submission = submit_as_resident(discussion)
    before = snapshot(discussion)
    for method, url, data in organizer_requests(discussion, submission):
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("account_login"))
    assert snapshot(discussion) == before


@pytest.mark.parametrize("role", ["stranger", "resident", "organizer elsewhere", "expert"])
def test_a_draft_does_not_exist_for_those_who_do_not_organize_it(client, office, organizer, role):
    draft = discussion_at("scheduled", office, organizer, publish=False)
    person = people_around(draft)[role]
    enter(client, person)
    for name in ("edit", "materials", "publish", "review", "register_submission"):
        assert client.get(reverse(f"discussions:{name}", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize(
    "role", ["stranger", "resident", "organizer elsewhere", "official elsewhere", "expert"]
)
def test_paper_submissions_are_registered_only_by_the_organizers_officials(
    client, office, organizer, role
):
    discussion = discussion_at("intake", office, organizer)
    person = people_around(discussion)[role]
    enter(client, person)
    url = reverse("discussions:register_submission", args=[discussion.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, paper_data(discussion)).status_code == 403
    assert not Submission.objects.exists()


def test_an_official_of_the_organizer_registers_a_paper_submission(client, office, organizer):
    discussion = discussion_at("intake", office, organizer)
    official = make_staff(office, Membership.Role.OFFICIAL)
    enter(client, official)
    url = reverse("discussions:register_submission", args=[discussion.pk])
    response = client.post(url, paper_data(discussion))
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.channel == Submission.Channel.WRITING
    assert submission.registered_by == official
    assert submission.author is None
    assert submission.participant["full_name"] == "Петрова Мария Ивановна"
    assert submission.participant["birthdate"] == "1970-03-08"
    assert submission.participant["received_on"] == discussion.local_date().isoformat()
    assert submission.basis == Submission.Basis.RESIDENT
    # The official's page offers no organizer-only page he would be refused.
    tabs = [tab["key"] for tab in client.get(url).context["tabs"]]
    assert tabs == ["register_submission"]
    assert reverse("discussions:organizer") not in client.get(url).content.decode()


# --- My discussions -------------------------------------------------------------------------


def test_the_dashboard_shows_drafts_and_running_discussions_of_my_organizations(
    client, office, organizer
):
    draft = discussion_at("scheduled", office, organizer, publish=False, title="Черновик сквера")
    running = discussion_at("intake", office, organizer, title="Идущее обсуждение")
    submit_as_resident(running)
    other = make_discussion(stage="intake", title="Чужое обсуждение")
    enter(client, organizer)
    page = client.get(reverse("discussions:organizer")).content.decode()
    assert draft.title in page and running.title in page
    assert other.title not in page
    assert reverse("discussions:review", args=[running.pk]) + "?show=unreviewed" in page


def test_the_dashboard_costs_the_same_queries_for_one_discussion_or_many(client, office, organizer):
    discussion_at("intake", office, organizer)
    enter(client, organizer)
    client.get(reverse("discussions:organizer"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("discussions:organizer"))
    discussion_at("review", office, organizer)
    discussion_at("scheduled", office, organizer, publish=False)
    with CaptureQueriesContext(connection) as three:
        client.get(reverse("discussions:organizer"))
    assert len(three) == len(one)
