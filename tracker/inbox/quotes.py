"""The new text of a reply, without the reminder it quotes (first version: `>` lines only)."""

from __future__ import annotations


def new_text(text: str) -> str:
    """`text` without quoted lines."""
    return "\n".join(line for line in text.splitlines()
                     if not line.lstrip().startswith(">")).strip()
