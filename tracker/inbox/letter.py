"""A received message as the inbox reads it: who sent it, what it answers, its text and files.

Mail arrives in every shape agencies' programs write: Outlook's HTML with a plain twin, Gmail's
quoted-printable, Windows-1251 from an old Bat!, KOI8-R, a phone's base64.  `read_letter` turns
any of them into one `Letter` the rest of the inbox reads, and never raises on a malformed
message: what cannot be read is left empty.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import email.utils
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from types import MappingProxyType


@dataclass(frozen=True)
class Attachment:
    """A file that came with the message, with the name and type its sender declared (the
    content decides what it is: tracker.evidence, tracker.reports.formfile)."""

    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Letter:
    message_id: str
    """Its Message-ID without the angle brackets; '' when it had none."""
    sender: str
    """The From address, lower-cased; '' when there was none that could be read."""
    sender_name: str
    subject: str
    sent_at: datetime | None
    """Its Date header as an aware moment, when readable."""
    answers: tuple[str, ...]
    """The Message-IDs it names as the mail it answers: In-Reply-To first, then References
    from the newest back, without angle brackets."""
    headers: Mapping[str, str]
    """Every header by lower-cased name (the first occurrence), decoded to text."""
    text: str
    """The body as text: the plain part, or the HTML part reduced to text."""
    attachments: tuple[Attachment, ...] = ()
    message: EmailMessage | None = field(default=None, compare=False, repr=False)
    """The parsed message itself, for readers of structured parts (delivery reports)."""


def _ids(value: str) -> list[str]:
    return [part.strip("<> \t") for part in value.replace(",", " ").split() if "@" in part]


def read_letter(raw: bytes) -> Letter:
    """The letter `raw` holds (see the module's docstring)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    headers: dict[str, str] = {}
    for name, value in message.items():
        headers.setdefault(name.lower(), str(value))
    name, address = email.utils.parseaddr(headers.get("from", ""))
    sent_at = None
    with contextlib.suppress(TypeError, ValueError, IndexError):
        sent_at = email.utils.parsedate_to_datetime(headers.get("date", ""))
    if sent_at is not None and sent_at.tzinfo is None:
        sent_at = None
    answers = _ids(headers.get("in-reply-to", ""))
    answers += [m for m in reversed(_ids(headers.get("references", ""))) if m not in answers]
    body = message.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body is not None else ""
    attachments = []
    for part in message.iter_attachments():
        data = part.get_payload(decode=True)
        attachments.append(Attachment(part.get_filename() or "", part.get_content_type(),
                                      data if isinstance(data, bytes) else b""))
    return Letter(message_id=headers.get("message-id", "").strip().strip("<>"),
                  sender=address.lower(), sender_name=name, subject=headers.get("subject", ""),
                  sent_at=sent_at, answers=tuple(answers),
                  headers=MappingProxyType(headers), text=text, attachments=tuple(attachments),
                  message=message)
