"""Rolling back the migration that added the hiding columns keeps search working for new
problems. On SQLite the search table is filled by triggers; SQLite before 3.35 (and Django, for
some columns, on any) drops a column by copying the table, which drops its triggers: the test
takes that way. On PostgreSQL search reads a stored column and its GIN index, which the way back
and forward must leave in place."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import make_problem
from veche.appeals import queries

BEFORE = ("appeals", "0012_signature_sources_invalidations_fraud_alerts")


def migrate(*targets) -> None:
    MigrationExecutor(connection).migrate(list(targets))


def latest() -> list[tuple[str, str]]:
    """Every app's last migration: going back to 0012 also undid what came after it, in
    appeals and in the apps that build on it, and the tests after this one need it all."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def search_machinery() -> set[str]:
    """What fills and serves search: SQLite's triggers, PostgreSQL's GIN indexes on problems."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'appeals_problem' "
                "AND indexdef LIKE '%USING gin%'"
            )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_going_back_to_0012_and_forward_keeps_search_working(monkeypatch):
    if connection.vendor == "sqlite":
        monkeypatch.setattr(connection.features, "can_alter_table_drop_column", False)
        expected = {"appeals_problem_fts_insert", "appeals_problem_fts_update"}
    else:
        expected = {"appeals_problem_search_vector", "appeals_problem_title_trgm"}
    assert expected <= search_machinery()
    try:
        migrate(BEFORE)
        assert expected <= search_machinery()
    finally:
        migrate(*latest())
    assert expected <= search_machinery()
    problem = make_problem(title="Трамвайные пути на Баумана")
    assert [p.pk for p in queries.problem_list(q="трамвайные").items] == [problem.pk]
