"""Writing output files so that nobody ever sees half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from tracker.errors import UserError


def write_atomically(path: Path, writer: Callable[[Path], None]) -> None:
    """Let `writer` fill a temporary file beside `path`, then rename it into place.

    An interrupted export or a reader opening the file mid-write never finds a broken file; a
    missing folder or an unwritable place is the user's to fix (exit status 2), named in one
    line.
    """
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise UserError(f"{path}: folder {directory} does not exist")
    try:
        handle, temporary = tempfile.mkstemp(prefix=".tracker-", suffix=path.suffix,
                                             dir=directory)
    except OSError as exc:
        raise UserError(f"{path}: cannot write: {exc.strerror}") from None
    os.close(handle)
    try:
        writer(Path(temporary))
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        raise UserError(f"{path}: cannot write: {exc.strerror}") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def write_text_atomically(path: Path, text: str) -> None:
    def write(target: Path) -> None:
        target.write_text(text, encoding="utf-8")

    write_atomically(path, write)
