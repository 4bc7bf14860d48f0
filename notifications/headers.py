"""Validation and RFC 5322 / RFC 2047 encoding of the headers we write.

Why our own encoder instead of letting ``email.policy`` fold the headers: the
standard library re-parses and re-folds every header through its full RFC 5322
parse tree when a message is generated, which made preparing a reminder slower
than sending it over SMTP. The values we write are few and simple (unstructured
text, mailbox lists, a date, a msg-id), so we encode them once, here, into
folded ASCII that notifications.message writes verbatim. The tests read every
encoder's output back through the standard parser, which decodes it.

Every function here is a pure function of its arguments.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from notifications.errors import HeaderInjectionError, InvalidAddressError, MessageError

#: RFC 5322 recommends lines of at most 78 characters (without CRLF).
MAX_LINE = 78

# A 'B' encoded-word is "=?utf-8?b?" + base64 + "?=" (12 characters of overhead).
# 42 UTF-8 bytes give 56 base64 characters, so a 68-character word which fits a
# folded line (" " + word) and the first line of every header we write.
_EW_MAX_BYTES = 42

# Runs of whitespace and control characters (C0, DEL, C1, Unicode line and
# paragraph separators) collapse to one space in a subject. No-break spaces are
# deliberately kept: they are meaningful in Kazakh and Russian typography.
_SUBJECT_SPACE_RUN = re.compile("[\x00-\x20\x7f-\x9f\u2028\u2029]+")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SPACE_OR_CONTROL = re.compile("[\\s\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""Whitespace as str.isspace() has it (the same test inside `re`), or a control character."""
_QUOTED_PAIR = re.compile(r"\\(.)")

_ATEXT = r"A-Za-z0-9!#$%&'*+/=?^_`{|}~-"
_LOCAL_PART = re.compile(rf"[{_ATEXT}]+(?:\.[{_ATEXT}]+)*")
_DOMAIN_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"{_DOMAIN_LABEL}(?:\.{_DOMAIN_LABEL})*")
# A display name made only of atoms separated by single spaces can be written
# bare; anything else is quoted (ASCII) or encoded (non-ASCII).
_PLAIN_PHRASE = re.compile(rf"[{_ATEXT}]+(?: [{_ATEXT}]+)*")
_HEADER_NAME = re.compile(r"[!-9;-~]{1,64}")
_MESSAGE_ID = re.compile(r"<[!-;=?A-~]+@[!-;=?A-~]+>")

_MAX_LOCAL_PART = 64
_MAX_ADDRESS = 254


@dataclass(frozen=True)
class Mailbox:
    """A parsed ``Display Name <local@domain>``; ``addr_spec`` is ASCII."""

    display_name: str
    addr_spec: str


def reject_line_breaks(value: str, what: str) -> None:
    """Raise ``HeaderInjectionError`` if *value* contains CR or LF.

    Used for values that must never be "cleaned" silently (addresses, ids,
    machine-set headers): a line break there is a bug or an attack.
    """
    if "\r" in value or "\n" in value:
        raise HeaderInjectionError(f"{what} contains a line break (CR or LF): {value!r}")


def _check_unicode(value: str, what: str) -> None:
    """Reject lone surrogates early, with a message saying where they are."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise MessageError(f"{what} is not valid Unicode (lone surrogate)") from None


def parse_mailbox(value: str, what: str) -> Mailbox:
    """Parse ``addr@example.kz`` or ``Name <addr@example.kz>``.

    Deliberately stricter than RFC 5322 (no comments, no quoted local parts,
    no groups): the addresses come from our own plan data, and anything exotic
    there is far more likely a typo than a real need. Domains may be written in
    Unicode; they are converted to their ASCII (IDNA) form because we do not
    use SMTPUTF8.
    """
    reject_line_breaks(value, what)
    if _CONTROL.search(value):
        raise InvalidAddressError(f"{what} contains a control character: {value!r}")
    _check_unicode(value, what)
    text = value.strip()
    display_name = ""
    addr = text
    if text.endswith(">") and "<" in text:
        start = text.rfind("<")
        display_name = _unquote(text[:start].strip())
        addr = text[start + 1 : -1].strip()
    return Mailbox(display_name=display_name, addr_spec=validate_addr_spec(addr, what))


def _unquote(name: str) -> str:
    """Strip one level of RFC 5322 quoting from a display name."""
    if len(name) >= 2 and name.startswith('"') and name.endswith('"'):
        return _QUOTED_PAIR.sub(r"\1", name[1:-1])
    return name


def validate_addr_spec(addr: str, what: str) -> str:
    """Return *addr* (domain IDNA-encoded) or raise ``InvalidAddressError``."""
    reject_line_breaks(addr, what)
    if addr.count("@") != 1:
        raise InvalidAddressError(f"{what} must contain exactly one '@': {addr!r}")
    local, domain = addr.split("@")
    if not local or not domain:
        raise InvalidAddressError(f"{what} has an empty local part or domain: {addr!r}")
    if _SPACE_OR_CONTROL.search(addr):
        raise InvalidAddressError(f"{what} contains spaces or control characters: {addr!r}")
    if not local.isascii():
        raise InvalidAddressError(
            f"{what} has a non-ASCII local part, which needs SMTPUTF8 (not supported): {addr!r}"
        )
    if not _LOCAL_PART.fullmatch(local) or len(local) > _MAX_LOCAL_PART:
        raise InvalidAddressError(f"{what} has an invalid local part: {addr!r}")
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise InvalidAddressError(f"{what} has an invalid domain: {addr!r}") from None
    if not _DOMAIN.fullmatch(domain):
        raise InvalidAddressError(f"{what} has an invalid domain: {addr!r}")
    result = f"{local}@{domain}"
    if len(result) > _MAX_ADDRESS:
        raise InvalidAddressError(f"{what} is longer than {_MAX_ADDRESS} characters")
    return result


def validate_message_id(message_id: str) -> str:
    """Check that *message_id* is a single ``<left@right>`` msg-id."""
    reject_line_breaks(message_id, "message_id")
    if not _MESSAGE_ID.fullmatch(message_id) or len(message_id) > 250:
        raise MessageError(f"message_id must look like <unique@domain>: {message_id!r}")
    return message_id


def validate_header_name(name: str) -> str:
    """Check an extra header's field name (printable ASCII, no colon)."""
    reject_line_breaks(name, "header name")
    if not _HEADER_NAME.fullmatch(name):
        raise MessageError(f"invalid header name: {name!r}")
    return name


def clean_subject(subject: str) -> str:
    """Collapse every run of whitespace/control characters to one space.

    Subjects come from templates and plan data, where a stray newline is an
    ordinary accident, so unlike addresses they are repaired, not rejected.
    """
    _check_unicode(subject, "subject")
    cleaned = _SUBJECT_SPACE_RUN.sub(" ", subject).strip()
    if not cleaned:
        raise MessageError("subject is empty")
    return cleaned


def encode_unstructured(name: str, value: str) -> str:
    """Encode and fold an unstructured header value (Subject, X-...).

    *value* must not contain CR/LF (callers clean or reject first; this is
    asserted again because it is the last line of defence). Pure printable
    ASCII is folded at spaces; anything else, or ASCII that could be mistaken
    for an encoded-word (``=?``), becomes UTF-8 'B' encoded-words.
    """
    reject_line_breaks(value, name)
    _check_unicode(value, name)
    if _is_plain_ascii(value) and "=?" not in value:
        words = value.split(" ")
        if max(len(word) for word in words) <= MAX_LINE - len(name) - 3:
            return _fold(name, words)
    return _fold(name, _encoded_words(value))


def encode_mailboxes(name: str, mailboxes: list[Mailbox]) -> str:
    """Encode and fold an address-list header (From, To, Reply-To)."""
    tokens: list[str] = []
    for index, mailbox in enumerate(mailboxes):
        mailbox_tokens = _display_name_tokens(mailbox.display_name)
        mailbox_tokens.append(f"<{mailbox.addr_spec}>" if mailbox_tokens else mailbox.addr_spec)
        if index < len(mailboxes) - 1:
            mailbox_tokens[-1] += ","
        tokens.extend(mailbox_tokens)
    return _fold(name, tokens)


def _display_name_tokens(display_name: str) -> list[str]:
    if not display_name:
        return []
    if _PLAIN_PHRASE.fullmatch(display_name) and "=?" not in display_name:
        return display_name.split(" ")
    if _is_plain_ascii(display_name) and "=?" not in display_name:
        escaped = display_name.replace("\\", "\\\\").replace('"', '\\"')
        return [f'"{escaped}"']
    return _encoded_words(display_name)


def _is_plain_ascii(value: str) -> bool:
    return value.isascii() and value.isprintable()


def _encoded_words(text: str) -> list[str]:
    """Split *text* into 'B' encoded-words of whole characters.

    RFC 2047 section 5 forbids splitting a multi-byte character across two
    encoded-words, so a cut never lands before a UTF-8 continuation byte.
    Chunks end right after a space whenever possible: RFC-compliant readers
    ignore the folding whitespace between adjacent encoded-words, but some
    (Python's own address parser among them) keep it, and then a split after
    a space only shows an extra space instead of cutting a word in two.
    """
    data = text.encode("utf-8")
    words: list[str] = []
    start = 0
    while len(data) - start > _EW_MAX_BYTES:
        end = start + _EW_MAX_BYTES
        while data[end] & 0xC0 == 0x80:  # continuation byte: inside a character
            end -= 1
        space = data.rfind(b" ", start + 1, end)
        if space != -1:
            end = space + 1
        words.append(_encoded_word(data[start:end]))
        start = end
    words.append(_encoded_word(data[start:]))
    return words


def _encoded_word(chunk: bytes) -> str:
    return "=?utf-8?b?" + base64.b64encode(chunk).decode("ascii") + "?="


def _fold(name: str, tokens: list[str]) -> str:
    """Join *tokens* with spaces, breaking lines before a token that would overflow.

    A fold is written as LF + space. The ``email`` generator turns it into
    CRLF + space on the wire and, as long as every line fits, emits it as is;
    a line that does not fit (a giant single token) makes the generator refold
    the header itself, which is slower but still correct.
    """
    parts = [tokens[0]]
    line_length = len(name) + 2 + len(tokens[0])
    for token in tokens[1:]:
        if line_length + 1 + len(token) <= MAX_LINE:
            parts.append(" " + token)
            line_length += 1 + len(token)
        else:
            parts.append("\n " + token)
            line_length = 1 + len(token)
    return "".join(parts)



def reject_control_characters(value: str, what: str) -> None:
    """Reject CR/LF (as injection) and any other control character."""
    reject_line_breaks(value, what)
    if _CONTROL.search(value):
        raise MessageError(f"{what} contains a control character: {value!r}")
