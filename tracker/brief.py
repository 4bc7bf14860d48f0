"""Shortening a long title to fit one line of a mail or a terminal table.

The plan's titles are the document's own, up to three hundred characters; a reminder lists up
to two dozen of them, one a line, and a table of contacts names bodies whose names run to a
hundred.  What is cut is said with «…».
"""

from __future__ import annotations

import re

BRIEF_MAX = 80
"""Characters of an item's title a reminder shows: the mail lists up to two dozen items, one a
line, and the full titles run to three hundred characters."""


def brief(text: str, limit: int = BRIEF_MAX) -> str:
    """A title shortened for one line: its first sentence, cut at a word within `limit`
    characters and ended with «…» when longer."""
    first = re.split(r"(?<=[^\s.])\.\s+(?=[«\"A-ZА-ЯЁӘҒҚҢӨҰҮҺІ])", text.strip(), maxsplit=1)[0]
    first = first.rstrip(". ")
    if len(first) <= limit:
        return first
    cut = first[:limit - 1]
    cut = cut[:cut.rfind(" ")] if " " in cut[limit // 2:] else cut
    cut = cut.rstrip(" ,;:-–—(«")
    return cut + "…" + ("»" if cut.count("«") > cut.count("»") else "")
