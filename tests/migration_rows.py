"""The rows the migrations add, put back after a test that emptied the database."""

import importlib
import pkgutil


def migrations_with_rows() -> list:
    """The core migrations that add rows (the default rate limits: each has `DEFAULTS` and
    `add_defaults`), in order; a new one is found without being named here."""
    import veche.core.migrations as package

    names = sorted(info.name for info in pkgutil.iter_modules(package.__path__))
    modules = [importlib.import_module(f"{package.__name__}.{name}") for name in names]
    return [module for module in modules if hasattr(module, "add_defaults")]


def restore_migration_rows() -> None:
    """The rows the migrations add (the default rate limits), which a test that empties the
    database removed if one ran before in this worker: the demo is loaded on the database as a
    fresh install has it, whatever ran before."""
    from django.apps import apps

    for module in migrations_with_rows():
        module.add_defaults(apps, None)
