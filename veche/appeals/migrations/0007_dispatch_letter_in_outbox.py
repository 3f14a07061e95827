"""Each dispatch's letter moves to the outbox: its state, attempts and last error become an
outbox message (kind "appeals.dispatch"), and the dispatch keeps only what was sent to whom."""

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def letters_to_outbox(apps, schema_editor):
    Dispatch = apps.get_model("appeals", "Dispatch")
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    domain = urlsplit(settings.SITE_URL).hostname or "veche.localhost"
    now = timezone.now()
    rows = [
        OutboxMessage(
            kind="appeals.dispatch",
            target_id=dispatch.pk,
            # A letter claimed by a worker that died is sent again by the sweeper.
            state="failed" if dispatch.status == "sending" else dispatch.status,
            attempts=dispatch.attempts,
            message_id=f"<{uuid.uuid4()}@{domain}>",
            next_attempt_at=now,
            last_error=dispatch.last_error,
            created_at=dispatch.created_at,
            sent_at=dispatch.sent_at,
        )
        for dispatch in Dispatch.objects.all().iterator()
    ]
    OutboxMessage.objects.bulk_create(rows, batch_size=500)


def letters_back(apps, schema_editor):
    Dispatch = apps.get_model("appeals", "Dispatch")
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    for message in OutboxMessage.objects.filter(kind="appeals.dispatch").iterator():
        Dispatch.objects.filter(pk=message.target_id).update(
            status="gave_up" if message.state == "cancelled" else message.state,
            attempts=message.attempts,
            last_error=message.last_error,
            sent_at=message.sent_at,
        )
    OutboxMessage.objects.filter(kind="appeals.dispatch").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0006_problem_search_vector"),
        ("core", "0003_outbox_message"),
    ]

    operations = [
        migrations.RunPython(letters_to_outbox, letters_back),
        migrations.RemoveField(model_name="dispatch", name="attempts"),
        migrations.RemoveField(model_name="dispatch", name="last_error"),
        migrations.RemoveField(model_name="dispatch", name="sent_at"),
        migrations.RemoveField(model_name="dispatch", name="status"),
    ]
