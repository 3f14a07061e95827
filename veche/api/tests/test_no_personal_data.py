"""Every public endpoint, walked over the demo city, shows nobody's personal data: no e-mail
but organizations' public ones, no postal address or birth date of a person, and no name of a
person who did not agree to publish it."""

import json
import re

import pytest
from django.core.management import call_command

from veche.accounts.models import User
from veche.appeals.models import Appeal, Signature
from veche.discussions.models import Discussion, Submission
from veche.documents.models import IssuedDocument
from veche.identity.models import Verification
from veche.organizations.models import Organization

pytestmark = pytest.mark.django_db
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def _pages(client, url: str) -> list[dict]:
    """A list endpoint's every page (cursor or `next_after`)."""
    bodies = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        body = response.json()
        bodies.append(body)
        if isinstance(body, dict) and "next" in body:
            url = body["next"]
        elif isinstance(body, dict) and body.get("next_after"):
            url = url.split("?")[0] + f"?after={body['next_after']}"
        else:
            url = None
    return bodies


def _walk(client) -> str:
    """Everything the public API shows of the demo, as one text."""
    bodies = []
    for url in (
        "/api/v1/territories/",
        "/api/v1/categories/",
        "/api/v1/organizations/",
        "/api/v1/problems.geojson",
        "/api/v1/problems.geojson?zoom=11",
    ):
        bodies += _pages(client, url)
    for organization in Organization.objects.all():
        bodies += _pages(client, f"/api/v1/organizations/{organization.slug}/")
    for page in _pages(client, "/api/v1/problems/"):
        for problem in page["results"]:
            detail = _pages(client, f"/api/v1/problems/{problem['id']}/")[0]
            bodies.append(detail)
            for appeal_id in detail["appeals"]:
                bodies += _pages(client, f"/api/v1/appeals/{appeal_id}/")
                bodies += _pages(client, f"/api/v1/appeals/{appeal_id}/signatories/")
        bodies.append(page)
    for page in _pages(client, "/api/v1/discussions/"):
        bodies.append(page)
        for discussion in page["results"]:
            base = f"/api/v1/discussions/{discussion['id']}/"
            bodies += _pages(client, base)
            bodies += _pages(client, base + "submissions/")
            bodies += _pages(client, base + "submissions/?questions=true")
            bodies += _pages(client, base + "votes/")
    for document in IssuedDocument.objects.all():
        bodies += _pages(client, f"/api/v1/documents/{document.code}/")
    return json.dumps(bodies, ensure_ascii=False)


def _private_texts() -> set[str]:
    texts = set()
    for signature in Signature.objects.all():
        texts |= {signature.postal_address, signature.email}
    for user in User.objects.all():
        texts.add(user.email)
        if user.name_publication == User.NamePublication.NONE and user.full_name:
            texts.add(user.full_name)
    for verification in Verification.objects.all():
        texts |= {verification.address, verification.full_name}
        if verification.birthdate:
            texts |= {
                verification.birthdate.isoformat(),
                verification.birthdate.strftime("%d.%m.%Y"),
            }
    for submission in Submission.objects.all():
        participant = submission.participant
        texts |= {participant.get("address", ""), participant.get("birthdate", "")}
        texts.add(participant.get("legal_address", ""))
        author = submission.author
        if not submission.as_legal_entity and (author is None or author.name_publication == "none"):
            texts.add(participant.get("full_name", ""))
    return {text for text in texts if text and len(text) > 4}


def test_the_public_api_shows_no_personal_data_of_the_demo(client):
    call_command("demo")
    # The walk must reach what it is meant to check: appeals with signatories, submissions.
    assert Appeal.objects.exclude(status="draft").count() > 10
    assert Submission.objects.exists() and Discussion.objects.exists()
    shown = _walk(client)
    assert "Участник №" in shown or "Participant No." in shown
    private = _private_texts()
    assert any("Казань" in text for text in private)  # the signatories' addresses are among them
    leaked = sorted(text for text in private if text in shown)
    assert leaked == []
    public_emails = set(Organization.objects.values_list("public_email", flat=True))
    assert set(EMAIL.findall(shown)) <= public_emails
