"""Full-text search indexes: GIN (Russian full text and trigrams) on PostgreSQL, an FTS5 table
kept in step by triggers on SQLite."""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS appeals_problem_fulltext ON appeals_problem "
    "USING gin (to_tsvector('russian', title || ' ' || description))",
    "CREATE INDEX IF NOT EXISTS appeals_problem_title_trgm ON appeals_problem "
    "USING gin (title gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS appeals_problem_title_trgm",
    "DROP INDEX IF EXISTS appeals_problem_fulltext",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS appeals_problem_fts USING fts5("
    "title, description, content='appeals_problem', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS appeals_problem_fts_insert AFTER INSERT ON appeals_problem "
    "WHEN new.status <> 'draft' BEGIN "
    "INSERT INTO appeals_problem_fts(rowid, title, description) "
    "VALUES (new.id, new.title, new.description); END",
    "CREATE TRIGGER IF NOT EXISTS appeals_problem_fts_delete AFTER DELETE ON appeals_problem "
    "WHEN old.status <> 'draft' BEGIN "
    "INSERT INTO appeals_problem_fts(appeals_problem_fts, rowid, title, description) "
    "VALUES ('delete', old.id, old.title, old.description); END",
    "CREATE TRIGGER IF NOT EXISTS appeals_problem_fts_update AFTER UPDATE ON appeals_problem BEGIN "
    "INSERT INTO appeals_problem_fts(appeals_problem_fts, rowid, title, description) "
    "SELECT 'delete', old.id, old.title, old.description WHERE old.status <> 'draft'; "
    "INSERT INTO appeals_problem_fts(rowid, title, description) "
    "SELECT new.id, new.title, new.description WHERE new.status <> 'draft'; END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS appeals_problem_fts_update",
    "DROP TRIGGER IF EXISTS appeals_problem_fts_delete",
    "DROP TRIGGER IF EXISTS appeals_problem_fts_insert",
    "DROP TABLE IF EXISTS appeals_problem_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
