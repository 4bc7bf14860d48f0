"""Writes tracker/store/tables.py, the light twins of the tables, from the schema of record.

The commands read and write rows through SQLAlchemy Core `table()` descriptions, because
importing tracker.store.models builds every SQLModel class (and pydantic with them), which the
commands do not need.  So that nobody keeps a second schema by hand, those descriptions are
generated from the models, as the help text is from the click group:

    python -m tracker.store.tablegen

A test fails while the file is stale.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Table, types

from tracker.store.database import UTCDateTime

TABLES_FILE = Path(__file__).with_name("tables.py")

_HEADER = '''"""The tables as light SQLAlchemy Core descriptions, for the commands' statements.

Generated from tracker.store.models (the schema of record) by `python -m tracker.store.tablegen`:
do not edit by hand.  They carry names and the column types that convert values, but no keys,
constraints or Python-side defaults (fine for DML): an insert through them gives every NOT NULL
column explicitly.
"""

from __future__ import annotations

from sqlalchemy import {imports}, column, table
from sqlalchemy.sql.expression import TableClause

from tracker.store.database import UTCDateTime
'''


def _type_name(table: Table, kind: types.TypeEngine[object]) -> str:
    """The class of a column type as the generated module names it."""
    if isinstance(kind, UTCDateTime):
        return "UTCDateTime()"
    name = type(kind).__name__
    if type(kind).__module__ != "sqlalchemy.sql.sqltypes" or not hasattr(types, name):
        raise TypeError(f"{table.name}: column type {type(kind).__qualname__} is not one of "
                        "SQLAlchemy's own: describe it in tablegen")
    return name


def render(tables: list[Table]) -> str:
    """The text of tables.py for these tables, in their order."""
    used: set[str] = set()
    blocks = []
    for table in tables:
        columns = []
        for col in table.columns:
            kind = _type_name(table, col.type)
            if not kind.endswith("()"):
                used.add(kind)
            columns.append(f"column(\"{col.name}\", {kind})")
        blocks.append(f"{table.name.upper()} = table(\n"
                      + _wrapped([f"\"{table.name}\"", *columns], "    ") + ")\n")
    listing = ("TABLES: tuple[TableClause, ...] = (\n"
               + _wrapped([t.name.upper() for t in tables], "    ") + ")\n"
               '"""Every table of the schema, in the order the models define them."""\n')
    return (_HEADER.format(imports=", ".join(sorted(used))) + "\n" + "\n\n".join(blocks)
            + "\n\n" + listing)


def _wrapped(parts: list[str], indent: str, width: int = 100) -> str:
    """`parts` as comma-separated lines of at most `width` characters."""
    lines: list[str] = []
    line = ""
    for part in parts:
        piece = f"{part},"
        if line and len(indent) + len(line) + 1 + len(piece) > width:
            lines.append(line)
            line = piece
        else:
            line = f"{line} {piece}" if line else piece
    lines.append(line)
    return "".join(f"{indent}{text}\n" for text in lines)


def model_tables() -> list[Table]:
    from sqlmodel import SQLModel

    import tracker.store.models  # noqa: F401  (registers the tables)

    return list(SQLModel.metadata.tables.values())


def main() -> None:
    TABLES_FILE.write_text(render(model_tables()), encoding="utf-8")
    print(f"wrote {TABLES_FILE}")


if __name__ == "__main__":
    main()
