"""Slots: a place in a shared mail body that is filled per recipient only when it is sent.

Why: a campaign's mails share few bodies, and a body is encoded and stored once for all the
rows that share it (see `notifications.message` and `notifications.payload`).  A personal
value, such as the address of the recipient's own page, would make every body different, and
storing it would keep a secret in a row.  So the text is rendered with `placeholder(name)`
where the value goes; encoding the text part cuts it at each placeholder and writes a *marker
line* between the encoded chunks.  The stored body holds the markers, never the values; the
sender puts the encoded value in place of each marker (`fill`) just before DATA.

A marker line starts with ``=%``, which neither base64 (no ``=`` at the start of a line, no
``%`` at all) nor quoted-printable (``=`` is always followed by two hex digits or the line end)
can write, nor a multipart boundary or a part's header.

* base64 chunks only join cleanly at 3-byte boundaries, without padding: a chunk before a slot
  leaves its last 0–2 bytes to the slot (the marker carries them, in hex), and the slot's bytes
  are padded with trailing spaces to a multiple of 3 (a URL parser strips them; put the slot at
  the end of a line in text).
* quoted-printable chunks end with a soft line break, so the value continues the same line.

Filled, the body is exactly what encoding the text with the values in place would decode to
(plus the spaces), and a mail client sees an ordinary message.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import NamedTuple

from notifications.errors import MessageError
from notifications.payload import Payload, Section, section_of

__all__ = ["SlottedBody", "fill", "has_slots", "placeholder", "slotted_body"]

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
_VALUE = re.compile(r"^[\x21-\x7e]{1,2000}$")
_MARK = b"=%"
_MARK_LINE = re.compile(rb"(?:^|(?<=\n))=%([bq]) ([a-z][a-z0-9_]{0,30}) ?([0-9a-f]{0,4})\r?\n",
                        re.MULTILINE)
_END = b".\r\n"


def placeholder(name: str) -> str:
    """What a template writes where the value of slot `name` goes (a line's end, in text)."""
    if not _NAME.match(name):
        raise MessageError(f"slot name {name!r} must be lower-case letters, digits or '_'")
    return f"\x00slot:{name}\x00"


def _pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("\x00slot:(" + "|".join(re.escape(n) for n in names) + ")\x00")


def split_text(text: str, names: tuple[str, ...]) -> list[str]:
    """The text cut at the placeholders of `names`: text, name, text, name, ..., text."""
    if not names:
        return [text]
    return _pattern(names).split(text)


def encode_base64(pieces: list[str]) -> str:
    """Base64 of the text with a marker line where each slot goes (pieces as `split_text`)."""
    out: list[str] = []
    carry = b""
    for index, piece in enumerate(pieces):
        if index % 2:
            out.append(f"=%b {piece} {carry.hex()}\n")
            carry = b""
            continue
        data = carry + piece.encode("utf-8").replace(b"\n", b"\r\n")
        if index == len(pieces) - 1:
            out.append(base64.encodebytes(data).decode("ascii") if data else "")
            break
        cut = len(data) - len(data) % 3
        if cut:
            out.append(base64.encodebytes(data[:cut]).decode("ascii"))
        carry = data[cut:]
    return "".join(out)


def encode_qp(pieces: list[str]) -> str:
    """Quoted-printable of the text with a marker line where each slot goes."""
    out: list[str] = []
    for index, piece in enumerate(pieces):
        if index % 2:
            out.append(f"=%q {piece}\n")
            continue
        chunk = binascii.b2a_qp(piece.encode("ascii"), istext=True).decode("ascii")
        if index < len(pieces) - 1 and chunk and not chunk.endswith("\n"):
            chunk = _soft_end(chunk)  # the value continues this line
        out.append(chunk)
    return "".join(out)


def _soft_end(chunk: str) -> str:
    """End a quoted-printable chunk with a soft line break, its last line kept to 76
    characters with the ``=`` (cut before an escape, never inside one)."""
    start = chunk.rfind("\n") + 1
    line = chunk[start:]
    if len(line) < 76:
        return chunk + "=\n"
    cut = 72
    escape = line.rfind("=", cut - 2, cut)
    if escape != -1:
        cut = escape
    return chunk[:start] + line[:cut] + "=\n" + line[cut:] + "=\n"


def _encoded_value(kind: bytes, leftover: bytes, value: str) -> bytes:
    if not _VALUE.match(value):
        raise MessageError("a slot's value must be printable ASCII without spaces")
    if kind == b"q":
        return binascii.b2a_qp(value.encode("ascii"), istext=True) + b"=\r\n"
    data = leftover + value.encode("ascii")
    data += b" " * (-len(data) % 3)
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def has_slots(body: bytes) -> bool:
    """Whether a stored body has slots to fill (cheap: one search in C)."""
    return (body.startswith(_MARK) or b"\n" + _MARK in body) and bool(_MARK_LINE.search(body))


class _Slot(NamedTuple):
    kind: bytes
    name: str
    leftover: bytes


class SlottedBody(NamedTuple):
    """A stored body cut at its marker lines, each fixed piece prepared for DATA once."""

    pieces: tuple[Section | _Slot, ...]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.pieces if isinstance(p, _Slot))


def slotted_body(body: bytes) -> SlottedBody:
    """Cut `body` at its marker lines (every piece but the last ends with a line break, so no
    line and no dot-stuffing straddles a cut)."""
    pieces: list[Section | _Slot] = []
    start = 0
    for found in _MARK_LINE.finditer(body):
        pieces.append(section_of(body[start:found.start()]))
        pieces.append(_Slot(found.group(1), found.group(2).decode("ascii"),
                            bytes.fromhex(found.group(3).decode("ascii"))))
        start = found.end()
    pieces.append(section_of(body[start:]))
    return SlottedBody(tuple(pieces))


def _value(values: Mapping[str, str], name: str) -> str:
    try:
        return values[name]
    except KeyError:
        raise MessageError(f"no value for the mail's slot {name!r}") from None


def fill(body: bytes, values: Mapping[str, str]) -> bytes:
    """The body with every marker line replaced by its encoded value: the message as sent."""
    out: list[bytes] = []
    start = 0
    for found in _MARK_LINE.finditer(body):
        out.append(body[start:found.start()])
        out.append(_encoded_value(found.group(1), bytes.fromhex(found.group(3).decode()),
                                  _value(values, found.group(2).decode("ascii"))))
        start = found.end()
    out.append(body[start:])
    return b"".join(out)


def joined_filled(head: bytes, body: SlottedBody, values: Mapping[str, str]) -> Payload:
    """The DATA payload of `head` + the filled body, reusing the fixed pieces' preparation."""
    top = section_of(head)
    parts = [top.stuffed]
    size = top.size
    for piece in body.pieces:
        if isinstance(piece, _Slot):
            piece = section_of(_encoded_value(piece.kind, piece.leftover,
                                              _value(values, piece.name)))
        parts.append(piece.stuffed)
        size += piece.size
    parts.append(_END)
    return Payload(b"".join(parts), size)
