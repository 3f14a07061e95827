"""The signatures' links to a supplementary list and to an invalidation are indexed where set:
both are empty for nearly every signature, and an index of NULLs was written with each one, in
the surge of a viral appeal too.

On PostgreSQL the new indexes are built and the old ones dropped CONCURRENTLY, outside a
transaction: signing goes on meanwhile. Django's own operations would have dropped the foreign
keys and added them again (checking every signature) and built the indexes under the lock of
the drop, which stops reads and writes of the table until the migration ends."""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "appeals_signature"
# column: the partial index that replaces the column's full one
PARTIAL = {"supplementary_list_id": "signature_in_list", "invalidation_id": "signature_invalidated"}


def _statements(schema_editor, *, forward: bool) -> list[str]:
    quote = schema_editor.quote_name
    concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
    creates, drops = [], []
    for column, partial in PARTIAL.items():
        full = schema_editor._create_index_name(TABLE, [column])
        where = f" WHERE {quote(column)} IS NOT NULL" if forward else ""
        made, dropped = (partial, full) if forward else (full, partial)
        creates.append(
            f"CREATE INDEX{concurrently} IF NOT EXISTS {quote(made)} "
            f"ON {quote(TABLE)} ({quote(column)}){where}"
        )
        drops.append(f"DROP INDEX{concurrently} IF EXISTS {quote(dropped)}")
    # The new index is there before the old one goes.
    return creates + drops


def index_where_set(apps, schema_editor):
    for statement in _statements(schema_editor, forward=True):
        schema_editor.execute(statement)


def index_whole_columns(apps, schema_editor):
    for statement in _statements(schema_editor, forward=False):
        schema_editor.execute(statement)


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
    # CREATE and DROP INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("appeals", "0016_organizations_take_up_problems"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                _unindexed("invalidation", "appeals.signatureinvalidation", "invalidation"),
                _unindexed("supplementary_list", "appeals.supplementarylist", "supplementary list"),
                _where_set("supplementary_list", "signature_in_list"),
                _where_set("invalidation", "signature_invalidated"),
            ],
            database_operations=[migrations.RunPython(index_where_set, index_whole_columns)],
        ),
    ]
