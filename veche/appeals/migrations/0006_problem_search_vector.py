"""PostgreSQL: the Russian full-text vector of a problem is stored in a generated column with its
own GIN index, so that ranking reads it instead of parsing every matching text again (with a
hundred thousand problems a common word took a second). SQLite keeps its FTS5 table."""

from django.db import migrations

POSTGRES_FORWARD = [
    "ALTER TABLE appeals_problem ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('russian', title || ' ' || description)) STORED",
    "CREATE INDEX IF NOT EXISTS appeals_problem_search_vector ON appeals_problem "
    "USING gin (search_vector)",
    # The expression index of migration 0002 is replaced by the column's.
    "DROP INDEX IF EXISTS appeals_problem_fulltext",
]
POSTGRES_BACKWARD = [
    "CREATE INDEX IF NOT EXISTS appeals_problem_fulltext ON appeals_problem "
    "USING gin (to_tsvector('russian', title || ' ' || description))",
    "DROP INDEX IF EXISTS appeals_problem_search_vector",
    "ALTER TABLE appeals_problem DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("appeals", "0005_problem_public_newest")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD}), _run({"postgresql": POSTGRES_BACKWARD})
        )
    ]
