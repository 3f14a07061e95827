"""The audit log is a hash chain: any change to the past is detected."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from tests.factories import make_territory, make_user
from veche.core.audit import record_event, verify_chain
from veche.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def three_events():
    user = make_user(processing_consent=False)  # no consent event of its own in the chain
    territory = make_territory()
    with transaction.atomic():
        for action in ("appeal.signed", "appeal.dispatched", "appeal.answered"):
            record_event(actor=user, action=action, target=territory, data={"n": action})
    return list(AuditEvent.objects.order_by("id"))


def test_events_link_to_their_predecessors():
    first, second, third = three_events()
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert verify_chain().intact
    assert verify_chain().events == 3


def test_a_changed_event_is_found():
    _first, second, _third = three_events()
    AuditEvent.objects.filter(pk=second.pk).update(data={"n": "forged"})
    assert verify_chain().broken_at == second.pk
    with pytest.raises(CommandError, match=f"broken at event #{second.pk}"):
        call_command("verify_audit")


def test_a_removed_event_is_found():
    _first, second, third = three_events()
    AuditEvent.objects.filter(pk=second.pk).delete()
    assert verify_chain().broken_at == third.pk


@pytest.mark.django_db(transaction=True)
def test_events_are_only_written_inside_the_change_they_record():
    with pytest.raises(RuntimeError):
        record_event(actor=None, action="appeal.signed")
