"""Small printing helpers shared by the commands."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import click


def emit_json(data: Any) -> None:
    """JSON that scripts can rely on: UTF-8 text, stable key order as built.

    Indented for a person at a terminal; compact when piped, because the indenting encoder is
    pure Python and much slower on a big grid.
    """
    import json

    pretty = sys.stdout.isatty()
    click.echo(json.dumps(data, ensure_ascii=False, indent=2 if pretty else None,
                          separators=None if pretty else (",", ":"), default=_default))


def emit_json_text(chunks: Iterable[str]) -> None:
    """Like `emit_json` for big outputs already written as compact JSON text (see
    tracker.views.status): into a pipe the chunks are written one by one, never built whole;
    at a terminal the text is read back and printed indented, as emit_json does."""
    if sys.stdout.isatty():
        import json

        emit_json(json.loads("".join(chunks)))
        return
    for chunk in chunks:
        click.echo(chunk, nl=False)
    click.echo()


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        from tracker.timefmt import iso_utc

        return iso_utc(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
