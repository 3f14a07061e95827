"""New rows as SQL, for the few writes that put several rows in one statement (signing, on
PostgreSQL): the columns and values the ORM's own insert would send for a model instance, so
that a field added to the model is never left out of the statement."""

from django.db import connection
from django.db.models.expressions import DatabaseDefault


def row_of(obj, **expressions: str) -> tuple[list[str], list[str], list]:
    """The quoted columns, their placeholders and the values of a new row for `obj`, every
    concrete field but an automatic primary key, each value prepared as `Model.save` prepares
    it (defaults, `auto_now_add`, JSON). `expressions` replace a field's placeholder by SQL of
    one `%s`, which receives the field's value (a cast, or a function of it)."""
    ops = connection.ops
    columns, marks, values = [], [], []
    for field in obj._meta.local_concrete_fields:
        if getattr(field, "generated", False) or (
            field.primary_key and getattr(field, "db_returning", False)
        ):
            continue  # the database computes or numbers it
        value = field.pre_save(obj, True)
        if isinstance(value, DatabaseDefault):
            continue  # the column's own default (`db_default`)
        columns.append(ops.quote_name(field.column))
        marks.append(expressions.get(field.name, "%s"))
        values.append(field.get_db_prep_save(value, connection=connection))
    return columns, marks, values
