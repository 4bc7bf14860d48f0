"""The `tracker` command's entry point: `tracker --help` without importing click.

Importing click and the command modules costs several times Python's own start-up, all of it
to print a text that only changes when a command or option does.  So `tracker --help` (or `-h`)
prints `helptext.txt`, which `python -m tracker.cli.helptext` renders from the real click group
(a test fails when it is stale), whenever click would print exactly that text; everything else
goes to `tracker.cli.main:main`.  This module imports nothing beyond what Python has loaded.
"""

import os
import sys

HELP_FILE = os.path.join(os.path.dirname(__file__), "helptext.txt")
WIDTH_COLUMNS = 80
"""Click wraps help to min(terminal columns, 80) - 2, so from 80 columns up the text is one."""


def terminal_columns() -> int:
    """The width `shutil.get_terminal_size()` reports (COLUMNS, else the terminal on stdout,
    else 80), without importing shutil: the same rule, so the decision matches click's."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    if sys.__stdout__ is None:
        return WIDTH_COLUMNS
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or WIDTH_COLUMNS
    except (AttributeError, ValueError, OSError):
        return WIDTH_COLUMNS


def cached_help() -> str | None:
    """The pre-rendered help when it is what click would print here, else None."""
    if sys.argv[1:] not in (["--help"], ["-h"]) or "_TRACKER_COMPLETE" in os.environ:
        return None  # anything else, or shell completion, is click's job
    encoding = getattr(sys.stdout, "encoding", None) or ""
    if encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        return None  # click picks the encoding and error handling of other streams itself
    if terminal_columns() < WIDTH_COLUMNS:
        return None
    try:
        with open(HELP_FILE, encoding="utf-8", newline="") as file:
            return file.read()
    except OSError:
        return None


def main() -> None:
    """`tracker`: the cached help, or the click command group."""
    text = cached_help()
    if text is not None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from tracker.cli.main import main as click_main

    click_main()
