"""Fewer indexes on the audit log, the table every action of Veche writes to (a signature's
event among them): the sealer's UPDATE changes `sequence`, so PostgreSQL writes every index of
the row a second time, and each index costs twice per event.

- `hash` is no longer unique: nothing looks an event up by its hash, and the chain's order and
  uniqueness are `sequence`'s. Dropping the constraint drops its `varchar_pattern_ops` copy too.
- `action` keeps its index but loses that copy (`…_like`), which serves `LIKE 'prefix%'` only;
  nothing asks so.
"""

from django.db import migrations, models


def _action_like_index(schema_editor) -> tuple[str, str]:
    table = "core_auditevent"
    return table, schema_editor._create_index_name(table, ["action"], suffix="_like")


def drop_action_like(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _, name = _action_like_index(schema_editor)
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def restore_action_like(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table, name = _action_like_index(schema_editor)
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} "
            f"({quote('action')} varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_mark_rate_limits"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.RunPython(drop_action_like, restore_action_like),
    ]
