"""Turning an ``OutgoingMail`` into the wire bytes of a MIME message.

Design notes (the *why*):

* The caller supplies the Message-ID. A reminder that is retried after a
  DEFERRED result keeps the same Message-ID, so recipients' mail systems (and
  we, when investigating an UNCERTAIN send) can recognise duplicates.
* Output is deterministic: the same ``OutgoingMail`` always gives the same
  bytes (the multipart boundary is derived from the content, not random).
* Output is 7-bit clean (RFC 2047 headers, base64 or quoted-printable bodies),
  so it never depends on the server offering 8BITMIME or SMTPUTF8.
* Headers are encoded and folded by ``notifications.headers`` and written as
  they are; see that module for why.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

from notifications.errors import HeaderInjectionError, MessageError
from notifications.headers import (
    Mailbox,
    clean_subject,
    encode_mailboxes,
    encode_unstructured,
    parse_mailbox,
    reject_control_characters,
    validate_header_name,
    validate_message_id,
)
from notifications.slots import encode_base64, encode_qp, split_text

__all__ = [
    "Attachment",
    "HeaderInjectionError",
    "OutgoingMail",
    "PreparedMail",
    "prepare",
]


# Headers that prepare writes itself; letting extra_headers set them would create
# duplicates that receivers resolve inconsistently.
_RESERVED_HEADERS = frozenset(
    {
        "bcc",
        "cc",
        "content-disposition",
        "content-transfer-encoding",
        "content-type",
        "date",
        "from",
        "message-id",
        "mime-version",
        "reply-to",
        "sender",
        "subject",
        "to",
    }
)


_FILENAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_CONTENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*$")


@dataclass(frozen=True)
class Attachment:
    """A file sent with a mail (a form to fill in, say).

    The file name is plain ASCII (letters, digits, ``.``, ``_``, ``-``): it needs no RFC 2231
    encoding, and every mail program shows it the same way.
    """

    filename: str
    content_type: str
    data: bytes

    def __post_init__(self) -> None:
        if not _FILENAME.match(self.filename):
            raise MessageError(f"attachment file name {self.filename!r} must be ASCII letters, "
                               "digits, '.', '_' or '-'")
        if not _CONTENT_TYPE.match(self.content_type):
            raise MessageError(f"attachment content type {self.content_type!r} is not a type")


@dataclass(frozen=True, kw_only=True)
class OutgoingMail:
    """Everything needed to build one e-mail; addresses may carry display names.

    ``sender``, ``recipients`` and ``reply_to`` accept ``addr@example.kz`` or
    ``Display Name <addr@example.kz>``. ``date`` must be timezone-aware so the
    Date header states the real instant (a naive datetime is ambiguous).
    """

    message_id: str
    sender: str
    recipients: tuple[str, ...]
    subject: str
    text: str
    html: str | None = None
    reply_to: str | None = None
    extra_headers: tuple[tuple[str, str], ...] = ()
    attachments: tuple[Attachment, ...] = ()
    """Files after the text (and HTML): the message becomes multipart/mixed."""
    slots: tuple[str, ...] = ()
    """Names of the slots whose `notifications.slots.placeholder` the text and HTML hold: the
    body gets a marker line there, filled per recipient when it is sent (`slots.fill`)."""
    date: datetime


@dataclass(frozen=True)
class PreparedMail:
    """Wire bytes plus SMTP envelope: what actually goes to the server.

    Useful to store before sending (an UNCERTAIN result can then be
    investigated with the exact bytes) and to send without rebuilding.
    ``sender`` and ``recipients`` are bare ASCII addresses.  The bytes come in
    two pieces: this recipient's header section (ending with the empty line)
    and the body, the same object for every mail of the same content, so a
    caller can store it once.
    """

    message_id: str
    sender: str
    recipients: tuple[str, ...]
    head: bytes
    body: bytes

    @property
    def data(self) -> bytes:
        return self.head + self.body


def _header_fields(mail: OutgoingMail,
                   recipients: list[Mailbox] | None = None) -> list[tuple[str, str]]:
    """The message's own headers (everything but Content-*), encoded and pre-folded."""
    recipients = recipients or _parse_recipients(mail.recipients)
    message_id = validate_message_id(mail.message_id)
    if mail.date.tzinfo is None or mail.date.utcoffset() is None:
        raise MessageError("date must be timezone-aware")
    fields = [("Message-ID", message_id), ("Date", format_datetime(mail.date)),
              ("From", _encoded_mailbox("From", mail.sender, "sender")),
              ("To", encode_mailboxes("To", recipients))]
    if mail.reply_to is not None:
        fields.append(("Reply-To", _encoded_mailbox("Reply-To", mail.reply_to, "reply_to")))
    fields.append(("Subject", _encoded_subject(mail.subject)))
    for name, value in mail.extra_headers:
        fields.append(_extra_header(name, value))
    fields.append(("MIME-Version", "1.0"))
    return fields


@functools.lru_cache(maxsize=64)
def _encoded_mailbox(name: str, value: str, what: str) -> str:
    """Sender and reply-to repeat across a run's messages: encode each once."""
    return encode_mailboxes(name, [parse_mailbox(value, what)])


@functools.lru_cache(maxsize=64)
def _envelope_sender(value: str) -> str:
    return parse_mailbox(value, "sender").addr_spec


@functools.lru_cache(maxsize=256)
def _encoded_subject(subject: str) -> str:
    return encode_unstructured("Subject", clean_subject(subject))


@dataclass(frozen=True)
class _MimeBody:
    """The Content-* headers and payload of a message, the same for every recipient."""

    headers: tuple[tuple[str, str], ...]
    wire: bytes
    """The body as written on the wire (CRLF line endings): shared by every message with it."""


@functools.lru_cache(maxsize=128)
def _mime_body(text: str, html: str | None,
               attachments: tuple[Attachment, ...] = (), slots: tuple[str, ...] = ()
               ) -> _MimeBody:
    """Encode a body once, however many recipients get it: a reminder to every school of a
    district is one text, and encoding its body was most of the cost of preparing a message.

    The multipart boundary is derived from the content (so the same content always gives the
    same bytes); base64 and quoted-printable never produce a line starting with ``--=_``, so it
    cannot collide with the content.
    """
    text_part = _text_part(text, "plain", slots)
    if html is None:
        headers, payload = text_part
        readable = _MimeBody(headers, _crlf(payload).encode("ascii"))
    else:
        html_part = _text_part(html, "html", slots)
        seed = hashlib.sha256(text.encode("utf-8") + b"\0" + html.encode("utf-8"))
        boundary = "=_" + seed.hexdigest()[:40]
        blocks = [_header_lines(headers)
                  + "\r\n" + _crlf(payload) for headers, payload in (text_part, html_part)]
        readable = _MimeBody(
            (("Content-Type", f'multipart/alternative;\n boundary="{boundary}"'),),
            _multipart(boundary, blocks).encode("ascii"))
    if not attachments:
        return readable
    seed = hashlib.sha256(readable.wire)
    for attachment in attachments:
        seed.update(hashlib.sha256(attachment.data).digest())
    boundary = "=_" + seed.hexdigest()[:40]
    blocks = [_header_lines(readable.headers) + "\r\n" + readable.wire.decode("ascii")]
    blocks += [_header_lines(headers) + "\r\n" + _crlf(payload)
               for headers, payload in map(_attachment_part, attachments)]
    return _MimeBody((("Content-Type", f'multipart/mixed;\n boundary="{boundary}"'),),
                     _multipart(boundary, blocks).encode("ascii"))


def _attachment_part(attachment: Attachment) -> tuple[tuple[tuple[str, str], ...], str]:
    """A file as a base64 part: (its Content-* headers, payload)."""
    return ((("Content-Type", f'{attachment.content_type};\n name="{attachment.filename}"'),
             ("Content-Transfer-Encoding", "base64"),
             ("Content-Disposition", f'attachment;\n filename="{attachment.filename}"')),
            base64.encodebytes(attachment.data).decode("ascii"))


def _header_lines(fields: Iterable[tuple[str, str]]) -> str:
    """Pre-encoded, pre-folded header fields as written on the wire, each ending in CRLF."""
    return "".join(f"{name}: {_crlf(value)}\r\n" for name, value in fields)


def _multipart(boundary: str, parts: list[str]) -> str:
    """A multipart body from its parts (each its headers, a blank line and its payload)."""
    return (f"--{boundary}\r\n" + f"\r\n--{boundary}\r\n".join(parts)
            + f"\r\n--{boundary}--\r\n")


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def prepare(mail: OutgoingMail) -> PreparedMail:
    """The wire bytes and envelope (bare addresses, IDNA domains) of a mail.

    Raises ``HeaderInjectionError`` when an address, the Message-ID or an extra
    header contains CR/LF; line breaks in the subject are replaced by a space.
    Raises ``InvalidAddressError``/``MessageError`` for other invalid input.

    Written directly from the encoded headers and the shared encoded body, without building a
    message object per recipient: a test holds the bytes equal to what the standard library's
    generator writes for the same message (tests/reference_message.py).
    """
    recipients = _parse_recipients(mail.recipients)
    fields = _header_fields(mail, recipients)
    body = _mime_body(mail.text, mail.html, mail.attachments, mail.slots)
    head = _header_lines((*fields, *body.headers))
    return PreparedMail(
        message_id=mail.message_id,
        sender=_envelope_sender(mail.sender),
        recipients=tuple(mailbox.addr_spec for mailbox in recipients),
        head=(head + "\r\n").encode("ascii"),
        body=body.wire,
    )


def _parse_recipients(recipients: tuple[str, ...]) -> list[Mailbox]:
    if isinstance(recipients, str):
        # A bare string would be iterated character by character.
        raise MessageError("recipients must be a tuple of addresses, not a string")
    if not recipients:
        raise MessageError("a mail needs at least one recipient")
    return [
        parse_mailbox(value, f"recipient #{number}")
        for number, value in enumerate(recipients, start=1)
    ]


def _extra_header(name: str, value: str) -> tuple[str, str]:
    validate_header_name(name)
    if name.lower() in _RESERVED_HEADERS:
        raise MessageError(f"extra header {name!r} is set by prepare itself")
    reject_control_characters(value, f"header {name}")
    return name, encode_unstructured(name, value)


def _text_part(text: str, subtype: str, slots: tuple[str, ...] = ()
               ) -> tuple[tuple[tuple[str, str], ...], str]:
    """*text* as a UTF-8 body with a 7-bit transfer encoding: (its Content-* headers, payload).

    Pure ASCII uses quoted-printable (still readable in raw form); anything
    else base64, which is about half the size of quoted-printable for Cyrillic.
    Either way line breaks are CRLF, the canonical form of text (RFC 2046
    4.1.1), so both decode to the same text. Neither encoding can produce a
    line starting with ``--=_``, so the boundary never collides with content.
    """
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    if not normalized.endswith("\n"):
        normalized += "\n"
    try:
        data = normalized.encode("utf-8")
    except UnicodeEncodeError:
        raise MessageError(f"text/{subtype} body is not valid Unicode (lone surrogate)") from None
    pieces = split_text(normalized, slots)
    if len(pieces) > 1:
        encoding = ("quoted-printable" if all(p.isascii() for p in pieces[::2])
                    else "base64")
        payload = (encode_qp(pieces) if encoding == "quoted-printable"
                   else encode_base64(pieces))
    elif data.isascii():
        encoding = "quoted-printable"
        # Line breaks stay literal (written as CRLF on the wire, see `_crlf`).
        payload = binascii.b2a_qp(data, istext=True).decode("ascii")
    else:
        encoding = "base64"
        payload = base64.encodebytes(data.replace(b"\n", b"\r\n")).decode("ascii")
    return ((("Content-Type", f'text/{subtype}; charset="utf-8"'),
             ("Content-Transfer-Encoding", encoding)), payload)
