"""Running the delivery's hot statements on the database driver's own cursor.

SQLAlchemy builds an execution context for every statement it runs.  For the statements a
delivery run repeats (recording the mails, claiming them, each message's `transmitting` mark
and its outcome) that cost several times what the database itself spends (the README gives
figures).  A `DriverStatement` is an ordinary Core statement, compiled once per
dialect, its parameters converted by the same SQLAlchemy types, then run on the cursor of the
connection's current transaction.  Everything else keeps using SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.expression import ClauseElement


@dataclass(frozen=True)
class _Compiled:
    sql: str
    order: tuple[str, ...] | None
    """Parameter names in placeholder order for positional drivers (SQLite), else None."""
    defaults: dict[str, Any]
    """Values the statement carries itself (e.g. `state = 'claimed'`)."""
    processors: dict[str, Callable[[Any], Any]]


class DriverStatement:
    """A Core statement run on the driver's cursor (no expanding IN; rows come back as the
    driver gives them): same SQL, same parameter conversion, none of the per-execution
    overhead.

    `statement` is the statement, or a function building it for a connection's dialect (an
    INSERT ... ON CONFLICT, see tracker.store.database.upsert_insert).  `column_keys` names the
    columns an INSERT sets, each from the parameter of the same name.
    """

    def __init__(self, statement: ClauseElement | Callable[[Connection], ClauseElement],
                 column_keys: Sequence[str] | None = None) -> None:
        self._statement = statement
        self._column_keys = list(column_keys) if column_keys is not None else None
        self._compiled: dict[str, _Compiled] = {}

    def execute(self, conn: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run once; the rows it returns (with RETURNING), else an empty list."""
        compiled = self._compile(conn)
        cursor = conn.connection.cursor()
        try:
            cursor.execute(compiled.sql, self._values(compiled, params))
            return list(cursor.fetchall()) if cursor.description else []
        finally:
            cursor.close()

    def executemany(self, conn: Connection, many: Sequence[Mapping[str, Any]]) -> int:
        """Run once per parameter set; the number of rows written (both drivers sum it)."""
        compiled = self._compile(conn)
        cursor = conn.connection.cursor()
        try:
            cursor.executemany(compiled.sql, [self._values(compiled, p) for p in many])
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def _compile(self, conn: Connection) -> _Compiled:
        dialect: Dialect = conn.dialect
        found = self._compiled.get(dialect.name)
        if found is None:
            statement = (self._statement if isinstance(self._statement, ClauseElement)
                         else self._statement(conn))
            compiled: Any = statement.compile(dialect=dialect, column_keys=self._column_keys)
            processors = {}
            for name, bind in compiled.binds.items():
                processor = bind.type.bind_processor(dialect)
                if processor is not None:
                    processors[name] = processor
            found = self._compiled[dialect.name] = _Compiled(
                compiled.string, tuple(compiled.positiontup) if compiled.positional else None,
                {name: bind.value for name, bind in compiled.binds.items()}, processors)
        return found

    @staticmethod
    def _values(compiled: _Compiled, params: Mapping[str, Any]) -> Any:
        values = {**compiled.defaults, **params}
        for name, processor in compiled.processors.items():
            values[name] = processor(values[name])
        if compiled.order is None:
            return values
        return tuple(values[name] for name in compiled.order)
