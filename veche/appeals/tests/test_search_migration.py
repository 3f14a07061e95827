"""Rolling back the migration that added the hiding columns keeps the triggers that fill the
search table, so search still finds new problems. SQLite before 3.35 (and Django, for some
columns, on any) drops a column by copying the table, which drops its triggers: the test takes
that way."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import make_problem
from veche.appeals import queries

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the triggers are SQLite's (PostgreSQL: GIN indexes)"
)
BEFORE = ("appeals", "0012_signature_sources_invalidations_fraud_alerts")


def migrate(*targets) -> None:
    MigrationExecutor(connection).migrate(list(targets))


def latest() -> list[tuple[str, str]]:
    """Every app's last migration: going back to 0012 also undid what came after it, in
    appeals and in the apps that build on it, and the tests after this one need it all."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def triggers() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_going_back_to_0012_and_forward_keeps_search_working(monkeypatch):
    monkeypatch.setattr(connection.features, "can_alter_table_drop_column", False)
    expected = {"appeals_problem_fts_insert", "appeals_problem_fts_update"}
    try:
        migrate(BEFORE)
        assert expected <= triggers()
    finally:
        migrate(*latest())
    assert expected <= triggers()
    problem = make_problem(title="Трамвайные пути на Баумана")
    assert [p.pk for p in queries.problem_list(q="трамвайные").items] == [problem.pk]
