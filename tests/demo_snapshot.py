"""The demo city for tests that flush the database after them (the browser tests): loaded once
in a test database, copied aside, and put back for the next test that asks for it.

A load takes 10–15 seconds; putting the copy back, well under one. On PostgreSQL the copy is a
schema of its own in the worker's test database (`flush` empties only the tables Django knows,
on the search path); on SQLite the demo is loaded each time. Only the database is copied: the
tests that ask for the demo keep its files in one folder of the worker's (`demo_files`)."""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from veche.demo.loader import load_demo

SCHEMA = "veche_demo_copy"
# The test database the copy is in (each xdist worker has its own); None until one is made.
_copied_in: str | None = None


def demo_in_database() -> None:
    """The demo city, as `load_demo` leaves it, in an emptied test database."""
    global _copied_in
    if connection.vendor != "postgresql":
        load_demo()
        return
    if _copied_in == connection.settings_dict["NAME"]:
        _put_back()
        return
    # As every test after the first finds the database (the first finds what migrations wrote):
    # the copy must not depend on which test happened to make it.
    call_command("flush", interactive=False, verbosity=0)
    load_demo()
    _copy()
    _copied_in = connection.settings_dict["NAME"]


def _tables() -> dict[str, list[str]]:
    """Each table of a model and its stored columns (a generated column is computed, not
    copied)."""
    names = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND is_generated = 'NEVER' "
            "AND table_name = ANY(%s) ORDER BY table_name, ordinal_position",
            [list(names)],
        )
        columns: dict[str, list[str]] = {}
        for table, column in cursor.fetchall():
            columns.setdefault(table, []).append(column)
    return columns


def _copy() -> None:
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        for table, columns in _tables().items():
            cursor.execute(
                f"CREATE TABLE {SCHEMA}.{quote(table)} AS "  # noqa: S608 (names of our tables)
                f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)}"
            )


def _put_back() -> None:
    quote = connection.ops.quote_name
    tables = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        # Rows go back as they were, in any order: foreign keys are not checked meanwhile.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(f"TRUNCATE {', '.join(map(quote, tables))}")
        for table, columns in tables.items():
            listed = ", ".join(map(quote, columns))
            cursor.execute(
                f"INSERT INTO {quote(table)} ({listed}) "  # noqa: S608 (names of our tables)
                f"SELECT {listed} FROM {SCHEMA}.{quote(table)}"
            )
        models = apps.get_models(include_auto_created=True)
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    # What `flush` made again since (content types) has other ids than the copy's.
    ContentType.objects.clear_cache()
