"""A hostile user against public discussions: drafts stay private even when called off, forged input
and dates out of this world are refused and store nothing, every text has a limit."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import make_discussion, make_organization, make_resident, make_staff
from tests.sign_in import enter
from veche.discussions import services
from veche.discussions.models import (
    Discussion,
    Follow,
    MaterialVersion,
    ScheduleChange,
    Submission,
)
from veche.discussions.tests.organizer_cast import (
    make_legal_entity_representative,
)
from veche.discussions.tests.security_cast import (
    DAY,
    PROPOSAL,
    TINY_PNG,
    form_data,
    organizer_of,
    send,
    submit_url,
)
from veche.notifications.models import Notification
from veche.organizations.models import Membership

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("english_site_running_tasks"),
    pytest.mark.usefixtures("one_city_day"),
]

# --- Drafts stay private, even when called off ----------------------------------------------


def test_a_cancelled_draft_stays_private(client):
    draft = make_discussion(stage="scheduled", publish=False, title="Секретный проект")
    services.cancel_discussion(
        user=organizer_of(draft), discussion=draft, reason="Передумали выносить."
    )
    version = MaterialVersion.objects.get(material__discussion=draft)
    enter(client, make_resident(draft.territory))
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(version.get_absolute_url()).status_code == 404
    assert "Секретный проект" not in client.get(reverse("discussions:list")).content.decode()


def test_cancelling_a_draft_tells_no_follower_of_the_territory(
    django_capture_on_commit_callbacks,
):
    draft = make_discussion(stage="scheduled", publish=False, title="Секретный проект")
    follower = make_resident(draft.territory)
    Follow.objects.create(user=follower, territory=draft.territory)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_discussion(
            user=organizer_of(draft), discussion=draft, reason="Передумали выносить."
        )
    assert not Notification.objects.filter(user=follower).exists()


def test_a_cancelled_published_discussion_stays_public_and_its_followers_hear_of_it(
    client, django_capture_on_commit_callbacks
):
    discussion = make_discussion(stage="intake")
    follower = make_resident(discussion.territory)
    Follow.objects.create(user=follower, territory=discussion.territory)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_discussion(
            user=organizer_of(discussion), discussion=discussion, reason="Проект отозван."
        )
    assert client.get(discussion.get_absolute_url()).status_code == 200
    assert Notification.objects.filter(user=follower).count() == 1


# --- Forged input -----------------------------------------------------------------------------


def add_image(discussion):
    upload = SimpleUploadedFile("scheme.png", TINY_PNG, content_type="image/png")
    return services.add_material(
        user=organizer_of(discussion), discussion=discussion, title="Схема", upload=upload
    ).material


def test_a_material_of_another_discussion_is_refused_and_nothing_stored(client):
    discussion = make_discussion()
    other = make_discussion(territory=discussion.territory)
    enter(client, make_resident(discussion.territory))
    foreign = other.materials.get()
    response = client.post(submit_url(discussion), form_data(material=foreign.pk))
    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_a_page_beyond_the_document_is_refused_and_nothing_stored(client):
    discussion = make_discussion()  # its drawing has 2 pages
    enter(client, make_resident(discussion.territory))
    material = discussion.materials.get()
    response = client.post(submit_url(discussion), form_data(material=material.pk, page="3"))
    assert response.status_code == 302
    assert not Submission.objects.exists()


@pytest.mark.parametrize("page", ["0", "-1", "2147483648", "99999999999999999999"])
def test_an_absurd_page_of_an_image_is_refused_and_nothing_stored(client, page):
    discussion = make_discussion()
    image = add_image(discussion)  # an image has no page count to check against
    enter(client, make_resident(discussion.territory))
    response = client.post(submit_url(discussion), form_data(material=image.pk, page=page))
    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_a_proposal_during_the_exposition_is_refused_and_nothing_stored(client):
    discussion = make_discussion(stage="exposition")  # questions only
    enter(client, make_resident(discussion.territory))
    response = client.post(submit_url(discussion), form_data(kind="proposal"))
    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_a_kind_that_does_not_exist_is_refused(client):
    discussion = make_discussion()
    enter(client, make_resident(discussion.territory))
    assert client.post(submit_url(discussion), form_data(kind="complaint")).status_code == 400
    assert not Submission.objects.exists()


def test_on_behalf_of_a_legal_entity_without_a_verified_one_is_not_taken(client):
    discussion = make_discussion()
    resident = make_resident(discussion.territory)
    enter(client, resident)
    client.post(submit_url(discussion), form_data(as_legal_entity="on"))
    submission = Submission.objects.get()
    assert submission.as_legal_entity is False
    assert "ogrn" not in submission.participant


def test_a_text_longer_than_allowed_is_refused(client):
    discussion = make_discussion()
    enter(client, make_resident(discussion.territory))
    response = client.post(submit_url(discussion), form_data(text="Д" * 10_001))
    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_a_text_of_blanks_is_refused(client):
    discussion = make_discussion()
    enter(client, make_resident(discussion.territory))
    response = client.post(submit_url(discussion), form_data(text=" \n\t" * 20))
    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_a_nul_character_is_refused_not_an_error_of_the_database(client):
    discussion = make_discussion()
    enter(client, make_resident(discussion.territory))
    response = client.post(submit_url(discussion), form_data(text=PROPOSAL + "\x00"))
    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_a_recommendation_on_another_organizers_submission_is_refused(client):
    discussion = make_discussion()
    submission = send(make_resident(discussion.territory), discussion)
    elsewhere = make_staff(make_organization(jurisdiction=[discussion.territory]), "organizer")
    enter(client, elsewhere)
    prefix = f"s{submission.pk}"
    response = client.post(
        reverse("discussions:recommend", args=[submission.pk]),
        {f"{prefix}-recommendation": "rejected", f"{prefix}-reason": "Отклонено чужим."},
    )
    assert response.status_code == 403
    submission.refresh_from_db()
    assert submission.recommendation == ""


def test_a_paper_submission_on_an_absurd_page_is_refused(client):
    from veche.discussions.tests.organizer_pages_cast import paper_data

    discussion = make_discussion()
    image = add_image(discussion)
    enter(client, make_staff(discussion.organizer, Membership.Role.OFFICIAL))
    url = reverse("discussions:register_submission", args=[discussion.pk])
    response = client.post(url, paper_data(discussion, material=image.pk, page="2147483648"))
    assert response.status_code == 400
    assert not Submission.objects.exists()


# --- Dates out of this world ------------------------------------------------------------------


def schedule_from(first: datetime.date) -> dict:
    return {
        "notice_date": first,
        "exposition_start": first + 7 * DAY,
        "intake_start": first + 7 * DAY,
        "intake_end": first + 20 * DAY,
        "exposition_end": first + 20 * DAY,
        "protocol_due": first + 24 * DAY,
        "conclusion_due": first + 30 * DAY,
    }


@pytest.mark.parametrize(
    "first", [datetime.date(9999, 12, 1), datetime.date(1, 1, 1), datetime.date(2999, 1, 1)]
)
def test_a_schedule_far_in_the_future_or_past_is_refused_on_the_form(client, first):
    from veche.discussions.tests.organizer_pages_cast import create_data

    discussion = make_discussion()
    enter(client, organizer_of(discussion))
    dates = {name: day.isoformat() for name, day in schedule_from(first).items()}
    data = create_data(discussion.territory, subject="general_plan", **dates)
    response = client.post(reverse("discussions:create"), data)
    assert response.status_code == 400
    assert Discussion.objects.count() == 1


def test_a_meeting_far_in_the_future_is_refused_on_the_form(client):
    from veche.discussions.tests.organizer_pages_cast import create_data

    discussion = make_discussion()
    enter(client, organizer_of(discussion))
    data = create_data(
        discussion.territory,
        kind="hearing",
        time_zone="America/New_York",
        meeting_at="9999-12-31T23:00",
    )
    response = client.post(reverse("discussions:create"), data)
    assert response.status_code == 400
    assert Discussion.objects.count() == 1


@pytest.mark.parametrize("day", ["9999-12-01", "0001-01-02"])
def test_a_date_moved_out_of_this_world_is_refused_and_nothing_changes(client, day):
    discussion = make_discussion(stage="announced")
    enter(client, organizer_of(discussion))
    response = client.post(
        reverse("discussions:move_date", args=[discussion.pk]),
        {"field": "intake_end", "day": day, "move_later": "on", "reason": "Праздники."},
    )
    assert response.status_code == 400
    assert not ScheduleChange.objects.exists()


def test_a_time_zone_that_is_not_one_is_refused(client):
    from veche.discussions.tests.organizer_pages_cast import create_data

    discussion = make_discussion()
    enter(client, organizer_of(discussion))
    for zone in ("Mars/Olympus", "../../etc/passwd", "UTC\x00"):
        data = create_data(discussion.territory, time_zone=zone)
        assert client.post(reverse("discussions:create"), data).status_code == 400
    assert Discussion.objects.count() == 1


# --- Texts of any length ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form_name", "field", "limit"),
    [
        ("DiscussionForm", "description", "LONG_TEXT"),
        ("DiscussionForm", "expert_emails", None),
        ("MoveDateForm", "reason", "REASON_TEXT"),
        ("ReasonForm", "reason", "REASON_TEXT"),
        ("RecommendationForm", "reason", "REASON_TEXT"),
        ("ConclusionForm", "text", "LONG_TEXT"),
        ("MilestoneForm", "note", "REASON_TEXT"),
        ("ApplicationForm", "description", "LONG_TEXT"),
        ("DecisionForm", "reason", "REASON_TEXT"),
    ],
)
def test_every_text_an_organizer_or_applicant_types_has_a_limit(form_name, field, limit):
    from veche.discussions import forms_organizer

    form_class = getattr(forms_organizer, form_name)
    max_length = form_class.base_fields[field].max_length
    assert max_length is not None
    if limit:
        assert max_length == getattr(forms_organizer, limit)


def test_an_overlong_conclusion_is_refused_and_nothing_published(client):
    from veche.discussions.forms_organizer import LONG_TEXT

    discussion = make_discussion(stage="review")
    Discussion.objects.filter(pk=discussion.pk).update(
        protocol_signed_at=discussion.published_at, protocol_signed_by=discussion.created_by
    )
    enter(client, organizer_of(discussion))
    response = client.post(
        reverse("discussions:publish_conclusion", args=[discussion.pk]),
        {"text": "Вывод. " * (LONG_TEXT // 7 + 1)},
    )
    assert response.status_code == 400
    assert list(response.context["conclusion_form"].errors) == ["text"]
    discussion.refresh_from_db()
    assert discussion.conclusion_published_at is None


def test_an_overlong_application_is_refused_and_nothing_filed(client):
    from tests.factories import tiny_pdf
    from veche.discussions.forms_organizer import LONG_TEXT
    from veche.discussions.models import Application

    discussion = make_discussion()
    developer = make_legal_entity_representative()
    enter(client, developer)
    response = client.post(
        reverse("discussions:apply"),
        {
            "organization": discussion.organizer.pk,
            "subject": "conditional_use",
            "title": "Склад на участке 16:50:010101:1",
            "description": "Д" * (LONG_TEXT + 1),
            "territory": discussion.territory.pk,
            "document": SimpleUploadedFile("project.pdf", tiny_pdf(), "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["description"]
    assert not Application.objects.exists()
