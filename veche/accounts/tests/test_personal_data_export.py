"""The personal-data export holds every kind of contribution a person makes, and nothing that
belongs to anyone else, even where two people met on the same appeal."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import make_category, make_organization, make_territory, make_user
from veche.accounts.services import export_personal_data, record_consent
from veche.appeals.models import (
    Appeal,
    Comment,
    EditProposal,
    Follow,
    Message,
    Problem,
    Rating,
    Revision,
    Signature,
)
from veche.identity.models import PropertyClaim
from veche.moderation.models import Complaint
from veche.notifications.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db


def contribute(user, marker: str, *, territory, organization) -> dict:
    """One of everything a person can leave in Veche, each text carrying `marker`."""
    problem = Problem.objects.create(
        author=user,
        title=f"{marker} problem title",
        description=f"{marker} problem description",
        category=make_category(),
        territory=territory,
        address=f"{marker} street",
        status=Problem.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    appeal = Appeal.objects.create(
        problem=problem, organization=organization, status="collecting", signature_threshold=50
    )
    revision = Revision.objects.create(
        appeal=appeal, number=1, text=f"{marker} appeal text", author=user
    )
    Problem.objects.filter(pk=problem.pk).update(current_appeal=appeal)
    Follow.objects.create(problem=problem, user=user)
    Message.objects.create(appeal=appeal, sender=user, text=f"{marker} message")
    Notification.objects.create(
        user=user, kind="appeal_sent", title=f"{marker} notice", body=f"{marker} notice text"
    )
    NotificationPreference.objects.create(user=user, email_mode="digest")
    record_consent(user=user, kind="publication", categories=[f"name:{marker}"])
    PropertyClaim.objects.create(
        user=user,
        territory=territory,
        kind="land",
        cadastral_number="16:50:011101:123",
        document=SimpleUploadedFile(f"{marker}.pdf", b"%PDF-1.4"),
        review_reason=f"{marker} review",
    )
    return {"problem": problem, "appeal": appeal, "revision": revision}


def take_part(user, marker: str, other: dict) -> None:
    """The person signs, rates, proposes, comments on and follows the other person's problem."""
    appeal, problem = other["appeal"], other["problem"]
    Signature.objects.create(
        appeal=appeal,
        user=user,
        revision=other["revision"],
        full_name=f"{marker} full name",
        postal_address=f"{marker} postal address",
        email=user.email,
    )
    Rating.objects.create(appeal=appeal, user=user, score=4, comment=f"{marker} rating")
    EditProposal.objects.create(
        appeal=appeal, base_revision=other["revision"], proposer=user, text=f"{marker} proposal"
    )
    Comment.objects.create(problem=problem, author=user, text=f"{marker} comment")
    Follow.objects.create(problem=problem, user=user)
    others_comment = Comment.objects.filter(problem__author=user).exclude(author=user).first()
    if others_comment is not None:
        Complaint.objects.create(
            target=others_comment, reporter=user, reason="spam", details=f"{marker} complaint"
        )


@pytest.fixture
def two_people():
    territory, organization = make_territory("kazan"), make_organization("city-hall")
    ada = make_user("ada@example.org", last_name="Лавлейс", first_name="Ада")
    bob = make_user("bob@example.org", last_name="Бэббидж", first_name="Чарльз")
    ada_things = contribute(ada, "ADA", territory=territory, organization=organization)
    bob_things = contribute(bob, "BOB", territory=territory, organization=organization)
    take_part(bob, "BOB", ada_things)
    take_part(ada, "ADA", bob_things)  # Ada also complains of Bob's comment on her problem
    return ada, bob, ada_things, bob_things


def test_each_section_holds_the_persons_own_contributions(two_people):
    ada, _bob, ada_things, bob_things = two_people
    data = export_personal_data(user=ada)
    assert [p["title"] for p in data["problems"]] == ["ADA problem title"]
    assert data["problems"][0]["appeals"][0]["revisions"][0]["text"] == "ADA appeal text"
    [signature] = data["signatures"]
    assert signature["appeal"] == bob_things["appeal"].pk
    assert signature["revision"] == 1
    assert signature["signed_at"]
    assert signature["full_name"] == "ADA full name"
    assert [c["text"] for c in data["comments"]] == ["ADA comment"]
    assert [(r["appeal"], r["score"], r["comment"]) for r in data["ratings"]] == [
        (bob_things["appeal"].pk, 4, "ADA rating")
    ]
    assert [p["text"] for p in data["edit_proposals"]] == ["ADA proposal"]
    assert {f["problem"] for f in data["follows"]} == {
        ada_things["problem"].pk,
        bob_things["problem"].pk,
    }
    assert [m["text"] for m in data["messages_sent"]] == ["ADA message"]
    assert [n["title"] for n in data["notifications"]] == ["ADA notice"]
    assert data["notification_settings"] == {"email_mode": "digest"}
    publication = [c for c in data["consents"] if c["kind"] == "publication"]
    assert [c["categories"] for c in publication] == [["name:ADA"]]
    assert [c["review_reason"] for c in data["property_claims"]] == ["ADA review"]
    assert [c["details"] for c in data["complaints"]] == ["ADA complaint"]


def test_nothing_of_anyone_else_is_exported(two_people):
    ada, bob, *_things = two_people
    text = json.dumps(export_personal_data(user=ada), ensure_ascii=False)
    assert "BOB" not in text  # none of Bob's texts: not his problem, appeal, comment, notice…
    assert "bob@example.org" not in text
    assert "Бэббидж" not in text
    # Bob's own export, the other way round.
    text = json.dumps(export_personal_data(user=bob), ensure_ascii=False)
    assert "ADA" not in text
    assert "ada@example.org" not in text
    assert "Лавлейс" not in text


def test_the_download_carries_every_section(client, two_people):
    ada = two_people[0]
    client.force_login(ada)
    data = json.loads(client.get("/accounts/profile/data.json").content)
    for section in (
        "notifications",
        "signatures",
        "problems",
        "comments",
        "ratings",
        "edit_proposals",
        "follows",
        "property_claims",
        "consents",
    ):
        assert data[section], section
