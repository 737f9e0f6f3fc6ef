"""Fast inserts for generated data: rows as plain lists, ids allocated here, written in
batches: by COPY on PostgreSQL, as multi-row INSERTs of as many rows as the database takes
parameters for elsewhere. Model instances, signals and the audit trail are skipped on
purpose: this is for benchmark data, never for a school's records.

Following PostgreSQL's advice for loading much data ("Populating a Database"), inside the
load's transaction: COPY instead of INSERT (the generator runs as the tables' owner, which
row-level security does not bind, so COPY may write to them), foreign keys checked once
per table at the end (``foreign_keys_checked_at_end``), indexes built at the end
(``indexes_built_at_end``), and the tables' triggers off while loading (``triggers_off``).

On PostgreSQL the batches are copied on a second thread (``Writer``), in order, on the
same connection and in the same transaction, while the generator builds the next rows."""

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

from django.db import connection
from django.db.models import Max
from django.utils import timezone

CHUNK = 5000


class Writer:
    """Writes batches one after another on a second thread, on this thread's connection (a
    psycopg connection may be shared between threads; it runs one statement at a time).
    ``wait()`` before the connection is used for anything else, such as ending a
    transaction; leaving the ``with`` block waits too. A few batches at most are queued,
    so memory stays flat."""

    QUEUE = 4

    def __init__(self):
        self.pending: deque[Future] = deque()
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="bulk-copy") \
            if connection.vendor == "postgresql" else None

    def execute(self, sql: str, params) -> None:
        """An INSERT, on this thread (the databases other than PostgreSQL)."""
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def copy(self, sql: str, rows: list[list]) -> None:
        """``COPY ... FROM STDIN`` of ``rows``, on the second thread."""
        while len(self.pending) >= self.QUEUE:
            self.pending.popleft().result()
        self.pending.append(self.executor.submit(_copy, connection.connection, sql, rows))

    def wait(self) -> None:
        while self.pending:
            self.pending.popleft().result()  # a COPY's error is raised here

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        try:
            if exc_info[0] is None:
                self.wait()
            else:  # let the queued statements end before the transaction is rolled back
                for future in self.pending:
                    future.exception()
        finally:
            if self.executor:
                self.executor.shutdown()


def _a_postgresql_load_step(what: str) -> bool:
    """Whether a step of the load below applies: on PostgreSQL only (elsewhere it does
    nothing), and there only inside the load's transaction, which undoes it on an error."""
    if connection.vendor != "postgresql":
        return False
    if not connection.in_atomic_block:
        raise RuntimeError(f"{what} only inside a transaction.")
    return True


def _tables(models) -> list[str]:
    """The models' tables, quoted, for a ``%s::regclass[]`` of the catalog queries."""
    return [connection.ops.quote_name(m._meta.db_table) for m in models]


@contextmanager
def foreign_keys_checked_at_end(models):
    """PostgreSQL's advice for loading much data ("Populating a Database": drop foreign
    key constraints, load, create them again). Checked row by row, the foreign keys of
    every generated row took nearly half the generator's time (at commit, as Django's
    constraints are deferred); created again, each is checked once for its whole table, in
    one join. Everything happens in the caller's transaction: no one else sees a table
    without its constraints, a row that breaks one fails the load, and an error leaves the
    constraints as they were."""
    if not _a_postgresql_load_step("Drop foreign keys"):
        yield
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
            "ORDER BY conrelid, conname", [_tables(models)])
        constraints = cursor.fetchall()
        for table, name, _ in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")


@contextmanager
def indexes_built_at_end(models):
    """PostgreSQL's advice for loading much data ("Populating a Database": "Remove
    Indexes"): an index built once over the loaded table is quicker than one kept up to
    date row by row. The indexes that back no rule (primary keys, unique constraints and
    partial unique indexes such as one open top-up request a year stay, and keep checking
    every row) are dropped and created again from their own definitions, in the caller's
    transaction: no one else sees a table without them, and an error leaves them as they
    were."""
    if not _a_postgresql_load_step("Drop indexes"):
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisunique AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint WHERE conindid = indexrelid) "
            "ORDER BY indrelid, indexrelid", [_tables(models)])
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        for _, definition in indexes:
            cursor.execute(definition)


@contextmanager
def triggers_off(models):
    """The triggers check one row at a time against rows written before it: a session
    against its cycle, which must not be closed yet (plans migration 0013). Generated
    history writes each closed cycle whole, with the sessions it had while it ran, so the
    load turns the tables' own triggers off and on again at the end, in the caller's
    transaction (on SQLite: dropped, then created again from their own definitions)."""
    if connection.vendor == "postgresql":
        _a_postgresql_load_step("Turn triggers off")
        off = [f"ALTER TABLE {table} DISABLE TRIGGER USER" for table in _tables(models)]
        on = [f"ALTER TABLE {table} ENABLE TRIGGER USER" for table in _tables(models)]
    else:
        tables = [m._meta.db_table for m in models]
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND "
                           f"tbl_name IN ({', '.join(['%s'] * len(tables))})", tables)
            triggers = cursor.fetchall()
        off = [f"DROP TRIGGER {connection.ops.quote_name(name)}" for name, _ in triggers]
        on = [definition for _, definition in triggers]
    with connection.cursor() as cursor:
        for statement in off:
            cursor.execute(statement)
    yield
    with connection.cursor() as cursor:
        for statement in on:
            cursor.execute(statement)


def _copy(raw_connection, sql: str, rows: list[list]) -> None:
    """Each row formatted by psycopg's own COPY writer (in C); text format, so that each
    column's type is PostgreSQL's to parse, as with an INSERT."""
    import psycopg

    with psycopg.Cursor(raw_connection) as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


class Table:
    """One model's table: its columns (every concrete field), defaults for the fields a
    row leaves out, and the next id to hand out. Rows are written through ``writer``."""

    def __init__(self, model, writer: Writer):
        self.model = model
        self.writer = writer
        self.fields = list(model._meta.concrete_fields)
        self.next_id = (model._base_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.rows: list[list] = []
        self.written = 0
        self.index = {}  # attribute name (school_id for a relation): position
        self.adapters = []
        self.template = []
        now = timezone.now()
        for position, f in enumerate(self.fields):
            self.index[f.attname] = position
            adapt = _adapter(f)
            self.adapters.append(adapt)
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                default = now
            elif f.has_default():
                default = f.get_default()
            elif f.null:
                default = None
            elif f.blank and f.get_internal_type() in ("CharField", "TextField"):
                default = ""
            else:
                self.template.append(_MISSING)
                continue
            self.template.append(adapt(default) if adapt and default is not None else default)
        self.required = frozenset(f.attname for f, value in zip(self.fields, self.template,
                                                                strict=True)
                                  if value is _MISSING and not f.primary_key)
        self.id_position = self.index[model._meta.pk.attname]
        quote = connection.ops.quote_name
        into = (f"{quote(model._meta.db_table)} "
                f"({', '.join(quote(f.column) for f in self.fields)})")
        if connection.vendor == "postgresql":
            self.copy = f"COPY {into} FROM STDIN"
            self.batch = CHUNK
            # COPY reads text: the values every row shares (the load's own time above all)
            # are put in PostgreSQL's text form once, not again for every row.
            self.template = [_as_text(value) for value in self.template]
        else:
            self.insert = f"INSERT INTO {into} "
            self.one_row = f"({', '.join(['%s'] * len(self.fields))})"
            self.batch = max(1, min(CHUNK, connection.ops.bulk_batch_size(
                self.fields, [None] * CHUNK)))

    def add(self, **values) -> int:
        """Queue a row (values by attribute name: ``school_id`` for a relation); returns
        its id."""
        if not self.required <= values.keys():
            missing = min(self.required - values.keys())
            raise ValueError(f"{self.model.__name__}.{missing} has no value")
        row = self.template.copy()
        row_id = values.pop("id", None) or self.next_id
        if row_id >= self.next_id:
            self.next_id = row_id + 1
        row[self.id_position] = row_id
        index, adapters = self.index, self.adapters
        for name, value in values.items():
            position = index[name]
            adapt = adapters[position]
            row[position] = value if adapt is None or value is None else adapt(value)
        self.rows.append(row)
        if len(self.rows) >= self.batch:
            self.flush()
        return row_id

    def flush(self) -> None:
        """Write the queued rows: one COPY, or one multi-row INSERT."""
        if self.rows:
            if connection.vendor == "postgresql":
                self.writer.copy(self.copy, self.rows)
            else:
                self.writer.execute(self.insert + "VALUES " + ", ".join(
                    [self.one_row] * len(self.rows)),
                    [value for row in self.rows for value in row])
            self.written += len(self.rows)
            self.rows = []


def _adapter(field):
    """The database's own conversion for the values a driver may not take as they are: JSON
    everywhere; dates, times, decimals and UUIDs except on PostgreSQL, whose driver takes
    them as they are. ``None``: values go as they are."""
    kind, ops = field.get_internal_type(), connection.ops
    if kind == "JSONField":
        return lambda value: field.get_db_prep_save(value, connection)
    if connection.vendor == "postgresql":
        return None
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind in ("DecimalField", "UUIDField", "TimeField"):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def _as_text(value):
    """``value`` as psycopg sends it to PostgreSQL in text form (``None`` stays ``None``, a
    column's missing value stays missing)."""
    if value is None or value is _MISSING:
        return value
    from psycopg.adapt import PyFormat, Transformer

    dumper = Transformer(connection.connection).get_dumper(value, PyFormat.TEXT)
    return bytes(dumper.dump(value)).decode()


_MISSING = object()


def reset_sequences(models) -> None:
    """After explicit ids, PostgreSQL's sequences must move past them."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
