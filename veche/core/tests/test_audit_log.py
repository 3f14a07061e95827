"""The audit log is a hash chain: any change to the past is detected, and an event not sealed
yet is pending, not a fault."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from tests.factories import make_territory, make_user
from veche.core.audit import record_event, seal_pending, verify_chain
from veche.core.models import GENESIS_HASH, AuditEvent

pytestmark = pytest.mark.django_db


def record(actions, *, actor=None, target=None):
    with transaction.atomic():
        for action in actions:
            record_event(actor=actor, action=action, target=target, data={"n": action})


def three_events():
    record(
        ("appeal.signed", "appeal.dispatched", "appeal.answered"),
        actor=make_user(processing_consent=False),  # no consent event of its own in the chain
        target=make_territory(),
    )
    assert seal_pending() == 3
    return list(AuditEvent.objects.order_by("sequence"))


def test_events_link_to_their_predecessors():
    first, second, third = three_events()
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert verify_chain().intact
    assert verify_chain().events == 3


def test_a_recorded_event_waits_for_the_sealer():
    record(["appeal.signed"])
    event = AuditEvent.objects.get()
    assert (event.sequence, event.previous_hash, event.hash) == (None, None, None)
    assert not event.is_sealed


def test_events_sealed_in_later_rounds_continue_the_chain():
    _first, _second, third = three_events()
    record(["appeal.rated"])
    assert seal_pending() == 1
    fourth = AuditEvent.objects.get(action="appeal.rated")
    assert fourth.sequence == 4
    assert fourth.previous_hash == third.hash
    assert seal_pending() == 0
    assert verify_chain().intact


def test_the_chain_follows_the_sealing_order_not_the_ids():
    # An event that took its id early but committed late is sealed after higher ids.
    three_events()
    record(["appeal.late"])
    late = AuditEvent.objects.get(action="appeal.late")
    AuditEvent.objects.filter(pk=late.pk).update(id=0)  # a lower id than every sealed event
    seal_pending()
    assert AuditEvent.objects.get(action="appeal.late").sequence == 4
    assert verify_chain().intact


def test_a_pending_event_is_not_reported_as_tampering(capsys):
    three_events()
    record(["appeal.withdrawn"])
    check = verify_chain()
    assert check.intact
    assert (check.events, check.pending) == (3, 1)
    call_command("verify_audit", "--no-seal")
    assert "intact: 3 events, 1 pending seal" in capsys.readouterr().out


def test_verify_audit_seals_what_is_pending(capsys):
    record(["appeal.signed", "appeal.dispatched"])
    call_command("verify_audit")
    assert "intact: 2 events, 0 pending seal" in capsys.readouterr().out
    assert not AuditEvent.objects.filter(sequence__isnull=True).exists()


def test_a_changed_event_is_found():
    _first, second, _third = three_events()
    AuditEvent.objects.filter(pk=second.pk).update(data={"n": "forged"})
    assert verify_chain().broken_at == second.pk
    with pytest.raises(CommandError, match=f"broken at event #{second.pk}"):
        call_command("verify_audit")


def test_a_changed_time_is_found():
    first, _second, _third = three_events()
    AuditEvent.objects.filter(pk=first.pk).update(created_at=first.created_at.replace(year=2020))
    assert verify_chain().broken_at == first.pk


def test_a_removed_event_is_found():
    _first, second, third = three_events()
    AuditEvent.objects.filter(pk=second.pk).delete()
    assert verify_chain().broken_at == third.pk


def test_a_sealed_event_made_to_look_pending_is_found():
    _first, second, third = three_events()
    AuditEvent.objects.filter(pk=second.pk).update(sequence=None, previous_hash=None, hash=None)
    assert verify_chain().broken_at == third.pk


@pytest.mark.django_db(transaction=True)
def test_events_are_only_written_inside_the_change_they_record():
    with pytest.raises(RuntimeError):
        record_event(actor=None, action="appeal.signed")
