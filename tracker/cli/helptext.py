"""Render `tracker --help` into helptext.txt, which the entry point prints without click.

Run after changing any command, option or command docstring:

    python -m tracker.cli.helptext

A test compares the file byte for byte with what click prints, so a stale file fails CI.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

from tracker.cli.entry import HELP_FILE, WIDTH_COLUMNS


def render() -> str:
    """What click prints for `tracker --help` into a pipe or a terminal of 80 columns or more.

    The real group renders it, through its own `main`, with COLUMNS pinned so the terminal the
    generator happens to run in does not matter.
    """
    from tracker.cli.main import cli

    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(WIDTH_COLUMNS)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            cli.main(["--help"], prog_name="tracker")
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved
    return out.getvalue()


def main() -> None:
    Path(HELP_FILE).write_text(render(), encoding="utf-8", newline="")
    print(f"wrote {HELP_FILE}")


if __name__ == "__main__":
    main()
