"""Bulk row insertion: PostgreSQL COPY when available, bulk_create elsewhere.

Rows are plain tuples for the columns named by the caller; every other concrete column gets
the field's default, computed once per table. Primary keys are assigned by the caller (see
`next_id`) so that foreign keys can be written without reading anything back.
"""

import enum
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Max
from django.utils import timezone


def next_id(model) -> int:
    """The first free primary key of a model's table."""
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


class Table:
    """Insert rows into one model's table, filling unnamed columns with their defaults."""

    def __init__(self, model, columns: Sequence[str], *, batch_size: int = 20_000):
        self.model = model
        self.columns = list(columns)
        self.batch_size = batch_size
        fields = {field.attname: field for field in model._meta.concrete_fields}
        unknown = set(self.columns) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
        now = timezone.now()
        self.default_columns = []
        self.default_values = []
        for attname, field in fields.items():
            if attname in self.columns or (
                field.primary_key and field.get_internal_type().endswith("AutoField")
            ):
                continue  # an auto primary key not given by the caller comes from its sequence
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif field.has_default() or field.null or field.empty_strings_allowed:
                value = field.get_default()
            else:
                raise ValueError(f"{model.__name__}.{attname} needs a value: it has no default")
            self.default_columns.append(attname)
            self.default_values.append(_plain(value))
        self.default_values = tuple(self.default_values)
        self.count = 0

    def write(self, rows: Iterable[tuple]) -> int:
        """Insert the rows; returns how many were written."""
        written = 0
        if connection.vendor == "postgresql":
            written = self._copy(rows)
        else:
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) >= self.batch_size:
                    written += self._bulk_create(batch)
                    batch = []
            if batch:
                written += self._bulk_create(batch)
        self.count += written
        return written

    def _copy(self, rows):
        names = [_column(self.model, c) for c in self.columns] + [
            _column(self.model, c) for c in self.default_columns
        ]
        quoted = ", ".join(connection.ops.quote_name(name) for name in names)
        table = connection.ops.quote_name(self.model._meta.db_table)
        extra = self.default_values
        written = 0
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + extra)
                    written += 1
        return written

    def _bulk_create(self, batch):
        names = self.columns + self.default_columns
        objs = [self.model(**dict(zip(names, row + self.default_values, strict=True))) for row in batch]
        self.model.objects.bulk_create(objs, batch_size=2_000)
        return len(objs)


def reset_sequence(model) -> None:
    """After inserting explicit primary keys, move the table's id sequence past them."""
    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX({connection.ops.quote_name(pk)}), 0) + 1, false) "
            f"FROM {connection.ops.quote_name(table)}",
            [table, pk],
        )


def _column(model, attname):
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field.column
    raise ValueError(attname)


def _plain(value):
    return value.value if isinstance(value, enum.Enum) else value
