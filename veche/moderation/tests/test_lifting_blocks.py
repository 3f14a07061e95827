"""A moderator lifts a block in force outside any contest, giving a reason; the lifting is
audited and the person is told, and may act again at once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.sign_in import enter
from veche.core.models import AuditEvent
from veche.moderation.blocks import block_in_force
from veche.moderation.models import Decision
from veche.moderation.services import block_author, lift_block
from veche.moderation.tests.test_decisions import notices_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def block(comment, moderator):
    return block_author(moderator=moderator, target=comment, ground="spam", days=30)


def test_a_moderator_lifts_a_block_with_a_reason_and_the_person_is_told(block, moderator):
    author = block.author
    lift_block(moderator=moderator, block=block, reason="Блокировка была ошибкой.")
    assert block_in_force(author) is None
    lifted = Decision.objects.get(action=Decision.Action.LIFT)
    assert (lifted.lifts, lifted.note, lifted.author) == (block, "Блокировка была ошибкой.", author)
    event = AuditEvent.objects.get(action="moderation.block_lifted")
    assert event.data["reason"] == "Блокировка была ошибкой."
    titles = [n.title for n in notices_of(author)]
    assert "A moderator lifted the block of your account" in titles


def test_a_block_is_not_lifted_without_a_reason_or_twice(block, moderator):
    with pytest.raises(ValidationError, match="Say why"):
        lift_block(moderator=moderator, block=block, reason=" ")
    lift_block(moderator=moderator, block=block, reason="Ошибка.")
    with pytest.raises(ValidationError, match="no longer in force"):
        lift_block(moderator=moderator, block=block, reason="Ошибка.")


def test_only_a_moderator_lifts_a_block(block, resident):
    with pytest.raises(PermissionDenied):
        lift_block(moderator=resident, block=block, reason="Сам себе сниму.")
    with pytest.raises(PermissionDenied):
        lift_block(moderator=block.author, block=block, reason="Сам себе сниму.")
    assert block_in_force(block.author) == block


def test_the_item_page_lifts_the_block(client, comment, block, moderator):
    enter(client, moderator)
    url = reverse("moderation:act", args=["comment", comment.pk])
    assert (
        "Lift the block"
        in client.get(reverse("moderation:item", args=["comment", comment.pk])).content.decode()
    )
    assert client.post(url, {"action": "lift", "note": ""}).status_code == 400
    response = client.post(url, {"action": "lift", "note": "Разобрались."})
    assert response.status_code == 302
    assert block_in_force(block.author) is None


def test_the_lift_button_refuses_others(client, comment, block, resident):
    client.force_login(resident)
    url = reverse("moderation:act", args=["comment", comment.pk])
    assert client.post(url, {"action": "lift", "note": "Хочу."}).status_code == 403
    assert block_in_force(block.author) == block
