"""The rows the migrations add, put back after a test that emptied the database."""


def restore_migration_rows() -> None:
    """The rows the migrations add (the default rate limits), which a test that empties the
    database removed if one ran before in this worker: the demo is loaded on the database as a
    fresh install has it, whatever ran before."""
    import importlib

    from django.apps import apps

    for name in ("0004_rate_limits", "0005_mark_rate_limits"):
        importlib.import_module(f"veche.core.migrations.{name}").add_defaults(apps, None)
