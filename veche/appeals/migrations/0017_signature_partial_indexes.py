"""The signatures' links to a supplementary list and to an invalidation are indexed where set:
both are empty for nearly every signature, and an index of NULLs was written with each one, in
the surge of a viral appeal too.

Only the two indexes are dropped: Django's own AlterField would also drop the foreign keys and
add them again, which checks every signature while it locks the table."""

import django.db.models.deletion
from django.db import migrations, models

TABLE, COLUMNS = "appeals_signature", ("invalidation_id", "supplementary_list_id")


def _indexes(schema_editor):
    for column in COLUMNS:
        yield column, schema_editor._create_index_name(TABLE, [column])


def drop_full_indexes(apps, schema_editor):
    for _, name in _indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def restore_full_indexes(apps, schema_editor):
    quote = schema_editor.quote_name
    for column, name in _indexes(schema_editor):
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(TABLE)} ({quote(column)})"
        )


def _unindexed(name: str, to: str, verbose_name: str):
    return migrations.AlterField(
        model_name="signature",
        name=name,
        field=models.ForeignKey(
            blank=True,
            db_index=False,
            null=True,
            on_delete=django.db.models.deletion.PROTECT,
            related_name="signatures",
            to=to,
            verbose_name=verbose_name,
        ),
    )


def _where_set(field: str, name: str):
    return migrations.AddIndex(
        model_name="signature",
        index=models.Index(
            condition=models.Q((f"{field}__isnull", False)), fields=[field], name=name
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0016_organizations_take_up_problems"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                _unindexed("invalidation", "appeals.signatureinvalidation", "invalidation"),
                _unindexed("supplementary_list", "appeals.supplementarylist", "supplementary list"),
            ],
            database_operations=[migrations.RunPython(drop_full_indexes, restore_full_indexes)],
        ),
        _where_set("supplementary_list", "signature_in_list"),
        _where_set("invalidation", "signature_invalidated"),
    ]
