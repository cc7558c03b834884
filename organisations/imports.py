"""One pipeline for every CSV import: budgets, providers, ISF entries, survey responses, population.

Each import keeps the same promises because each goes through `CsvImport.run()`:

1. **read**: the file is streamed line by line. Bytes are decoded a line at a time, so a byte that is
   not UTF-8 is reported on its own line; a byte-order mark is ignored; blank lines are skipped but
   counted (line numbers are the file's lines, header = line 1).
2. **check the file**: every line is checked and every problem collected as `line N: column: what is
   wrong` (`LineErrors`). Reference tables (councils, providers, questions) may be read here.
3. **lock**: in one transaction, the rows the write depends on are locked *before* any check that reads
   what another import could be writing. Without this, two imports at once both passed "this
   budget_ref belongs to another person" and the second changed the first one's arrangement.
4. **check against the database**, under those locks.
5. **write in bulk**: one query per table (`bulk_create`, `update_in_bulk`), never a query per row.

Any error at any step rolls the transaction back: nothing is written. `progress` (optional) is told
how many rows were checked and written, for the upload job's page.
"""

import abc
import csv
import enum
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any

from django.db import connection, models, transaction
from django.db.models import Field, ForeignObject, Lookup
from psycopg.types.json import Jsonb

PROGRESS_EVERY = 500
# PostgreSQL takes at most 65,535 parameters in one statement; keep well below it.
BATCH = 2000


class ImportFailed(Exception):
    """The import wrote nothing; `errors` are the `line N: column: what is wrong` lines."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class Unreadable(Exception):
    """The file cannot be read at all (not UTF-8): this one message replaces every other."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class LineErrors(list):
    """Every problem found, in the one format every import uses."""

    def add(self, line: int, column: str, message: str) -> None:
        self.append(f"line {line}: {column}: {message}")


def _lines(source: bytes | str | IO, *, not_utf8: str) -> Iterator[str]:
    """The file's lines as text, decoded one at a time (a multi-byte character never spans a newline)."""
    if isinstance(source, str):
        yield from source.lstrip("\ufeff").splitlines(keepends=True)
        return
    if isinstance(source, bytes | bytearray | memoryview):
        chunks: Iterable[bytes] = bytes(source).splitlines(keepends=True)
    else:
        chunks = source
    for number, raw in enumerate(chunks, start=1):
        if isinstance(raw, str):
            text = raw
        else:
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise Unreadable(not_utf8.format(line=number)) from exc
        yield text


class CsvReader:
    """Streams (line number, values) records; the header is read first with `header()`. A record that
    cannot be parsed as CSV is reported (`line N: row: could not be read as CSV (...)`) and ends the
    reading: what follows it cannot be trusted."""

    def __init__(self, source: bytes | str | IO, *, errors: LineErrors, not_utf8: str):
        self._text = _lines(source, not_utf8=not_utf8)
        self._reader = csv.reader(self._text)
        self._errors = errors
        self.rows_read = 0

    def drain(self) -> None:
        """Read to the end of the file, so that a byte that is not UTF-8 anywhere in it is reported
        (as the only error) even when checking stopped early."""
        for _ in self._text:
            pass

    def header(self) -> list[str] | None:
        """The first record, or None when the file is empty (or its first line is not CSV)."""
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            self._errors.add(1, "header", f"could not be read as CSV ({exc})")
            return None

    @property
    def line(self) -> int:
        return self._reader.line_num

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        """Every non-blank record after the header, with the number of the line it ends on."""
        while True:
            try:
                values = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self._errors.add(self._reader.line_num, "row", f"could not be read as CSV ({exc})")
                return
            if not values or not any(v.strip() for v in values):
                continue
            self.rows_read += 1
            yield self._reader.line_num, values


Progress = Callable[..., None]


class CsvImport(abc.ABC):
    """Subclass and fill in the steps; `run()` keeps the order and the all-or-nothing rule.

    - `check_file(reader, errors)` → the rows (anything), every file problem added to `errors`;
    - `lock(rows)`: take the locks the write needs (in the transaction);
    - `check_database(rows, errors)`: the checks that read what other writers change, under the locks;
    - `write(rows)` → the result the command prints.
    """

    not_utf8 = "line {line}: file: the file must be UTF-8 text"

    def __init__(self, *, progress: Progress | None = None):
        self._progress = progress

    # -- the steps -------------------------------------------------------------------------------

    @abc.abstractmethod
    def check_file(self, reader: CsvReader, errors: LineErrors) -> Any:
        """Every importer reads its own columns."""

    def lock(self, rows: Any) -> None:
        """Nothing to lock by default."""
        return None

    def check_database(self, rows: Any, errors: LineErrors) -> None:
        """Nothing to check by default."""
        return None

    @abc.abstractmethod
    def write(self, rows: Any) -> Any:
        """Every importer writes its own tables."""

    # -- progress --------------------------------------------------------------------------------

    def checked(self, count: int, *, force: bool = False) -> None:
        if self._progress and (force or count % PROGRESS_EVERY == 0):
            self._progress(checked=count)

    def written(self, count: int) -> None:
        if self._progress:
            self._progress(written=count)

    # -- the pipeline ----------------------------------------------------------------------------

    def run(self, source: bytes | str | IO) -> Any:
        """Check everything, then write it all or nothing; raise ImportFailed with every error."""
        errors = LineErrors()
        reader = CsvReader(source, errors=errors, not_utf8=self.not_utf8)
        try:
            rows = self.check_file(reader, errors)
            reader.drain()
        except Unreadable as exc:
            raise ImportFailed([exc.message]) from exc
        self.checked(reader.rows_read, force=True)
        if errors:
            raise ImportFailed(list(errors))
        with transaction.atomic():
            self.lock(rows)
            self.check_database(rows, errors)
            if errors:
                raise ImportFailed(list(errors))
            return self.write(rows)


# ---- set-based writes --------------------------------------------------------------------------


def update_in_bulk(objs: Sequence[models.Model], fields: Sequence[str]) -> int:
    """UPDATE many rows from one VALUES list per batch (`UPDATE t SET c = v.c FROM (VALUES ...) v WHERE
    t.id = v.id`): linear in the rows, where Django's bulk_update builds a CASE per field that
    PostgreSQL evaluates row by row against every branch. `auto_now` fields are not touched: name
    them and set them yourself."""
    if not objs:
        return 0
    model = type(objs[0])
    meta = model._meta
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    qn = connection.ops.quote_name
    casts = [pk.db_type(connection)] + [f.db_type(connection) for f in columns]
    names = [pk.column] + [f.column for f in columns]
    row_sql = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
    col_list = ", ".join(map(qn, names))
    set_sql = ", ".join(f"{qn(f.column)} = v.{qn(f.column)}" for f in columns)
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), BATCH):
            batch = objs[start : start + BATCH]
            params: list = []
            for obj in batch:
                params.append(obj.pk)
                for field in columns:
                    params.append(field.get_db_prep_save(getattr(obj, field.attname), connection))
            values = ", ".join([row_sql] * len(batch))
            # Names are quoted model metadata; every value is a parameter.
            sql = f"UPDATE {qn(meta.db_table)} AS t SET {set_sql} FROM (VALUES {values}) AS v({col_list}) "  # noqa: S608
            cursor.execute(sql + f"WHERE t.{qn(pk.column)} = v.{qn(pk.column)}", params)
            updated += cursor.rowcount
    return updated


def insert_rows(objs: Sequence[models.Model]) -> None:
    """INSERT new rows with PostgreSQL's COPY, a few times faster than bulk_create for thousands of rows
    (bulk_create quotes every value into the SQL text). Primary keys are taken from the table's
    sequence first, so the objects have them afterwards, as with bulk_create; `auto_now(_add)` fields
    are filled in; database triggers and constraints apply as for any INSERT."""
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    fields = meta.concrete_fields
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
        columns = ", ".join(qn(f.column) for f in fields)
        # Values go to psycopg as Python values (it adapts str, int, bool, dates, Decimal, None itself):
        # Django's per-value preparation cost more than the COPY. JSON is wrapped; choices become
        # their values; auto_now(_add) fields are set by their own pre_save.
        attnames = [f.attname for f in fields]
        is_json = [isinstance(f, models.JSONField) for f in fields]
        auto = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        # The raw psycopg COPY bypasses Django's error wrapping: wrap it, so a refused row is an
        # IntegrityError / DatabaseError like any other write and callers catch one kind of error.
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            for obj in objs:
                for field in auto:
                    field.pre_save(obj, True)
                row = []
                for attname, json in zip(attnames, is_json, strict=True):
                    value = getattr(obj, attname)
                    if isinstance(value, enum.Enum):
                        value = value.value
                    elif json and value is not None:
                        value = Jsonb(value)
                    row.append(value)
                copy.write_row(row)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def copy_rows(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """COPY rows given as {column attname: value} (the primary key left to the database; a column
    left out takes the field's default). For append-only rows nobody reads back, like audit entries."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    is_json = [isinstance(f, models.JSONField) for f in fields]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for values in rows:
            row = []
            for field, json in zip(fields, is_json, strict=True):
                value = values.get(field.attname, defaults[field.attname])
                if isinstance(value, enum.Enum):
                    value = value.value
                elif json and value is not None:
                    value = Jsonb(value)
                row.append(value)
            copy.write_row(row)


@Field.register_lookup
class AnyOf(Lookup):
    """`field__any=[...]` → `field = ANY(%s)` with one array parameter: a 25,000-reference look-up is
    one parameter, not 25,000 (PostgreSQL takes at most 65,535 in a statement)."""

    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(v, connection, prepared=False) for v in self.rhs]
        return f"{lhs} = ANY(%s)", [*lhs_params, values]


ForeignObject.register_lookup(AnyOf)
