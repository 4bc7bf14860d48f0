"""The final report as a few kinds of blocks, with no notion of DOCX or Markdown.

`content` decides what the report says (in Kazakh or Russian); the writers only decide how a
heading, a paragraph or a table looks in their format.  Keeping the blocks this small is what
lets the .docx and the .md carry exactly the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Link:
    """A table cell that is a link (a publication's address)."""

    text: str
    url: str


Cell = str | Link


@dataclass(frozen=True)
class Heading:
    text: str
    level: Literal[1, 2]


@dataclass(frozen=True)
class Paragraph:
    """Running text; `lead` is printed bold before it ("Не выполнено (2):")."""

    text: str
    lead: str = ""
    bullet: bool = False


@dataclass(frozen=True)
class Table:
    """A table with a header row and, optionally, a totals row printed bold.

    `widths` are relative column weights and `align` one letter per column, `l` or `r`:
    layout hints that the DOCX writer uses and the Markdown writer partly can (alignment).
    """

    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...]
    align: str
    total: tuple[str, ...] | None = None


Block = Heading | Paragraph | Table


@dataclass(frozen=True)
class Document:
    """The whole report: its language (for the file's metadata), title and blocks."""

    lang: str
    title: str
    draft_label: str
    """«ПРОЕКТ» / «ЖОБА»: repeated in the page header of the .docx."""
    blocks: tuple[Block, ...]
