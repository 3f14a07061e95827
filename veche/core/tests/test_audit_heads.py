"""The head of the audit chain is published once a day, on a public page and as open data, and
a rewrite of the history after it is detected."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from veche.core.audit import publish_head, record_event, seal_pending, verify_chain
from veche.core.models import GENESIS_HASH, AuditEvent, AuditHead

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 1)


def record(*actions):
    with transaction.atomic():
        for action in actions:
            record_event(actor=None, action=action, data={"n": action})


def rewrite_from(sequence: int, data: dict):
    """What whoever holds the database could do: change an event and hash again every event
    after it, so that the chain on its own still looks intact."""
    events = list(AuditEvent.objects.filter(sequence__gte=sequence).order_by("sequence"))
    previous = AuditEvent.objects.get(sequence=sequence - 1).hash
    events[0].data = data
    for event in events:
        event.previous_hash = previous
        event.hash = event.compute_hash()
        previous = event.hash
    AuditEvent.objects.bulk_update(events, ["data", "previous_hash", "hash"])


def test_the_head_is_published_once_a_day():
    record("appeal.signed", "appeal.dispatched")
    head = publish_head(day=DAY)
    assert (head.day, head.sequence) == (DAY, 2)
    assert head.hash == AuditEvent.objects.get(sequence=2).hash
    record("appeal.answered")
    assert publish_head(day=DAY) == head
    assert AuditHead.objects.get().sequence == 2
    assert publish_head(day=DAY + datetime.timedelta(days=1)).sequence == 3


def test_the_head_of_an_empty_log_is_the_genesis():
    head = publish_head(day=DAY)
    assert (head.sequence, head.hash) == (0, GENESIS_HASH)
    assert verify_chain().intact


def test_seal_audit_seals_and_publishes_todays_head(capsys):
    record("appeal.signed")
    call_command("seal_audit")
    head = AuditHead.objects.get()
    assert head.sequence == 1
    assert "sealed 1" in capsys.readouterr().out
    call_command("seal_audit")
    assert AuditHead.objects.count() == 1


def test_a_rewritten_history_no_longer_leads_to_the_published_head():
    record("appeal.signed", "appeal.dispatched", "appeal.answered")
    publish_head(day=DAY)
    rewrite_from(2, {"n": "forged"})
    check = verify_chain()
    assert check.broken_at is None  # the chain alone cannot tell
    assert check.head_lost == DAY
    with pytest.raises(CommandError, match="published on 2026-12-01"):
        call_command("verify_audit")


def test_a_cut_off_tail_no_longer_leads_to_the_published_head():
    record("appeal.signed", "appeal.dispatched")
    publish_head(day=DAY)
    AuditEvent.objects.filter(sequence=2).delete()
    assert verify_chain().head_lost == DAY


def test_events_after_a_published_head_keep_the_chain_intact():
    record("appeal.signed")
    publish_head(day=DAY)
    record("appeal.dispatched")
    seal_pending()
    assert verify_chain().intact


def test_the_page_lists_each_days_hash_and_explains_the_check(client, django_assert_num_queries):
    record("appeal.signed")
    first = publish_head(day=DAY)
    record("appeal.dispatched")
    second = publish_head(day=DAY + datetime.timedelta(days=1))
    publish_head(day=DAY + datetime.timedelta(days=2))
    # The count and the page of heads, and the base template's two (territories, sign-in).
    with django_assert_num_queries(4):
        response = client.get(reverse("core:audit_heads"))
    page = response.content.decode()
    assert page.index(second.hash) < page.index(first.hash)  # newest first
    assert reverse("core:audit_heads_json") in page
    assert "SHA-256" in page


def test_the_page_in_russian(client):
    client.cookies["django_language"] = "ru"
    response = client.get(reverse("core:audit_heads"))
    assert "Контрольные суммы журнала" in response.content.decode()


def test_the_footer_links_to_the_page(client):
    assert reverse("core:audit_heads") in client.get(reverse("core:about")).content.decode()


def test_the_heads_as_open_data(client):
    record("appeal.signed")
    head = publish_head(day=DAY)
    data = client.get(reverse("core:audit_heads_json")).json()
    assert data["algorithm"] == "sha256"
    assert data["genesis"] == GENESIS_HASH
    assert data["heads"] == [
        {
            "day": "2026-12-01",
            "sequence": 1,
            "hash": head.hash,
            "published_at": head.created_at.isoformat(),
        }
    ]


def test_every_head_published_at_the_same_place_is_checked():
    record("appeal.signed")
    publish_head(day=DAY)
    publish_head(day=DAY + datetime.timedelta(days=1))  # nothing happened in between
    AuditHead.objects.filter(day=DAY).update(hash="f" * 64)
    assert verify_chain().head_lost == DAY
