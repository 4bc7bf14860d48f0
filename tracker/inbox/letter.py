"""A received message as the inbox reads it: who sent it, what it answers, its text and files.

Mail arrives in every shape agencies' programs write: Outlook's HTML with a plain twin, Gmail's
quoted-printable, Windows-1251 from an old Bat!, KOI8-R, a phone's base64, a Kazakh KZ-1048.
`read_letter` turns any of them into one `Letter` the rest of the inbox reads, and never raises
on a malformed message: what cannot be read is left empty.

What is read, and how a message's own claims are distrusted:
- headers are taken as sent and decoded here (RFC 2047 words in any charset Python knows,
  raw 8-bit headers as UTF-8 or else a guessed Cyrillic code page), so a header the standard
  library's parser chokes on costs that header, not the message;
- a text part's declared charset is used when it decodes the bytes and does not read as a
  Cyrillic text decoded with the wrong table; otherwise UTF-8, Windows-1251, KOI8-R and KZ-1048
  are tried, the one that reads most like Kazakh or Russian wins (see `_decode`);
- HTML is reduced to text by a parser (tracker.inbox.htmltext), never rendered: scripts,
  styles and comments dropped, entities decoded, quoted blocks marked with `>`;
- attachments are the parts with a file name or a non-text type, also those inside forwarded
  (message/rfc822) parts, with RFC 2231 and RFC 2047 names decoded.

The limits below bound what one message can cost the fetch loop (time, memory, a row's size);
each says why it is as large as it is.
"""

from __future__ import annotations

import codecs
import contextlib
import email
import email.header
import email.policy
import email.utils
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage, Message
from email.parser import BytesParser
from types import MappingProxyType

from tracker.inbox.htmltext import html_text

TEXT_LIMIT = 200_000
"""Characters of body text kept.  A reply is a few lines and the reminder it quotes about
eleven thousand characters; a long thread of quoted replies stays well inside.  Beyond it is
no reply but a pasted document, and the row, the review screen and the item reader need not
carry megabytes of it."""
HTML_LIMIT = 2_000_000
"""Characters of an HTML part reduced to text.  Outlook's HTML is ten to twenty times its text
(styles on every paragraph), so this still yields more than TEXT_LIMIT of text."""
HEADER_LIMIT = 2_000
"""Characters kept of one header's value: a References list of a long thread fits."""
HEADER_COUNT = 200
"""Header fields read: a message through many relays has a few dozen."""
MAX_CONTAINERS = 100
"""Multipart containers a message may declare (counted by its boundary parameters before
parsing).  Real mail nests three or four deep; the standard parser takes quadratic time on
deep nesting and fails with RecursionError on very deep, so beyond this only the headers are
read."""
MAX_PARTS = 500
"""Parts visited, for a flat message of countless tiny parts."""
MAX_ATTACHMENTS = 50
"""Files kept from one message; a reply carries one or two."""
MAX_ATTACHMENT_BYTES = 50_000_000
"""A larger file is kept by its name and type with no data (mail servers refuse larger
messages anyway; the evidence store has its own, smaller limit)."""

_CYRILLIC_PAGES = ("cp1251", "koi8_r", "kz1048")
_ALIASES = {"win-1251": "cp1251", "windows1251": "cp1251", "x-cp1251": "cp1251",
            "cp-1251": "cp1251", "win1251": "cp1251", "koi8": "koi8_r", "koi-8r": "koi8_r",
            "x-koi8-r": "koi8_r", "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
            "x-unknown": "", "unknown-8bit": "", "x-user-defined": "", "default": ""}
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_BOUNDARY = re.compile(rb"boundary\s*\*?\d*\*?\s*=", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_ESCAPED = re.compile("[\udc80-\udcff]")
"""Raw 8-bit header bytes, as the parser keeps them (surrogate escapes)."""


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


def clean(text: str) -> str:
    """`text` as a database stores and a terminal shows it: no NUL or other control
    characters (newlines and tabs kept), no lone surrogates, LF line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSTORABLE.sub("", text)


def _codec(charset: str | None) -> str | None:
    """The Python codec for a declared charset, or None when it names none Python has."""
    if not charset:
        return None
    name = charset.strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _cyrillic_score(text: str) -> float:
    """How much `text` reads like Kazakh, Russian or English: per character beyond ASCII
    punctuation, lower-case Cyrillic and ASCII letters count fully, capitals half (Russian
    text has some; cp1251 read as KOI8-R swaps the cases, so wrong tables read as capitals),
    accented Latin letters little (cp1251 read as Latin-1) and other symbols nothing."""
    total = 0
    plausible = 0.0
    for c in text:
        if c.isascii() and not c.isalpha():
            continue
        total += 1
        if c.isascii() or ("\u0430" <= c <= "\u04ff" and c.islower()):
            plausible += 1
        elif "\u0400" <= c <= "\u04ff":
            plausible += 0.5
        elif c.isalpha():
            plausible += 0.3
        elif c in "«»—–№…“”„’":
            plausible += 1
    return plausible / total if total else 0.0


SCORED = 5_000
"""Characters a charset is judged by: a reply's own text comes first, and is shorter."""
DECLARED_MARGIN = 0.2
"""How much better another table must read than the declared charset to overrule it."""


def _decode(data: bytes, declared: str | None) -> str:
    """The text `data` holds, in its declared charset unless that is missing, unknown, fails
    or reads clearly worse than a Cyrillic code page (a cp1251 letter labelled iso-8859-1 or
    KOI8-R, a KOI8-R one labelled windows-1251)."""
    if data.isascii():
        return data.decode("ascii")
    candidates: list[tuple[float, int, str]] = []
    codec = _codec(declared)
    if codec is not None:
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            pass
        else:
            if codec == "utf-8":
                return text
            score = _cyrillic_score(text[:SCORED])
            if score >= 0.9:
                return text
            candidates.append((score + DECLARED_MARGIN, 9, text))
    for cut in range(4):  # UTF-8, perhaps cut mid-letter (broken base64, a truncated part)
        with contextlib.suppress(UnicodeDecodeError):
            return data[:len(data) - cut].decode("utf-8")
    utf8 = data.decode("utf-8", "replace")
    if utf8.count("\ufffd") <= len(utf8) // 500:
        return utf8  # UTF-8 with a few broken bytes
    for rank, page in enumerate(_CYRILLIC_PAGES):
        text = data.decode(page, "replace")
        candidates.append((_cyrillic_score(text[:SCORED]), -rank, text))
    return max(candidates)[2]


def _header_text(value: str) -> str:
    """A raw header value decoded: RFC 2047 words, or raw 8-bit bytes (which the parser keeps
    as surrogate escapes), folded lines joined."""
    value = value.replace("\r", "").replace("\n", "")
    if not value.isascii() and _ESCAPED.search(value):
        value = _decode(value.encode("ascii", "surrogateescape"), None)
    if "=?" in value:
        with contextlib.suppress(Exception):
            chunks = []
            for data, charset in email.header.decode_header(value):
                if isinstance(data, str):
                    chunks.append(data)
                    continue
                chunks.append(data.decode("raw-unicode-escape") if charset is None
                              else _decode(data, charset))
            value = _join_words(chunks, value)
    return clean(_SPACES.sub(" ", value)).strip()[:HEADER_LIMIT]


def _join_words(chunks: list[str], original: str) -> str:
    """decode_header's pieces joined as RFC 2047 says (no space between adjacent encoded
    words; decode_header already keeps the spaces of plain runs)."""
    return "".join(chunks) if chunks else original


def _ids(value: str) -> list[str]:
    found = re.findall(r"<([^<>\s]+@[^<>\s]+)>", value)
    if not found:
        found = [part.strip("<> \t") for part in value.replace(",", " ").split() if "@" in part]
    return [i[:HEADER_LIMIT] for i in found]


def _address(raw: str) -> tuple[str, str]:
    """(display name, address) of a From value, parsed before its words are decoded so a name
    holding a comma or angle brackets after decoding does not split it."""
    with contextlib.suppress(Exception):
        pairs = email.utils.getaddresses([raw.replace("\r", "").replace("\n", "")])
        for name, address in pairs:
            if "@" in address:
                return _header_text(name), clean(address).strip().lower()[:320]
    return "", ""


def _parse(raw: bytes) -> EmailMessage:
    """The parsed message, its parts still under the compat32 policy (see `_modern`); headers
    only when its structure is too deep to parse safely.

    The modern policy parses a header into an object on every access, the parser's own
    included, which made reading a reply several times slower than parsing it; compat32 hands
    out the stored string.  Both store a header as the same raw string, so switching a parsed
    tree's policy afterwards gives the message the modern parser would have."""
    parser = BytesParser(EmailMessage, policy=email.policy.compat32)
    # every boundary parameter spells the word, so counting the word rules most mail in
    if raw.lower().count(b"boundary") <= MAX_CONTAINERS \
            or len(_BOUNDARY.findall(raw)) <= MAX_CONTAINERS:
        with contextlib.suppress(RecursionError, Exception):
            message = parser.parsebytes(raw)
            if isinstance(message, EmailMessage):
                return message
    try:
        message = parser.parsebytes(raw, headersonly=True)
    except Exception:
        message = EmailMessage(policy=email.policy.compat32)
    if not isinstance(message, EmailMessage):
        message = EmailMessage(policy=email.policy.compat32)
    message.set_payload("")
    return message


def _modern(message: Message) -> None:
    """Every part of `message` under the modern policy (get_content, decoded headers), as
    `Letter.message` is promised to readers of structured parts."""
    stack = [message]
    while stack:
        part = stack.pop()
        part.policy = email.policy.default
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend(inner for inner in payload if isinstance(inner, Message))


def _parts(message: Message) -> Iterator[tuple[Message, str, bool]]:
    """Every leaf part, depth first in order, with its content type and whether it sits
    inside a forwarded message; iterative and bounded by MAX_PARTS."""
    stack: list[tuple[Message, bool]] = [(message, False)]
    seen = 0
    while stack and seen < MAX_PARTS:
        part, forwarded = stack.pop()
        seen += 1
        content_type = _content_type(part)
        payload = part.get_payload()
        if content_type in _REPORT_PARTS or not isinstance(payload, list):
            yield part, content_type, forwarded
        else:
            # a multipart's parts, or message/rfc822's one inner message (forwarded)
            inside = forwarded or content_type.startswith("message/")
            stack.extend((inner, inside) for inner in reversed(payload)
                         if isinstance(inner, Message))


def _payload(part: Message) -> bytes:
    """The part's bytes with its transfer encoding undone; broken base64 yields what decodes."""
    try:
        data = part.get_payload(decode=True)
    except Exception:
        return b""
    return data if isinstance(data, bytes) else b""


def _charset(part: Message) -> str | None:
    with contextlib.suppress(Exception):
        value = part.get_param("charset")
        if isinstance(value, tuple):
            value = email.utils.collapse_rfc2231_value(value)
        if isinstance(value, str):
            return value
    return None


def _filename(part: Message) -> str:
    name: object = None
    with contextlib.suppress(Exception):
        name = part.get_filename()
    if not name:
        with contextlib.suppress(Exception):
            name = part.get_param("name")
            if isinstance(name, tuple):
                name = email.utils.collapse_rfc2231_value(name)
    if not isinstance(name, str):
        return ""
    return _header_text(name)


def _is_attachment(part: Message, content_type: str, name: str) -> bool:
    disposition = ""
    with contextlib.suppress(Exception):
        disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment":
        return True
    if content_type in ("text/plain", "text/html"):
        return bool(name) and disposition != "inline"
    return True


def _content_type(part: Message) -> str:
    with contextlib.suppress(Exception):
        return clean(part.get_content_type())[:200]
    return "application/octet-stream"


_REPORT_PARTS = frozenset({"message/delivery-status", "message/disposition-notification",
                           "message/feedback-report", "text/rfc822-headers"})
"""The machine-readable parts of delivery and read reports: neither text nor files (the
bounce reader takes them from `Letter.message`)."""


def _body_and_files(message: Message) -> tuple[str, tuple[Attachment, ...]]:
    plain: list[str] = []
    html: list[tuple[bytes, str | None]] = []
    files: list[Attachment] = []
    for part, content_type, forwarded in _parts(message):
        if content_type in _REPORT_PARTS:
            continue
        name = _filename(part)
        if _is_attachment(part, content_type, name):
            if len(files) < MAX_ATTACHMENTS:
                data = _payload(part)
                files.append(Attachment(name, content_type,
                                        data if len(data) <= MAX_ATTACHMENT_BYTES else b""))
        elif not forwarded:  # a forwarded message's text is not the sender's; its files are
            if content_type == "text/html":
                html.append((_payload(part), _charset(part)))
            else:
                plain.append(_decode(_payload(part), _charset(part)))
    text = "\n".join(t for t in plain if t.strip())
    if not text.strip():  # HTML only (or an empty plain twin): reduce the HTML
        text = "\n".join(t for t in (html_text(_decode(data, charset)[:HTML_LIMIT])
                                     for data, charset in html) if t.strip())
    return clean(text)[:TEXT_LIMIT], tuple(files)


def read_letter(raw: bytes) -> Letter:
    """The letter `raw` holds (see the module's docstring); never raises."""
    message = _parse(raw)
    headers: dict[str, str] = {}
    raw_from = ""
    try:
        fields = list(message.raw_items())
    except Exception:
        fields = []
    for name, value in fields[:HEADER_COUNT]:
        key = clean(str(name)).strip().lower()
        if key and key not in headers:
            headers[key] = _header_text(str(value))
            if key == "from":
                raw_from = str(value)
    sender_name, sender = _address(raw_from)
    sent_at = None
    with contextlib.suppress(Exception):
        sent_at = email.utils.parsedate_to_datetime(headers.get("date", ""))
    if sent_at is not None and sent_at.tzinfo is None:
        sent_at = None
    answers = _ids(headers.get("in-reply-to", ""))
    answers += [m for m in reversed(_ids(headers.get("references", ""))) if m not in answers]
    ids = _ids(headers.get("message-id", ""))
    try:
        text, attachments = _body_and_files(message)
    except Exception:
        text, attachments = "", ()
    _modern(message)
    return Letter(message_id=ids[0] if ids else "", sender=sender, sender_name=sender_name,
                  subject=headers.get("subject", ""), sent_at=sent_at,
                  answers=tuple(dict.fromkeys(answers)), headers=MappingProxyType(headers),
                  text=text, attachments=attachments, message=message)
