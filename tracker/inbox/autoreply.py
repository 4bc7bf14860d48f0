"""Automatic replies (out of office, autoresponders): noted, never acted on or answered."""

from __future__ import annotations

from tracker.inbox.letter import Letter


def automatic(letter: Letter) -> str | None:
    """Why `letter` was written by a machine, or None when a person wrote it."""
    value = letter.headers.get("auto-submitted", "no").strip().lower()
    return f"Auto-Submitted: {value}" if value != "no" else None
