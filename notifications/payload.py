"""A message in the form SMTP's DATA command sends it (RFC 5321 4.5.2, RFC 1870).

The payload has CRLF line endings, dot-stuffing and the final ".CRLF"; its size (for the SIZE
parameter) counts neither of the latter two.  Preparing a large message costs more than
sending it over a local connection, and a campaign's mails share few bodies.  So a body is
prepared once as a `Section` and joined to each mail's own header section: the result is byte
for byte what preparing the whole message gives (a test checks it against a reference).
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["Payload", "Section", "joined", "section_of"]

_LINE_ENDINGS = re.compile(rb"\r\n|\r|\n")
_END = b".\r\n"


class Payload(NamedTuple):
    """What DATA writes after the server's 354, and the message size RFC 1870 counts."""

    wire: bytes
    size: int


class Section(NamedTuple):
    """Lines of a message that follow a line break, prepared for DATA without the final dot."""

    raw: bytes
    stuffed: bytes
    size: int


_NOTHING = Section(b"", b"", 0)
_EMPTY_MESSAGE = Payload(b"\r\n" + _END, 2)
"""An empty message is sent as one empty line."""


def section_of(data: bytes) -> Section:
    """Normalise line endings to CRLF, end the last line, escape leading dots.

    bytes.count and bytes.replace run in C, unlike a regular expression, and most messages
    need no change, which counting does not copy.
    """
    raw = data
    crlf = data.count(b"\r\n")
    if data.count(b"\r") != crlf:  # a bare CR: normalise the slow, general way
        data = _LINE_ENDINGS.sub(b"\r\n", data)
    elif data.count(b"\n") != crlf:  # bare LFs only
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if data and not data.endswith(b"\r\n"):
        data += b"\r\n"
    stuffed = data.replace(b"\r\n.", b"\r\n..") if b"\r\n." in data else data
    if stuffed.startswith(b"."):
        stuffed = b"." + stuffed
    return Section(raw, stuffed, len(data))


def joined(head: bytes, body: Section) -> Payload:
    """The DATA payload of the message `head + body.raw`, reusing the body's preparation.

    A header section ends with a line break (its empty line), so no line ending and no dot
    line straddles the join.  Any other head is prepared with its body as one message; a whole
    message is its own body, with an empty head.
    """
    if head and not head.endswith(b"\r\n"):
        head, body = b"", section_of(head + body.raw)
    top = section_of(head) if head else _NOTHING
    if not top.raw and not body.raw:
        return _EMPTY_MESSAGE
    return Payload(top.stuffed + body.stuffed + _END, top.size + body.size)
