"""A hostile user against public discussions: nothing typed runs as code, every change is a POST
with its CSRF token, the private documents go to the organizers only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.factories import make_discussion, make_organization, make_resident, make_staff
from tests.sign_in import enter
from veche.core.models import AuditEvent
from veche.discussions import services
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
from veche.discussions.tests.security_cast import (
    DAY,
    PROPOSAL,
    TINY_PNG,
    form_data,
    organizer_of,
    send,
    submit_url,
)
from veche.organizations.models import Membership

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("english_site_running_tasks"),
    pytest.mark.usefixtures("one_city_day"),
]

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
