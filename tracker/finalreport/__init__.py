"""The draft of the final information to the Minister (plan item 26), as .docx or .md.

`content` decides what the report says, `docx` and `markdown` how it looks; this module picks
the writer by the file's extension and writes atomically, so that a failed run never leaves a
half-written file where the committee's staff expect last night's draft.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tracker.errors import UserError
from tracker.files import write_atomically
from tracker.finalreport.model import Document

SUFFIXES = (".docx", ".md")


def check_target(path: Path) -> None:
    """Refuse, before any work, a file the report cannot be written to."""
    if path.suffix.lower() not in SUFFIXES:
        raise UserError(f"{path}: final-report writes .docx or .md files")
    folder = path.parent
    if not folder.is_dir():
        raise UserError(f"{path}: folder {folder} does not exist")


def _writer(suffix: str) -> Callable[[Document, Path], None]:
    """The writer for an extension, imported only when needed (python-docx is not light)."""
    if suffix == ".docx":
        from tracker.finalreport.docx import write_docx

        return write_docx
    from tracker.finalreport.markdown import write_markdown

    return write_markdown


def write_report(path: Path, document: Document) -> None:
    """Write `document` to `path` (.docx or .md): to a temporary file beside it, then rename."""
    check_target(path)
    write = _writer(path.suffix.lower())
    write_atomically(path, lambda target: write(document, target))
