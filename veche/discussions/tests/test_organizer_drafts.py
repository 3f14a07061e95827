"""The organizer's pages: creating and editing a draft, its materials, publishing, moving a date,
cancelling."""

import datetime
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    make_staff,
    make_territory,
    make_user,
    tiny_pdf,
)
from tests.sign_in import enter
from veche.discussions import queries
from veche.discussions.forms_organizer import suggested_schedule
from veche.discussions.models import (
    Discussion,
    ScheduleChange,
)
from veche.discussions.tests.organizer_pages_cast import (
    DAY,
    create_data,
    discussion_at,
    pdf,
    snapshot,
)
from veche.identity.models import EligibilityRule, Level
from veche.organizations.models import Membership

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("english_pages"),
    pytest.mark.usefixtures("one_city_day"),
]

# --- Create and edit a draft ----------------------------------------------------------------


def test_the_create_form_suggests_a_lawful_schedule_from_tomorrow(client, organizer, settings):
    settings.VECHE_DISCUSSION_NOTICE_DAYS = 7
    enter(client, organizer)
    page = client.get(reverse("discussions:create")).content.decode()
    today = timezone.localdate()
    assert f'name="notice_date" value="{(today + DAY).isoformat()}"' in page
    assert f'name="exposition_start" value="{(today + 8 * DAY).isoformat()}"' in page
    assert 'name="min_age" value="18"' in page


def test_a_general_plan_on_the_suggested_schedule_has_no_warning():
    from veche.discussions.schedule import schedule_warnings

    for offset in range(0, 366, 7):
        dates = suggested_schedule(datetime.date(2026, 1, 1) + offset * DAY)
        assert schedule_warnings(dates | {"subject": "general_plan"}) == []


def test_creating_a_draft_keeps_its_terms_eligibility_and_experts(
    client, office, organizer, territory
):
    member_expert = make_staff(office, Membership.Role.EXPERT, last_name="Экспертова")
    outside_expert = make_user("architect@example.org")
    district = make_territory(parent=territory)
    enter(client, organizer)
    data = create_data(
        territory,
        eligible_territories=[territory.pk, district.pk],
        min_age="16",
        owners_qualify="",
        experts=[member_expert.pk],
        expert_emails="Architect@example.org",
    )
    response = client.post(reverse("discussions:create"), data)
    discussion = Discussion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("discussions:materials", args=[discussion.pk])
    assert discussion.status == Discussion.Status.DRAFT
    assert discussion.organizer == office and discussion.created_by == organizer
    assert discussion.title == "Проект планировки квартала 7"
    assert discussion.exposition_place == "ул. Баумана, 1"
    assert set(discussion.experts.all()) == {member_expert, outside_expert}
    rule = queries.eligibility_of(discussion)
    assert set(rule.territories.all()) == {territory, district}
    assert rule.min_age == 16 and rule.owners_qualify is False and rule.min_level == Level.CENSUS
    assert EligibilityRule.objects.filter(object_id=discussion.pk).count() == 2


def test_schedule_errors_show_on_their_fields_and_nothing_is_saved(client, organizer, territory):
    enter(client, organizer)
    dates = suggested_schedule(timezone.localdate())
    data = create_data(territory, intake_end=(dates["intake_start"] - DAY).isoformat())
    response = client.post(reverse("discussions:create"), data)
    assert response.status_code == 400
    assert "The intake cannot close before it opens." in response.content.decode()
    assert "intake_end" in response.context["form"].errors
    assert not Discussion.objects.exists()


def test_a_hearing_without_its_meeting_is_refused_on_the_meeting_field(
    client, organizer, territory
):
    enter(client, organizer)
    response = client.post(reverse("discussions:create"), create_data(territory, kind="hearing"))
    assert response.status_code == 400
    assert "meeting_at" in response.context["form"].errors
    assert not Discussion.objects.exists()


def test_the_meeting_time_is_read_on_the_discussions_own_clock(client, organizer, territory):
    enter(client, organizer)
    dates = suggested_schedule(timezone.localdate())
    day = dates["intake_end"]
    data = create_data(
        territory,
        kind="hearing",
        time_zone="Asia/Vladivostok",
        meeting_at=f"{day.isoformat()}T18:00",
        meeting_place="Актовый зал",
    )
    assert client.post(reverse("discussions:create"), data).status_code == 302
    meeting = Discussion.objects.get().meeting_at
    assert meeting == datetime.datetime.combine(
        day, datetime.time(18, 0), tzinfo=zoneinfo.ZoneInfo("Asia/Vladivostok")
    )


def test_a_schedule_breaking_the_law_needs_the_organizers_acknowledgement(
    client, organizer, territory
):
    enter(client, organizer)
    dates = suggested_schedule(timezone.localdate())
    short = create_data(territory, notice_date=(dates["exposition_start"] - 3 * DAY).isoformat())
    response = client.post(reverse("discussions:create"), short)
    page = response.content.decode()
    assert response.status_code == 400
    assert "at least 7 days before the exposition" in page
    assert 'type="checkbox" name="accept_warnings"' in page
    assert not Discussion.objects.exists()

    response = client.post(reverse("discussions:create"), short | {"accept_warnings": "on"})
    assert response.status_code == 302
    assert Discussion.objects.get().notice_date == dates["exposition_start"] - 3 * DAY


def test_an_expert_without_an_account_is_refused_by_address(client, organizer, territory):
    enter(client, organizer)
    data = create_data(territory, expert_emails="nobody@example.org, not-an-address")
    response = client.post(reverse("discussions:create"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors["expert_emails"]
    assert "nobody@example.org, not-an-address" in errors[0]
    assert not Discussion.objects.exists()


def test_the_organizer_edits_a_draft(client, office, organizer, territory):
    draft = discussion_at("scheduled", office, organizer, publish=False)
    enter(client, organizer)
    url = reverse("discussions:edit", args=[draft.pk])
    form = client.get(url).context["form"]
    assert form.initial["title"] == draft.title
    assert form.initial["min_age"] == 18
    data = create_data(territory, title="Новое название", min_age="14")
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Новое название"
    assert queries.eligibility_of(draft).min_age == 14


def test_a_published_discussion_is_not_edited_but_its_dates_are_moved(client, office, organizer):
    discussion = discussion_at("intake", office, organizer)
    enter(client, organizer)
    url = reverse("discussions:edit", args=[discussion.pk])
    before = snapshot(discussion)
    response = client.post(url, create_data(discussion.territory, title="Другое"))
    assert response.status_code == 302
    assert response["Location"] == reverse("discussions:move_date", args=[discussion.pk])
    assert snapshot(discussion) == before


# --- Materials ------------------------------------------------------------------------------


def test_a_document_is_uploaded_and_a_new_version_keeps_the_old_one(client, office, organizer):
    draft = discussion_at("scheduled", office, organizer, publish=False)
    enter(client, organizer)
    response = client.post(
        reverse("discussions:add_material", args=[draft.pk]),
        {"title": "Пояснительная записка", "file": pdf(pages=3)},
    )
    assert response.status_code == 302
    material = draft.materials.get(title="Пояснительная записка")
    assert material.current.pages == 3

    prefix = f"material-{material.pk}"
    response = client.post(
        reverse("discussions:add_material_version", args=[material.pk]),
        {f"{prefix}-file": pdf(pages=4), f"{prefix}-note": "Добавлен раздел о парковках"},
    )
    assert response.status_code == 302
    versions = list(material.versions.order_by("number"))
    assert [(v.number, v.pages, v.note) for v in versions] == [
        (1, 3, ""),
        (2, 4, "Добавлен раздел о парковках"),
    ]
    page = client.get(reverse("discussions:materials", args=[draft.pk])).content.decode()
    assert versions[0].get_absolute_url() in page and versions[1].get_absolute_url() in page


def test_a_file_of_another_type_is_refused_on_the_form(client, office, organizer):
    draft = discussion_at("scheduled", office, organizer, publish=False)
    enter(client, organizer)
    before = snapshot(draft)
    fake = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        reverse("discussions:add_material", args=[draft.pk]), {"title": "Схема", "file": fake}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "Only PDF documents and PNG or JPEG images are accepted."
    ]
    assert snapshot(draft) == before
    assert draft.materials.count() == 1


def test_an_oversized_version_is_refused_on_its_form(client, office, organizer, settings):
    settings.VECHE_MATERIAL_MAX_MB = 1
    draft = discussion_at("scheduled", office, organizer, publish=False)
    material = draft.materials.get()
    enter(client, organizer)
    before = snapshot(draft)
    big = SimpleUploadedFile("big.pdf", tiny_pdf() + b"0" * (1024 * 1024), "application/pdf")
    prefix = f"material-{material.pk}"
    response = client.post(
        reverse("discussions:add_material_version", args=[material.pk]),
        {f"{prefix}-file": big, f"{prefix}-note": "Больше"},
    )
    assert response.status_code == 400
    materials = {m.pk: f for m, f, _experts in response.context["materials"]}
    assert "at most 1 MB" in materials[material.pk].errors["file"][0]
    assert snapshot(draft) == before


def test_a_new_version_of_a_published_document_says_what_changed(client, office, organizer):
    discussion = discussion_at("exposition", office, organizer)
    material = discussion.materials.get()
    enter(client, organizer)
    before = snapshot(discussion)
    prefix = f"material-{material.pk}"
    response = client.post(
        reverse("discussions:add_material_version", args=[material.pk]),
        {f"{prefix}-file": pdf(), f"{prefix}-note": ""},
    )
    assert response.status_code == 400
    forms = {m.pk: f for m, f, _experts in response.context["materials"]}
    assert forms[material.pk].errors["note"] == ["Say what changed: participants see it."]
    assert snapshot(discussion) == before


# --- Publishing, moving a date, cancelling --------------------------------------------------


def test_publishing_a_schedule_with_warnings_needs_the_acknowledgement(client, office, organizer):
    draft = discussion_at("scheduled", office, organizer, publish=False)
    Discussion.objects.filter(pk=draft.pk).update(notice_date=draft.exposition_start - 2 * DAY)
    enter(client, organizer)
    url = reverse("discussions:publish", args=[draft.pk])
    assert "at least 7 days" in client.get(url).content.decode()
    response = client.post(url, {})
    assert response.status_code == 400
    assert "accept_warnings" in response.context["form"].errors
    draft.refresh_from_db()
    assert draft.status == Discussion.Status.DRAFT

    response = client.post(url, {"accept_warnings": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Discussion.Status.PUBLISHED


def test_a_draft_without_documents_is_not_published(client, office, organizer, territory):
    enter(client, organizer)
    client.post(reverse("discussions:create"), create_data(territory))
    draft = Discussion.objects.get()
    url = reverse("discussions:publish", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "The project has no document yet." in page
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Add at least one document of the project" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Discussion.Status.DRAFT


def test_moving_a_date_keeps_the_public_reason(client, office, organizer):
    discussion = discussion_at("intake", office, organizer)
    enter(client, organizer)
    url = reverse("discussions:move_date", args=[discussion.pk])
    response = client.post(
        url,
        {
            "field": "conclusion_due",
            "day": (discussion.conclusion_due + 2 * DAY).isoformat(),
            "reason": "Выходные дни",
        },
    )
    assert response.status_code == 302
    change = ScheduleChange.objects.get()
    assert change.field == "conclusion_due" and change.reason == "Выходные дни"
    assert "Выходные дни" in client.get(url).content.decode()


def test_extending_the_intake_moves_the_later_dates_with_it(client, office, organizer):
    discussion = discussion_at("intake", office, organizer)
    enter(client, organizer)
    url = reverse("discussions:move_date", args=[discussion.pk])
    before = {
        name: getattr(discussion, name)
        for name in ("intake_end", "exposition_end", "protocol_due", "conclusion_due")
    }
    new_end = (discussion.intake_end + 3 * DAY).isoformat()
    data = {"field": "intake_end", "day": new_end, "reason": "Много обращений"}
    # Alone, the intake would outlast the exposition: refused, and nothing moves.
    response = client.post(url, data)
    assert response.status_code == 400
    assert "The exposition must last until the intake" in response.content.decode()
    assert not ScheduleChange.objects.exists()

    response = client.post(url, data | {"move_later": "on"})
    assert response.status_code == 302
    discussion.refresh_from_db()
    for name, old in before.items():
        assert getattr(discussion, name) == old + 3 * DAY, name
    assert set(ScheduleChange.objects.values_list("reason", flat=True)) == {"Много обращений"}
    assert ScheduleChange.objects.count() == 4


def test_a_date_already_come_is_refused_on_the_new_date_field(client, office, organizer):
    discussion = discussion_at("intake", office, organizer)
    enter(client, organizer)
    response = client.post(
        reverse("discussions:move_date", args=[discussion.pk]),
        {"field": "intake_start", "day": discussion.local_date().isoformat(), "reason": "Ошибка"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["day"] == [
        "This date has already come; it cannot be moved."
    ]
    assert not ScheduleChange.objects.exists()


def test_a_date_is_not_moved_without_a_reason_or_a_value(client, office, organizer):
    discussion = discussion_at("intake", office, organizer)
    enter(client, organizer)
    url = reverse("discussions:move_date", args=[discussion.pk])
    before = snapshot(discussion)
    response = client.post(url, {"field": "protocol_due", "day": "", "reason": ""})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"day", "reason"}
    response = client.post(url, {"field": "meeting_at", "day": "2030-01-01", "reason": "Зал"})
    assert response.context["form"].errors["meeting_at"]
    assert snapshot(discussion) == before


def test_cancelling_needs_a_reason(client, office, organizer):
    discussion = discussion_at("intake", office, organizer)
    enter(client, organizer)
    url = reverse("discussions:cancel", args=[discussion.pk])
    before = snapshot(discussion)
    assert client.post(url, {"reason": ""}).status_code == 400
    assert snapshot(discussion) == before
    response = client.post(url, {"reason": "Проект отозван инициатором."})
    assert response.status_code == 302
    discussion.refresh_from_db()
    assert discussion.status == Discussion.Status.CANCELLED
    assert discussion.cancel_reason == "Проект отозван инициатором."
