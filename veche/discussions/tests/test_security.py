"""A hostile user and a data-protection officer against public discussions: nobody sees or
changes what is not theirs, forged input is refused and stores nothing, nothing typed runs as
code, every change is a POST with a CSRF token, and personal data stay where the law keeps them."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.factories import make_discussion, make_organization, make_resident, make_staff
from tests.sign_in import enter
from veche.core.models import AuditEvent
from veche.discussions import queries, services
from veche.discussions.models import (
    Discussion,
    Follow,
    MaterialVersion,
    RecordBuild,
    ScheduleChange,
    Submission,
)
from veche.discussions.tests.building import run_builds
from veche.discussions.tests.organizer_cast import (
    make_legal_entity_representative,
    people_around,
)
from veche.notifications.models import Notification
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
PROPOSAL = "Сохранить все деревья вдоль улицы при реконструкции."


def _tiny_png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(output, "PNG")
    return output.getvalue()


TINY_PNG = _tiny_png()


@pytest.fixture(autouse=True)
def _english_site(settings, client):
    settings.LANGUAGE_CODE = "en"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def organizer_of(discussion):
    return discussion.created_by


def send(user, discussion, text=PROPOSAL, kind="proposal", **options):
    return services.submit(user=user, discussion=discussion, kind=kind, text=text, **options)


def submit_url(discussion):
    return reverse("discussions:submit", args=[discussion.pk])


def form_data(**changes) -> dict:
    return {"kind": "proposal", "text": PROPOSAL, "material": "", "page": "", "confirm": "yes"} | (
        changes
    )


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


# --- Nothing typed runs as code ---------------------------------------------------------------

SCRIPT = "<script>alert('x')</script>"


def test_the_description_is_markdown_without_scripts_handlers_or_javascript_links(client):
    discussion = make_discussion()
    Discussion.objects.filter(pk=discussion.pk).update(
        description=(
            f"Сквер. {SCRIPT}\n\n[ссылка](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n"
            "[карта](https://example.org/map)"
        )
    )
    page = client.get(discussion.get_absolute_url()).content.decode()
    assert SCRIPT not in page
    assert 'href="javascript' not in page
    assert "<img src=x" not in page
    assert 'href="https://example.org/map" rel="nofollow ugc noopener"' in page


def test_a_submission_and_an_answer_are_shown_as_text_everywhere(client):
    expert = make_staff(make_organization(), Membership.Role.EXPERT)
    discussion = make_discussion(experts=[expert])
    question = send(
        make_resident(discussion.territory), discussion, text=f"Вопрос {SCRIPT}", kind="question"
    )
    services.answer_question(expert=expert, submission=question, text=f"Ответ {SCRIPT}")
    pages = [
        client.get(discussion.get_absolute_url()),
        client.get(question.get_absolute_url()),
    ]
    enter(client, organizer_of(discussion))
    pages.append(client.get(reverse("discussions:review", args=[discussion.pk])))
    prefix = f"s{question.pk}"
    pages.append(
        client.post(
            reverse("discussions:recommend", args=[question.pk]),
            {f"{prefix}-recommendation": "accepted", f"{prefix}-reason": f"Учтено {SCRIPT}"},
            HTTP_HX_REQUEST="true",
        )
    )
    for response in pages:
        assert response.status_code == 200
        content = response.content.decode()
        assert SCRIPT not in content
        assert "&lt;script&gt;" in content


def test_a_legal_entitys_name_typed_from_paper_is_shown_as_text(client):
    discussion = make_discussion()
    services.register_on_behalf(
        official=organizer_of(discussion),
        discussion=discussion,
        kind="remark",
        text=PROPOSAL,
        channel="writing",
        received_on=discussion.local_date(),
        participant={
            "legal_name": f"ООО {SCRIPT}",
            "ogrn": "1027700132195",
            "legal_address": "Казань, ул. Баумана, 1",
        },
        basis="owner",
    )
    page = client.get(discussion.get_absolute_url()).content.decode()
    assert SCRIPT not in page
    assert "ООО &lt;script&gt;" in page


# --- Every change is a POST with its CSRF token -----------------------------------------------


def pending_application(discussion):
    from tests.factories import tiny_pdf

    return services.apply_for_discussion(
        user=make_legal_entity_representative(),
        organization=discussion.organizer,
        subject="conditional_use",
        title="Склад на участке 16:50:010101:1",
        description="Склад строительных материалов.",
        territory=discussion.territory,
        document=SimpleUploadedFile("project.pdf", tiny_pdf(), "application/pdf"),
    )


def state_changes(discussion, submission):
    """Every URL that changes something, with data that would change it."""
    from veche.discussions.tests.organizer_pages_cast import create_data, paper_data

    material = discussion.materials.get()
    prefix = f"s{submission.pk}"
    application = pending_application(discussion)
    decision = f"a{application.pk}"
    return [
        (submit_url(discussion), form_data()),
        (reverse("discussions:follow", args=[discussion.pk]), {"follow": "1"}),
        (
            reverse("discussions:follow_territory"),
            {"territory": discussion.territory.code, "follow": "1"},
        ),
        (reverse("discussions:answer", args=[submission.pk]), {"text": "Ответ эксперта."}),
        (
            reverse("discussions:recommend", args=[submission.pk]),
            {f"{prefix}-recommendation": "accepted", f"{prefix}-reason": "Учтено полностью."},
        ),
        (reverse("discussions:sign_protocol", args=[discussion.pk]), {}),
        (
            reverse("discussions:publish_conclusion", args=[discussion.pk]),
            {"text": "Проект рекомендован к утверждению."},
        ),
        (reverse("discussions:register_submission", args=[discussion.pk]), paper_data(discussion)),
        (
            reverse("discussions:progress", args=[discussion.pk]),
            {"title": "Начаты работы", "percent": "10"},
        ),
        (reverse("discussions:create"), create_data(discussion.territory)),
        (
            reverse("discussions:add_material", args=[discussion.pk]),
            {"title": "Схема", "file": SimpleUploadedFile("a.png", TINY_PNG, "image/png")},
        ),
        (
            reverse("discussions:add_material_version", args=[material.pk]),
            {
                f"material-{material.pk}-file": SimpleUploadedFile("a.png", TINY_PNG, "image/png"),
                f"material-{material.pk}-note": "Уточнено",
            },
        ),
        (
            reverse("discussions:move_date", args=[discussion.pk]),
            {
                "field": "conclusion_due",
                "day": (discussion.conclusion_due + 3 * DAY).isoformat(),
                "reason": "Праздники",
            },
        ),
        (reverse("discussions:cancel", args=[discussion.pk]), {"reason": "Отозван"}),
        (reverse("discussions:edit", args=[discussion.pk]), create_data(discussion.territory)),
        (reverse("discussions:publish", args=[discussion.pk]), {"accept_warnings": "on"}),
        (
            reverse("discussions:apply"),
            {
                "organization": discussion.organizer.pk,
                "subject": "other",
                "title": "Склад",
                "description": "Склад строительных материалов.",
                "territory": discussion.territory.pk,
            },
        ),
        (
            reverse("discussions:decide_application", args=[application.pk]),
            {f"{decision}-decision": "accept", f"{decision}-reason": "Принято."},
        ),
    ]


def what_could_change() -> dict:
    from veche.discussions.models import Application, ExpertAnswer, Material, Milestone

    return {
        "discussions": sorted(Discussion.objects.values_list("pk", "status", "conclusion_due")),
        "submissions": sorted(Submission.objects.values_list("pk", "recommendation")),
        "answers": ExpertAnswer.objects.count(),
        "materials": Material.objects.count(),
        "versions": MaterialVersion.objects.count(),
        "follows": Follow.objects.count(),
        "changes": ScheduleChange.objects.count(),
        "milestones": Milestone.objects.count(),
        "applications": sorted(Application.objects.values_list("pk", "status")),
        "audit": AuditEvent.objects.count(),
    }


def test_no_change_is_made_without_the_csrf_token():
    discussion = make_discussion()
    organizer = organizer_of(discussion)
    make_staff(discussion.organizer, Membership.Role.EXPERT)
    submission = send(make_resident(discussion.territory), discussion, kind="question")
    client = enter(Client(enforce_csrf_checks=True), organizer)
    changes = state_changes(discussion, submission)
    before = what_could_change()
    for url, data in changes:
        assert client.post(url, data).status_code == 403, url
    assert what_could_change() == before


def test_no_get_changes_anything(client):
    discussion = make_discussion()
    submission = send(make_resident(discussion.territory), discussion, kind="question")
    enter(client, organizer_of(discussion))
    changes = state_changes(discussion, submission)
    before = what_could_change()
    for url, data in changes:
        # 400: a file's bytes put in a query carry null characters, refused before any view.
        assert client.get(url, data).status_code in (200, 302, 400, 403, 405), url
    assert what_could_change() == before


# --- Who gets the private documents -----------------------------------------------------------

PRIVATE_DOCUMENTS = ("annex_pdf", "protocol_draft_pdf", "protocol_docx", "conclusion_docx")


def signed(discussion):
    Discussion.objects.filter(pk=discussion.pk).update(
        protocol_signed_at=discussion.published_at, protocol_signed_by=discussion.created_by
    )
    discussion.refresh_from_db()
    return discussion


@pytest.mark.parametrize(
    "role",
    [
        "stranger",
        "resident",
        "organizer elsewhere",
        "official elsewhere",
        "expert",
        "official of the organizer",
        "participant",
    ],
)
def test_the_private_documents_go_to_the_organizers_only(client, role):
    discussion = make_discussion(stage="review")
    author = make_resident(discussion.territory)
    Submission.objects.create(
        discussion=discussion,
        number=1,
        registration_number=f"{discussion.pk}-0001",
        kind="proposal",
        text=PROPOSAL,
        author=author,
        participant={"full_name": "Жителев Иван", "birthdate": "1980-01-01"},
        basis="resident",
    )
    people = people_around(discussion) | {"participant": author}
    enter(client, people[role])
    for name in PRIVATE_DOCUMENTS:
        assert client.get(reverse(f"discussions:{name}", args=[discussion.pk])).status_code == (
            403
        ), name
    assert client.get(reverse("discussions:records", args=[discussion.pk])).status_code == 403
    prepare = reverse("discussions:prepare_record", args=[discussion.pk])
    assert client.post(prepare, {"kind": "annex"}).status_code == 403
    assert not RecordBuild.objects.exists()
    signed(discussion)
    for name in PRIVATE_DOCUMENTS:
        response = client.get(reverse(f"discussions:{name}", args=[discussion.pk]))
        assert response.status_code in (302, 403), name
        if response.status_code == 302:  # the signed protocol instead of its draft: public
            assert response["Location"] == reverse("discussions:protocol_pdf", args=[discussion.pk])


def test_the_documents_of_a_draft_do_not_exist_for_others(client):
    draft = make_discussion(stage="scheduled", publish=False)
    enter(client, make_resident(draft.territory))
    names = (*PRIVATE_DOCUMENTS, "protocol_pdf", "conclusion_pdf", "extract_pdf")
    for name in names:
        assert client.get(reverse(f"discussions:{name}", args=[draft.pk])).status_code == 404
    version = MaterialVersion.objects.get(material__discussion=draft)
    assert client.get(version.get_absolute_url()).status_code == 404


def test_a_private_document_is_not_kept_by_shared_caches(client):
    discussion = make_discussion(stage="review")
    organizer = organizer_of(discussion)
    enter(client, organizer)
    services.request_record(user=organizer, discussion=discussion, kind="annex")
    assert run_builds() == ["built"]
    response = client.get(reverse("discussions:annex_pdf", args=[discussion.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


# --- Personal data stay private ---------------------------------------------------------------


def identified_resident(discussion, **fields):
    from veche.identity.models import Level, Verification
    from veche.identity.services import record_verification

    person = make_resident(
        discussion.territory,
        last_name="Галиев",
        first_name="Ильдар",
        name_publication="none",
        birthdate=datetime.date(1958, 3, 2),
        **fields,
    )
    record_verification(
        user=person,
        level=Level.PROVIDER,
        source=Verification.Source.PROVIDER,
        source_reference="tests-esia",
        claims={
            "family_name": "Галиев",
            "given_name": "Ильдар",
            "address": {"formatted": "Казань, ул. Пушкина, 5, кв. 2"},
        },
        birthdate=datetime.date(1958, 3, 2),
        territory=discussion.territory,
    )
    return person


PRIVATE = ("Галиев", "1958", "02.03.1958", "Пушкина")


def test_the_public_pages_show_no_name_birth_date_or_address_without_consent(client):
    discussion = make_discussion()
    submission = send(identified_resident(discussion), discussion)
    assert submission.participant["address"] == "Казань, ул. Пушкина, 5, кв. 2"
    for url in (
        discussion.get_absolute_url(),
        submission.get_absolute_url(),
        reverse("discussions:list"),
    ):
        page = client.get(url).content.decode()
        assert not [word for word in PRIVATE if word in page], url


def test_a_legal_entitys_representative_is_not_named_to_the_public(client):
    discussion = make_discussion(stage="intake")
    developer = make_legal_entity_representative()
    submission = Submission.objects.create(
        discussion=discussion,
        number=1,
        registration_number=f"{discussion.pk}-0001",
        kind="proposal",
        text=PROPOSAL,
        author=developer,
        as_legal_entity=True,
        participant=queries.identification_of(developer, as_legal_entity=True),
        basis="owner",
    )
    page = client.get(submission.get_absolute_url()).content.decode()
    assert submission.participant["legal_name"] in page
    assert "Застройщиков" not in page
    assert "1027700132195" not in page  # the OGRN is on the author's receipt only


def test_the_receipt_the_audit_and_the_experts_notice_carry_no_identification_data(
    mailoutbox, django_capture_on_commit_callbacks
):
    expert = make_staff(make_organization(), Membership.Role.EXPERT)
    discussion = make_discussion(experts=[expert])
    author = identified_resident(discussion)
    with django_capture_on_commit_callbacks(execute=True):
        submission = send(author, discussion, kind="question")
    (receipt,) = [message for message in mailoutbox if message.to == [author.email]]
    assert submission.registration_number in receipt.body
    for message in mailoutbox:
        assert not [word for word in PRIVATE if word in message.subject + message.body]
    event = AuditEvent.objects.get(action="discussion.submission_registered")
    assert not [word for word in PRIVATE if word in str(event.data)]
    notice = Notification.objects.get(user=expert)
    assert not [word for word in PRIVATE if word in notice.title + notice.body]


# --- Pressed twice ----------------------------------------------------------------------------


def test_a_submission_sent_twice_is_registered_once_and_the_second_says_its_number(client):
    discussion = make_discussion()
    enter(client, make_resident(discussion.territory))
    first = client.post(submit_url(discussion), form_data())
    again = client.post(submit_url(discussion), form_data(), follow=True)
    submission = Submission.objects.get()
    assert first["Location"] == submission.get_absolute_url()
    assert submission.registration_number in again.content.decode()
    assert "already" in again.content.decode()


def test_the_same_text_on_another_page_or_by_another_person_is_a_submission_of_its_own():
    discussion = make_discussion()
    resident = make_resident(discussion.territory)
    material = discussion.materials.get()
    send(resident, discussion)
    send(resident, discussion, material=material, page=1)
    send(resident, discussion, kind="question")
    send(make_resident(discussion.territory), discussion)
    assert Submission.objects.count() == 4


def test_a_paper_submission_registered_twice_is_kept_once(client):
    from veche.discussions.tests.organizer_pages_cast import paper_data

    discussion = make_discussion()
    enter(client, make_staff(discussion.organizer, Membership.Role.OFFICIAL))
    url = reverse("discussions:register_submission", args=[discussion.pk])
    assert client.post(url, paper_data(discussion)).status_code == 302
    again = client.post(url, paper_data(discussion))
    assert again.status_code == 400
    submission = Submission.objects.get()
    assert submission.registration_number in again.content.decode()
    other_person = paper_data(discussion, full_name="Петров Пётр Петрович")
    assert client.post(url, other_person).status_code == 302
    assert Submission.objects.count() == 2


def test_an_applications_document_is_kept_by_no_cache_and_never_from_media(client, settings):
    from tests.factories import tiny_pdf

    discussion = make_discussion()
    developer = make_legal_entity_representative()
    application = services.apply_for_discussion(
        user=developer,
        organization=discussion.organizer,
        subject="conditional_use",
        title="Склад на участке 16:50:010101:1",
        description="Склад строительных материалов.",
        territory=discussion.territory,
        document=SimpleUploadedFile("project.pdf", tiny_pdf(), "application/pdf"),
    )
    url = reverse("discussions:application_document", args=[application.pk])
    enter(client, developer)
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    settings.VECHE_MEDIA_ACCEL_REDIRECT = "/protected-media/"
    response = client.get(url)
    assert response["X-Accel-Redirect"] == "/protected-media/" + application.document.name


def test_a_title_with_line_breaks_is_kept_on_one_line_and_its_notices_are_mailed(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import tiny_pdf
    from veche.discussions.models import Application

    discussion = make_discussion()
    enter(client, make_legal_entity_representative())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("discussions:apply"),
            {
                "organization": discussion.organizer.pk,
                "subject": "conditional_use",
                "title": "Склад\r\nBcc: everyone@example.org",
                "description": "Склад строительных материалов.",
                "territory": discussion.territory.pk,
                "document": SimpleUploadedFile("project.pdf", tiny_pdf(), "application/pdf"),
            },
        )
    assert response.status_code == 302
    assert Application.objects.get().title == "Склад Bcc: everyone@example.org"
    (notice,) = mailoutbox
    assert notice.to == [organizer_of(discussion).email]
    assert "\n" not in notice.subject


def test_a_discussions_title_is_kept_on_one_line(client):
    from veche.discussions.tests.organizer_pages_cast import create_data

    discussion = make_discussion()
    enter(client, organizer_of(discussion))
    data = create_data(discussion.territory, title="Проект\r\nпланировки\tквартала 7")
    assert client.post(reverse("discussions:create"), data).status_code == 302
    assert Discussion.objects.latest("pk").title == "Проект планировки квартала 7"


def test_the_published_protocol_and_conclusion_carry_no_name_birth_date_or_address(client):
    import io

    from pypdf import PdfReader

    discussion = make_discussion()
    submission = send(identified_resident(discussion), discussion)
    organizer = organizer_of(discussion)
    services.recommend(
        user=organizer, submission=submission, recommendation="accepted", reason="Учтено."
    )
    Discussion.objects.filter(pk=discussion.pk).update(
        intake_end=discussion.local_date() - DAY, exposition_end=discussion.local_date() - DAY
    )
    discussion.refresh_from_db()
    services.sign_protocol(user=organizer, discussion=discussion)
    services.publish_conclusion(
        user=organizer, discussion=discussion, text="Проект рекомендован к утверждению."
    )
    assert run_builds() == ["built", "built"]
    for name in ("protocol_pdf", "conclusion_pdf"):
        response = client.get(reverse(f"discussions:{name}", args=[discussion.pk]))
        assert response.status_code == 200
        reader = PdfReader(io.BytesIO(response.content))
        text = " ".join(page.extract_text() for page in reader.pages)
        assert submission.registration_number in text, name
        assert not [word for word in PRIVATE if word in text], name


def test_another_participant_sees_neither_the_receipt_nor_the_submission_among_theirs(client):
    discussion = make_discussion()
    submission = send(identified_resident(discussion), discussion)
    enter(client, make_resident(discussion.territory))
    page = client.get(submission.get_absolute_url()).content.decode()
    assert "Receipt" not in page
    assert not [word for word in PRIVATE if word in page]
    mine = client.get(reverse("discussions:mine")).content.decode()
    assert submission.registration_number not in mine
    extract = client.get(reverse("discussions:extract_pdf", args=[discussion.pk]))
    assert extract.status_code == 404


def test_experts_cannot_answer_a_hidden_question_or_one_of_a_cancelled_discussion():
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from tests.factories import make_user
    from veche.discussions.models import ExpertAnswer

    expert = make_user()
    discussion = make_discussion(stage="exposition", experts=[expert])
    resident = make_resident(discussion.territory)
    hidden = services.submit(
        user=resident, discussion=discussion, kind="question", text="Где будет парковка?"
    )
    hidden.hidden_at = timezone.now()
    hidden.save(update_fields=["hidden_at"])
    with pytest.raises(ValidationError, match="no longer be answered"):
        services.answer_question(expert=expert, submission=hidden, text="Под зданием.")
    question = services.submit(
        user=resident, discussion=discussion, kind="question", text="Сколько будет этажей?"
    )
    services.cancel_discussion(user=discussion.created_by, discussion=discussion, reason="Отозван.")
    question.refresh_from_db()
    with pytest.raises(ValidationError, match="no longer be answered"):
        services.answer_question(expert=expert, submission=question, text="Девять.")
    assert not ExpertAnswer.objects.exists()
