"""How wide printed text is, roughly, so table columns are set wide enough for their words.

A spreadsheet or a Word table wraps a header at its column's width, and a word longer than the
column is broken mid-word («общешкольны / х»).  Nothing here can know the reader's fonts, so
widths are estimated for a wide sans-serif face (DejaVu Sans, what LibreOffice falls back to on
a server without the Office fonts): a column wide enough there is wide enough in Calibri, Arial
or Times New Roman too.  Widths are in ems of the font's size: multiply by the size in points.
"""

from __future__ import annotations

import math
import re

_NARROW = frozenset(" .,;:!'|()[]-ilIjtfrІі«»\"/")
_WIDE = frozenset("шщжмыюфъШЩЖМЫЮФДWMmwОФҚЖ%—")
_NARROW_EM, _WIDE_EM, _LOWER_EM, _UPPER_EM, _DIGIT_EM = 0.36, 0.92, 0.64, 0.76, 0.64
BOLD = 1.1
"""How much wider bold text is."""

_WORDS = re.compile(r"[^ \t\n\r\f\v]+")
"""Words as a line breaks them: a no-break space (`1 250`) holds its word together."""
_HYPHENATED = re.compile(r"[^ \t\n\r\f\v-]+-?")
"""Word processors also break after a hyphen (`Восточно-` / `Казахстанская`)."""


def _glyph(char: str) -> float:
    if char in _NARROW:
        return _NARROW_EM
    if char in _WIDE:
        return _WIDE_EM
    if char.isdigit():
        return _DIGIT_EM
    return _UPPER_EM if char.isupper() else _LOWER_EM


def text_em(text: str, bold: bool = False) -> float:
    """The width of `text` on one line, in ems."""
    return sum(_glyph(c) for c in text) * (BOLD if bold else 1.0)


def longest_word_em(text: str, bold: bool = False, at_hyphens: bool = False) -> float:
    """The width of the widest word of `text`: a column narrower than this breaks it.  With
    `at_hyphens`, the parts of a hyphenated word count separately."""
    pattern = _HYPHENATED if at_hyphens else _WORDS
    return max((text_em(word, bold) for word in pattern.findall(text)), default=0.0)


def wrapped_lines(text: str, width_em: float, bold: bool = False) -> int:
    """How many lines `text` takes when wrapped at word boundaries in `width_em`; each line of
    `text` (split on new lines) starts a new one, and a word too long for a line takes as many
    as it needs."""
    count = 0
    space = text_em(" ", bold)
    for line in text.split("\n"):
        used, lines = 0.0, 1
        for word in _WORDS.findall(line):
            size = text_em(word, bold)
            if used and used + space + size > width_em:
                lines += 1
                used = 0.0
            if size > width_em:
                lines += math.ceil(size / width_em) - 1
                used = size % width_em
            else:
                used += (space if used else 0.0) + size
        count += lines
    return max(count, 1)
