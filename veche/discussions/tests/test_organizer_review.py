"""The organizer's pages: the review up to the protocol's gate, paper submissions, progress, and the
discussion's page linking the organizer's pages."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    make_resident,
)
from tests.sign_in import enter
from veche.core.models import AuditEvent
from veche.discussions import services
from veche.discussions.models import (
    Discussion,
    Milestone,
    Submission,
)
from veche.discussions.tests.organizer_pages_cast import (
    DAY,
    discussion_at,
    move_to,
    paper_data,
    snapshot,
    submit_as_resident,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]

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
