"""A leaner `bulk_create` for the seeder's millions of plain rows.

Django's bulk_create spends most of its time preparing each value of each row through the
field machinery (about 45 µs a row for a TaskUpdate); the database itself takes a tenth of
that. For models with plain columns this writes the same multi-row INSERT … RETURNING id
with values prepared once per column type, and sets the primary keys like bulk_create.
Bench data only: no signals, no validation, like bulk_create.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, router
from django.db.models import DateField, DateTimeField, Field, JSONField, Model, UUIDField
from django.utils import timezone

ROWS_PER_STATEMENT = 2000


def _preparer(field: Field, connection, now) -> Callable[[Any], Any]:
    """How to turn a Python value of `field` into a query parameter (as bulk_create does)."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        stamp = field.get_db_prep_save(now, connection)
        return lambda value: stamp
    if isinstance(field, (DateTimeField, JSONField, UUIDField)):
        return lambda value: field.get_db_prep_save(value, connection)
    if isinstance(field, DateField):
        adapt = connection.ops.adapt_datefield_value
        return lambda value: None if value is None else adapt(value)
    return lambda value: value


def insert(objs: Sequence[Model]) -> None:
    """Insert `objs` (all of one model, primary keys unset) and set their primary keys."""
    if not objs:
        return
    meta = type(objs[0])._meta
    names = [f.attname for f in meta.concrete_fields if not f.primary_key]
    rows = [tuple(getattr(obj, name) for name in names) for obj in objs]
    for obj, pk in zip(objs, insert_rows(type(objs[0]), names, rows), strict=True):
        obj.pk = pk
        obj._state.adding = False


def insert_rows(model: type[Model], names: Sequence[str], rows: Sequence[tuple]) -> list[int]:
    """Insert plain rows (values in the order of the field names `names`; fields left out
    take their defaults, `auto_now` ones the time now); returns the new primary keys."""
    if not rows:
        return []
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    by_name = {f.attname: f for f in meta.concrete_fields}
    given = [by_name[name] for name in names]
    missing = [f for f in meta.concrete_fields if not f.primary_key and f.attname not in names]
    now = timezone.now()
    # Fields left out: one value for every row (auto_now stamps, defaults).
    fixed = [_preparer(f, connection, now)(f.get_default()) for f in missing]
    prepare = [_preparer(f, connection, now) for f in given]
    fields = given + missing
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # PostgreSQL sets no limit of its own; a few thousand rows a statement keep each short.
    size = max(1, min(ROWS_PER_STATEMENT, connection.ops.bulk_batch_size(fields, rows)))
    pks: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            params = []
            for row in batch:
                params += [p(v) for p, v in zip(prepare, row, strict=True)]
                params += fixed
            # Table and column names come from the model's metadata; values are parameters.
            sql = (
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608  # nosec
                f"{', '.join([row_sql] * len(batch))} RETURNING {quote(meta.pk.column)}"
            )
            cursor.execute(sql, params)
            pks += [pk for (pk,) in cursor.fetchall()]
    return pks
