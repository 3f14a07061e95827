"""The organizer's pages: who may open them, and that each form checks what it is given, shows
the services' refusals on its fields, and changes nothing when refused."""

import datetime
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    discussion_dates,
    make_discussion,
    make_organization,
    make_resident,
    make_staff,
    make_territory,
    make_user,
    tiny_pdf,
)
from tests.sign_in import enter
from veche.core.models import AuditEvent
from veche.discussions import queries, services
from veche.discussions.forms_organizer import suggested_schedule
from veche.discussions.models import (
    Discussion,
    MaterialVersion,
    Milestone,
    ScheduleChange,
    Submission,
)
from veche.discussions.tests.organizer_cast import people_around
from veche.identity.models import EligibilityRule, Level
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def territory():
    return make_territory(en="Vakhitovsky district")


@pytest.fixture
def office(territory):
    return make_organization(jurisdiction=[territory], en="Town planning committee")


@pytest.fixture
def organizer(office):
    return make_staff(office, Membership.Role.ORGANIZER, last_name="Орг", first_name="Анна")


def discussion_at(stage, office, organizer, **options):
    return make_discussion(
        stage=stage,
        territory=office.jurisdiction.first(),
        organizer=office,
        organizer_user=organizer,
        **options,
    )


def pdf(name="plan.pdf", pages=2):
    return SimpleUploadedFile(name, tiny_pdf(pages), content_type="application/pdf")


def submit_as_resident(discussion, text="Сохранить все деревья вдоль улицы.", kind="proposal"):
    return services.submit(
        user=make_resident(discussion.territory), discussion=discussion, kind=kind, text=text
    )


def move_to(discussion, stage):
    Discussion.objects.filter(pk=discussion.pk).update(**discussion_dates(stage))
    discussion.refresh_from_db()
    return discussion


def snapshot(discussion) -> dict:
    """Everything an organizer's page could change, to see that a refusal changed nothing."""
    discussion = Discussion.objects.get(pk=discussion.pk)
    return {
        "discussion": model_to_dict(discussion, exclude=["experts"]),
        "versions": sorted(
            MaterialVersion.objects.filter(material__discussion=discussion).values_list(
                "pk", flat=True
            )
        ),
        "submissions": sorted(
            discussion.submissions.values_list("pk", "recommendation", "recommendation_reason")
        ),
        "changes": ScheduleChange.objects.count(),
        "milestones": Milestone.objects.count(),
        "audit": AuditEvent.objects.count(),
        "discussions": Discussion.objects.count(),
    }


def create_data(territory, **changes) -> dict:
    dates = suggested_schedule(timezone.localdate())
    organizer = territory.organizations.first()
    data = {
        "organizer": organizer.pk if organizer else "",
        "kind": "discussion",
        "subject": "planning_project",
        "title": "Проект планировки квартала 7",
        "description": "Сквер и реконструкция улицы.",
        "territory": territory.pk,
        "time_zone": "Europe/Moscow",
        **{name: value.isoformat() for name, value in dates.items()},
        "exposition_place": "ул. Баумана, 1",
        "exposition_hours": "будни 10–18",
        "meeting_at": "",
        "meeting_place": "",
        "eligible_territories": [territory.pk],
        "owners_qualify": "on",
        "min_age": "18",
        "min_level": str(Level.CENSUS),
        "expert_emails": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


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


def paper_data(discussion, **changes) -> dict:
    data = {
        "channel": "writing",
        "received_on": discussion.local_date().isoformat(),
        "participant": "person",
        "full_name": "Петрова Мария Ивановна",
        "birthdate": "1970-03-08",
        "address": "Казань, ул. Пушкина, 5, кв. 2",
        "legal_name": "",
        "ogrn": "",
        "legal_address": "",
        "basis": "resident",
        "kind": "remark",
        "text": "Прошу сохранить детскую площадку во дворе.",
        "material": "",
        "page": "",
    }
    data.update(changes)
    return data


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
    materials = {m.pk: f for m, f in response.context["materials"]}
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
    forms = {m.pk: f for m, f in response.context["materials"]}
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


# --- Review up to the protocol's gate -------------------------------------------------------


@pytest.fixture
def reviewed(office, organizer):
    """A discussion in review with a proposal and an unanswered question."""
    discussion = discussion_at("intake", office, organizer)
    proposal = submit_as_resident(discussion, "Сохранить все деревья вдоль улицы.")
    question = submit_as_resident(discussion, "Сколько этажей будет в доме?", kind="question")
    return move_to(discussion, "review"), proposal, question


def recommendation(submission, value="accepted", reason="Учтено в проекте."):
    return {f"s{submission.pk}-recommendation": value, f"s{submission.pk}-reason": reason}


def test_the_review_shows_what_is_missing_and_keeps_the_protocol_closed(
    client, organizer, reviewed
):
    discussion, _proposal, _question = reviewed
    enter(client, organizer)
    response = client.get(reverse("discussions:review", args=[discussion.pk]))
    counts = response.context["counts"]
    assert (counts.total, counts.unreviewed, counts.unanswered_questions) == (2, 2, 1)
    assert response.context["gate"] == ["2 submission(s) have no recommendation yet."]
    page = response.content.decode()
    assert 'disabled aria-describedby="gate-reasons"' in page
    assert "2 submission(s) have no recommendation yet." in page

    response = client.post(reverse("discussions:sign_protocol", args=[discussion.pk]))
    assert response.status_code == 302
    discussion.refresh_from_db()
    assert discussion.protocol_signed_at is None


def test_the_filter_shows_only_submissions_without_recommendation(client, organizer, reviewed):
    discussion, proposal, question = reviewed
    services.recommend(
        user=organizer, submission=proposal, recommendation="rejected", reason="Не по теме."
    )
    enter(client, organizer)
    url = reverse("discussions:review", args=[discussion.pk])
    shown = [s for s, _form in client.get(url + "?show=unreviewed").context["rows"]]
    assert shown == [question]
    assert len(client.get(url).context["rows"]) == 2


def test_a_recommendation_is_given_and_revised_without_javascript(client, organizer, reviewed):
    _discussion, proposal, _question = reviewed
    enter(client, organizer)
    url = reverse("discussions:recommend", args=[proposal.pk])
    response = client.post(url, recommendation(proposal))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#submission-{proposal.pk}")
    response = client.post(url, recommendation(proposal, "partly", "Учтено частично: деревья."))
    proposal.refresh_from_db()
    assert proposal.recommendation == "partly"
    assert proposal.recommendation_reason == "Учтено частично: деревья."
    assert AuditEvent.objects.filter(action="discussion.recommendation_revised").count() == 1


def test_a_recommendation_without_reasons_is_refused_and_changes_nothing(
    client, organizer, reviewed
):
    discussion, proposal, _question = reviewed
    enter(client, organizer)
    before = snapshot(discussion)
    response = client.post(
        reverse("discussions:recommend", args=[proposal.pk]), recommendation(proposal, reason="")
    )
    assert response.status_code == 400
    bound = next(form for s, form in response.context["rows"] if s == proposal)
    assert bound.errors["reason"]
    assert snapshot(discussion) == before


def test_htmx_swaps_the_row_and_updates_the_gate_out_of_band(client, organizer, reviewed):
    _discussion, proposal, question = reviewed
    services.recommend(
        user=organizer, submission=question, recommendation="accepted", reason="Ответ дан."
    )
    enter(client, organizer)
    response = client.post(
        reverse("discussions:recommend", args=[proposal.pk]),
        recommendation(proposal),
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith("<article")
    assert f'id="submission-{proposal.pk}"' in page
    assert 'id="review-status" hx-swap-oob="true"' in page
    assert response.context["gate"] == []
    assert "gate-reasons" not in page


def test_htmx_shows_a_refused_recommendation_in_place(client, organizer, reviewed):
    _discussion, proposal, _question = reviewed
    enter(client, organizer)
    response = client.post(
        reverse("discussions:recommend", args=[proposal.pk]),
        {f"s{proposal.pk}-reason": "Без выбора"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["recommendation"]
    proposal.refresh_from_db()
    assert proposal.recommendation == ""


def test_recommendations_wait_for_the_intake(client, office, organizer):
    discussion = discussion_at("exposition", office, organizer)
    question = submit_as_resident(discussion, "Где будет парковка?", kind="question")
    enter(client, organizer)
    response = client.get(reverse("discussions:review", args=[discussion.pk]))
    assert [form for _s, form in response.context["rows"]] == [None]
    assert "Submissions are taken until" in response.context["gate"][0]
    response = client.post(
        reverse("discussions:recommend", args=[question.pk]), recommendation(question)
    )
    assert response.status_code == 400
    assert "This cannot be done now" in response.content.decode()
    question.refresh_from_db()
    assert question.recommendation == ""


def test_once_all_are_reviewed_the_protocol_can_be_signed(client, organizer, reviewed):
    discussion, proposal, question = reviewed
    enter(client, organizer)
    for submission in (proposal, question):
        client.post(
            reverse("discussions:recommend", args=[submission.pk]), recommendation(submission)
        )
    response = client.get(reverse("discussions:review", args=[discussion.pk]))
    assert response.context["gate"] == []
    assert "gate-reasons" not in response.content.decode()
    client.post(reverse("discussions:sign_protocol", args=[discussion.pk]))
    discussion.refresh_from_db()
    assert discussion.protocol_signed_at is not None
    response = client.get(reverse("discussions:review", args=[discussion.pk]))
    assert response.context["conclusion_form"] is not None


def test_a_cancelled_discussion_offers_no_protocol_to_sign(client, office, organizer):
    discussion = discussion_at("intake", office, organizer)
    services.cancel_discussion(user=organizer, discussion=discussion, reason="Проект отозван.")
    enter(client, organizer)
    page = client.get(reverse("discussions:review", args=[discussion.pk])).content.decode()
    assert reverse("discussions:sign_protocol", args=[discussion.pk]) not in page
    assert "Every submission has its recommendation. The protocol" not in page


# --- Paper submissions ----------------------------------------------------------------------


def test_a_paper_submission_without_the_identification_data_is_refused(client, office, organizer):
    discussion = discussion_at("intake", office, organizer)
    enter(client, organizer)
    url = reverse("discussions:register_submission", args=[discussion.pk])
    response = client.post(url, paper_data(discussion, birthdate="", address=""))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"birthdate", "address"}
    response = client.post(
        url,
        paper_data(discussion, participant="legal_entity", legal_name="ООО «Ромашка»", ogrn="12"),
    )
    assert set(response.context["form"].errors) == {"ogrn", "legal_address"}
    assert not Submission.objects.exists()


def test_a_paper_submission_received_before_the_intake_is_refused(client, office, organizer):
    discussion = discussion_at("intake", office, organizer)
    enter(client, organizer)
    early = (discussion.intake_start - DAY).isoformat()
    response = client.post(
        reverse("discussions:register_submission", args=[discussion.pk]),
        paper_data(discussion, received_on=early),
    )
    assert response.status_code == 400
    assert "cannot be registered" in response.context["form"].errors["received_on"][0]
    assert not Submission.objects.exists()


def test_a_legal_entity_is_registered_with_its_ogrn(client, office, organizer):
    discussion = discussion_at("intake", office, organizer)
    enter(client, organizer)
    data = paper_data(
        discussion,
        participant="legal_entity",
        full_name="",
        birthdate="",
        address="",
        legal_name="ООО «Ромашка»",
        ogrn="1027700132195",
        legal_address="Казань, ул. Кремлёвская, 2",
        basis="owner",
        channel="meeting",
    )
    response = client.post(reverse("discussions:register_submission", args=[discussion.pk]), data)
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.as_legal_entity is True
    assert submission.participant["ogrn"] == "1027700132195"
    assert submission.channel == Submission.Channel.MEETING


# --- Progress -------------------------------------------------------------------------------


@pytest.fixture
def concluded(office, organizer):
    """A concluded discussion with an accepted and a rejected proposal."""
    discussion = discussion_at("intake", office, organizer)
    accepted = submit_as_resident(discussion, "Сохранить все деревья вдоль улицы.")
    rejected = submit_as_resident(discussion, "Построить небоскрёб на месте сквера.")
    services.recommend(
        user=organizer, submission=accepted, recommendation="accepted", reason="Учтено полностью."
    )
    services.recommend(
        user=organizer,
        submission=rejected,
        recommendation="rejected",
        reason="Противоречит генплану.",
    )
    move_to(discussion, "review")
    now = timezone.now()
    # The signing and publishing documents are the records' part; here only their moments matter.
    Discussion.objects.filter(pk=discussion.pk).update(
        protocol_signed_at=now, protocol_signed_by=organizer, conclusion_published_at=now
    )
    discussion.refresh_from_db()
    return discussion, accepted, rejected


def test_progress_is_recorded_on_the_discussion_and_on_an_accepted_proposal(
    client, organizer, concluded
):
    discussion, accepted, rejected = concluded
    enter(client, organizer)
    url = reverse("discussions:progress", args=[discussion.pk])
    choices = [
        value for value, _label in client.get(url).context["form"].fields["submission"].choices
    ]
    assert rejected.pk not in [getattr(value, "value", value) for value in choices]
    assert client.post(url, {"title": "Проект утверждён", "percent": "20"}).status_code == 302
    response = client.post(
        url, {"submission": accepted.pk, "title": "Деревья сохранены", "percent": "100"}
    )
    assert response.status_code == 302
    discussion.refresh_from_db()
    accepted.refresh_from_db()
    assert discussion.progress_percent == 20
    assert accepted.progress_percent == 100
    assert list(Milestone.objects.values_list("title", "submission")) == [
        ("Проект утверждён", None),
        ("Деревья сохранены", accepted.pk),
    ]


def test_progress_out_of_range_or_on_a_rejected_proposal_is_refused(client, organizer, concluded):
    discussion, _accepted, rejected = concluded
    enter(client, organizer)
    url = reverse("discussions:progress", args=[discussion.pk])
    response = client.post(url, {"title": "Сделано", "percent": "150"})
    assert response.status_code == 400 and response.context["form"].errors["percent"]
    response = client.post(url, {"submission": rejected.pk, "title": "Сделано", "percent": "5"})
    assert response.status_code == 400 and response.context["form"].errors["submission"]
    assert not Milestone.objects.exists()


def test_progress_waits_for_the_conclusion(client, organizer, reviewed):
    discussion, _proposal, _question = reviewed
    enter(client, organizer)
    url = reverse("discussions:progress", args=[discussion.pk])
    assert client.get(url).context["open"] is False
    response = client.post(url, {"title": "Рано", "percent": "5"})
    assert response.status_code == 400
    assert not Milestone.objects.exists()


# --- The discussion's page links the organizer's pages --------------------------------------


def test_the_discussion_page_offers_the_organizer_the_pages_of_its_stage(
    client, office, organizer, reviewed
):
    discussion, _proposal, _question = reviewed
    enter(client, organizer)
    page = client.get(discussion.get_absolute_url()).content.decode()
    assert reverse("discussions:review", args=[discussion.pk]) in page
    assert reverse("discussions:register_submission", args=[discussion.pk]) in page
    assert reverse("discussions:edit", args=[discussion.pk]) not in page
    resident = make_resident(discussion.territory)
    enter(client, resident)
    page = client.get(discussion.get_absolute_url()).content.decode()
    assert reverse("discussions:review", args=[discussion.pk]) not in page
