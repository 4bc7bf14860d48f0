"""Reference implementations that production's direct writers are held equal to.

notifications.message.prepare writes a message's bytes itself, and notifications.payload
prepares a body once for many messages; both exist for speed.  What they must give is written
here the plain way: the message as the standard library's generator writes it, and the DATA
payload by the letter of RFC 5321 (4.5.2), with regular expressions.
"""

from __future__ import annotations

import email.policy
import re
from email.message import EmailMessage

from notifications.message import (
    OutgoingMail,
    _attachment_part,
    _header_fields,
    _mime_body,
    _text_part,
)
from notifications.payload import Payload

WIRE_POLICY = email.policy.SMTP
"""RFC 5322 folding and CRLF line endings, as on the wire."""


def build_message(mail: OutgoingMail) -> EmailMessage:
    """The message as a stdlib object: production's encoded headers and parts, put together
    by the `email` package (text only, or multipart/alternative text + HTML; inside
    multipart/mixed with the attachments after it)."""
    msg = EmailMessage(policy=WIRE_POLICY)
    # set_raw stores a header exactly as the parser would after reading it from the wire:
    # the generator emits it verbatim, while msg[...] still decodes.
    for name, value in _header_fields(mail):
        msg.set_raw(name, value)
    for name, value in _mime_body(mail.text, mail.html, mail.attachments).headers:
        msg.set_raw(name, value)
    if not mail.attachments:
        _readable(msg, mail)
        return msg
    readable = EmailMessage(policy=WIRE_POLICY)
    for name, value in _mime_body(mail.text, mail.html).headers:
        readable.set_raw(name, value)
    _readable(readable, mail)
    msg.set_payload([readable, *(_part(*_attachment_part(a)) for a in mail.attachments)])
    return msg


def _readable(msg: EmailMessage, mail: OutgoingMail) -> None:
    """The text, or multipart/alternative text + HTML, as the payload of `msg`."""
    text_part = _text_part(mail.text, "plain")
    if mail.html is None:
        msg.set_payload(text_part[1])
        return
    msg.set_payload([_part(*text_part), _part(*_text_part(mail.html, "html"))])


def _part(headers: tuple[tuple[str, str], ...], payload: str) -> EmailMessage:
    part = EmailMessage(policy=WIRE_POLICY)
    for name, value in headers:
        part.set_raw(name, value)
    part.set_payload(payload)
    return part


def message_bytes(mail: OutgoingMail) -> bytes:
    """The wire bytes of `mail` as the standard library's generator writes them."""
    return build_message(mail).as_bytes(policy=WIRE_POLICY)


def data_payload(message: bytes) -> Payload:
    """The DATA payload of a whole message: every line ending CRLF, the last line ended, a
    leading dot doubled, then the end-of-data line; the size counts neither of the latter.
    An empty message is one empty line."""
    text = re.sub(rb"\r\n|\r|\n", b"\r\n", message or b"\r\n")
    if not text.endswith(b"\r\n"):
        text += b"\r\n"
    return Payload(re.sub(rb"(?m)^\.", b"..", text) + b".\r\n", len(text))
