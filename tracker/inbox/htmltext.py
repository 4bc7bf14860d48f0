"""An HTML mail body reduced to plain text, never rendered.

Agencies' Outlook and webmail often send HTML only.  Its text is what a reader sees: scripts,
styles, the head and comments are dropped, entities decoded, paragraphs, line breaks, list
items and table rows made lines, and the blocks mail programs use for a quoted message
(<blockquote>: Gmail's gmail_quote, Thunderbird's and Apple's cite) given `> ` markers, so the
reply's own text can be told from the reminder it quotes (tracker.inbox.quotes).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIPPED = frozenset({"script", "style", "head", "title", "template", "noscript", "object",
                      "iframe", "svg", "math", "xml"})
_BLOCKS = frozenset({"p", "div", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4",
                     "h5", "h6", "pre", "section", "article", "header", "footer", "hr",
                     "address", "dl", "dt", "dd", "center", "form", "fieldset", "tbody"})
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "wbr",
                   "source", "embed", "param", "track"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b\u2007\u202f]+")
MAX_DEPTH = 200
"""Open elements tracked; deeper markup (a hostile message) is read as flat text."""


class _Reducer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line: list[str] = []
        self.stack: list[tuple[str, bool]] = []
        """Open elements: (tag, whether it opened a quote)."""
        self.skipping = 0
        self.quoting = 0

    def _break(self, blank: bool = False) -> None:
        """End the line being read.  An empty one becomes a blank line only when the markup
        asked for one: a <br> on its own, or a block holding nothing but a no-break space
        (Outlook's <p>&nbsp;</p>); a block boundary alone is a line break."""
        raw = "".join(self.line)
        text = _SPACES.sub(" ", raw).strip()
        self.line = []
        prefix = "> " * self.quoting
        if text or blank or "\u00a0" in raw:
            self.lines.append((prefix + text).rstrip())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag == "br":
                self._break(blank=not "".join(self.line).strip())
            elif tag == "hr":
                self._break()
            return
        if tag == "body":
            self.skipping = 0  # an unclosed <head> ends where the body begins
            self.stack = [entry for entry in self.stack if entry[0] not in _SKIPPED]
        if tag in _SKIPPED:
            self.skipping += 1
        quote = tag == "blockquote"
        if tag in _BLOCKS or quote:
            self._break()
        if quote:
            self.quoting += 1
        if len(self.stack) < MAX_DEPTH:
            self.stack.append((tag, quote))
        if tag in ("td", "th"):
            self.line.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if not any(open_tag == tag for open_tag, _ in self.stack):
            return  # a stray end tag
        while self.stack:
            open_tag, quote = self.stack.pop()
            if open_tag in _SKIPPED:
                self.skipping = max(0, self.skipping - 1)
            if quote:
                self._break()
                self.quoting = max(0, self.quoting - 1)
            if open_tag == tag:
                break
        if tag in _BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.line.append(data.replace("\n", " "))

    def text(self) -> str:
        self._break()
        lines: list[str] = []
        for line in self.lines:
            if not line.strip("> ") and lines and not lines[-1].strip("> "):
                continue  # one empty line between blocks
            lines.append(line)
        return "\n".join(lines).strip("\n")


def html_text(html: str) -> str:
    """The text a reader of `html` sees, lines kept, quoted blocks marked with `> `."""
    reducer = _Reducer()
    try:
        reducer.feed(html)
        reducer.close()
    except Exception:
        pass
    return reducer.text()
