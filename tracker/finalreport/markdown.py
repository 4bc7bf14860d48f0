"""Writing the final report as Markdown (GitHub-flavoured tables), the same content as the .docx.

For staff who edit in a plain text editor or paste into a wiki, and for reviewing what changed
between two drafts with `diff`.  Text from the plan and the regions (an outlet called «*Айна*»)
is escaped, so it shows as typed and never turns into markup.
"""

from __future__ import annotations

import re
from pathlib import Path

from tracker.finalreport.model import Cell, Document, Heading, Link, Paragraph, Table

_BREAKS = re.compile(r"[ \t\r\n]+")
"""Line breaks and runs of spaces (not the no-break spaces inside `55 000`)."""
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")
_LIST_START = re.compile(r"^(\d+)([.)])(\s)|^([-+])(\s)")
_URL_UNSAFE = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "|": "%7C"}


def _escape(text: str, line_start: bool = True) -> str:
    """Text as itself: markup characters escaped, and, where the text starts a line, a
    beginning that would turn it into a list («5. ...», «- ...»)."""
    escaped = _SPECIAL.sub(r"\\\1", _BREAKS.sub(" ", text).strip())
    if not line_start:
        return escaped
    return _LIST_START.sub(lambda m: f"{m[1]}\\{m[2]}{m[3]}" if m[1] else f"\\{m[4]}{m[5]}",
                           escaped)


def _cell(cell: Cell, bold: bool = False) -> str:
    if isinstance(cell, Link):
        url = "".join(_URL_UNSAFE.get(ch, ch) for ch in cell.url)
        return f"[{_escape(cell.text, line_start=False)}]({url})"
    text = _escape(cell, line_start=False)
    return f"**{text}**" if bold and text else text


def _paragraph(block: Paragraph) -> str:
    parts = [f"**{_escape(block.lead, line_start=False)}**" if block.lead else "",
             _escape(block.text, line_start=not block.lead)]
    text = " ".join(part for part in parts if part)
    return f"- {text}" if block.bullet else text


def _table(block: Table) -> str:
    rule = {"l": ":---", "r": "---:"}
    lines = ["| " + " | ".join(_cell(h) for h in block.header) + " |",
             "| " + " | ".join(rule[a] for a in block.align) + " |"]
    rows = [tuple(_cell(c) for c in row) for row in block.rows]
    if block.total:
        rows.append(tuple(_cell(c, bold=True) for c in block.total))
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def render_markdown(document: Document) -> str:
    """The document as Markdown: `#` title, `##`/`###` parts, `-` lists, pipe tables."""
    chunks = [f"# {_escape(document.title, line_start=False)}"]
    previous_bullet = False
    for block in document.blocks:
        if isinstance(block, Heading):
            text = f"{'#' * (block.level + 1)} {_escape(block.text, line_start=False)}"
        elif isinstance(block, Table):
            text = _table(block)
        else:
            text = _paragraph(block)
        bullet = isinstance(block, Paragraph) and block.bullet
        if bullet and previous_bullet:
            chunks[-1] += "\n" + text  # one list, not a list per line
        else:
            chunks.append(text)
        previous_bullet = bullet
    return "\n\n".join(chunks) + "\n"


def write_markdown(document: Document, path: Path) -> None:
    path.write_text(render_markdown(document), encoding="utf-8", newline="\n")
