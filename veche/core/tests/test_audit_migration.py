"""Events written before the sealer are numbered in id order; a fork left by the old head lock
is linked again, while a changed or removed event stays detectable."""

import datetime
import importlib

import pytest
from django.apps import apps

from veche.core.audit import verify_chain
from veche.core.models import GENESIS_HASH, AuditEvent

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "veche.core.migrations.0002_audit_sealed_sequence_and_daily_heads"
)
START = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC)


def legacy(number: int, previous: AuditEvent | None) -> AuditEvent:
    """An event as the old `record_event` wrote it: linked and hashed at once, no sequence."""
    event = AuditEvent(
        created_at=START + datetime.timedelta(minutes=number),
        action="appeal.signed",
        object_type="appeals.appeal",
        object_id=str(number),
        data={"n": number},
        previous_hash=previous.hash if previous else GENESIS_HASH,
    )
    event.hash = event.compute_hash()
    event.save()
    return event


def migrate():
    migration.number_and_relink(apps, None)


def test_a_fork_from_concurrent_writers_is_linked_again():
    first = legacy(1, None)
    legacy(2, first)
    third = legacy(3, first)  # two writers both linked to the first event
    legacy(4, third)
    migrate()
    assert list(AuditEvent.objects.order_by("id").values_list("sequence", flat=True)) == [
        1,
        2,
        3,
        4,
    ]
    check = verify_chain()
    assert check.intact
    assert check.events == 4


def test_an_intact_chain_keeps_its_hashes():
    first = legacy(1, None)
    second = legacy(2, first)
    migrate()
    assert list(AuditEvent.objects.order_by("id").values_list("hash", flat=True)) == [
        first.hash,
        second.hash,
    ]


def test_a_removed_event_is_still_found():
    first = legacy(1, None)
    second = legacy(2, first)
    third = legacy(3, second)
    second.delete()
    migrate()
    assert verify_chain().broken_at == third.pk


def test_a_changed_event_is_still_found():
    first = legacy(1, None)
    second = legacy(2, first)
    legacy(3, second)
    AuditEvent.objects.filter(pk=second.pk).update(data={"n": "forged"})
    migrate()
    assert verify_chain().broken_at == second.pk
