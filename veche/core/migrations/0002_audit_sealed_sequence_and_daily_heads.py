"""The audit chain gets its own order (`sequence`, given by the sealer) and daily published heads.

Events written before are numbered in id order. Those that two concurrent writers linked to the
same predecessor (the fork this release removes) are linked again to the event before them, but
only when their own hash still matches their content and the hash they link to belongs to an
earlier event: a changed event, or one whose predecessor was removed, is left as it was, so
`veche verify_audit` still reports it.
"""

import hashlib
import json

from django.db import migrations, models

GENESIS_HASH = "0" * 64


def _hash(event, previous_hash):
    content = {
        "created_at": event.created_at.isoformat(),
        "actor": event.actor_ref,
        "action": event.action,
        "object": f"{event.object_type}:{event.object_id}",
        "data": event.data,
    }
    canonical = json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(f"{previous_hash}\n{canonical}".encode()).hexdigest()


def number_and_relink(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    seen = {GENESIS_HASH}
    previous = GENESIS_HASH
    batch = []
    for sequence, event in enumerate(AuditEvent.objects.order_by("id").iterator(2000), start=1):
        forked = (
            event.previous_hash != previous
            and event.previous_hash in seen
            and _hash(event, event.previous_hash) == event.hash
        )
        seen.add(event.hash)
        if forked:
            event.previous_hash = previous
            event.hash = _hash(event, previous)
        event.sequence = sequence
        previous = event.hash
        batch.append(event)
        if len(batch) == 500:
            AuditEvent.objects.bulk_update(batch, ["sequence", "previous_hash", "hash"])
            batch = []
    AuditEvent.objects.bulk_update(batch, ["sequence", "previous_hash", "hash"])


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_audit_log'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(unique=True, verbose_name='day')),
                ('sequence', models.PositiveBigIntegerField(verbose_name='last event')),
                ('hash', models.CharField(max_length=64, verbose_name='hash')),
                ('created_at', models.DateTimeField(verbose_name='published at')),
            ],
            options={
                'verbose_name': 'audit log head',
                'verbose_name_plural': 'audit log heads',
                'ordering': ['-day'],
            },
        ),
        migrations.AddField(
            model_name='auditevent',
            name='sequence',
            field=models.PositiveBigIntegerField(blank=True, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='previous_hash',
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.RunPython(number_and_relink, migrations.RunPython.noop, elidable=True),
    ]
