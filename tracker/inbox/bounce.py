"""Delivery failure reports: which mail did not arrive, to whom, and why.

A mail the relay accepted may still never reach its reader: the address was mistyped, the
mailbox was closed, the agency's server refuses us.  The receiving side then writes back to
the envelope sender, and the report lands in the inbox.  Most servers write an RFC 3464
report (multipart/report with a message/delivery-status part: one block per recipient with
its Action, Status and Diagnostic-Code, and the returned message or its headers); older or
forwarded ones arrive as plain text in the words of Postfix, Exim, Exchange or Gmail.
`bounce_of` reads both, and says nothing of a report that is not a failure (a delay warning,
a relay's or a delivery's confirmation) or of a person's mail that merely quotes one.
`record_bounce` then marks the mail that bounced failed in the outbox (the outbox's BOUNCE
transition), so staff see which contacts need fixing.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage, Message

from sqlalchemy import Connection, func, select

from tracker.inbox.letter import Letter
from tracker.mail import outbox
from tracker.mail.outbox import OutboxState
from tracker.store.tables import OUTBOX


@dataclass(frozen=True)
class Bounce:
    recipient: str
    """The address the mail could not be delivered to, lower-cased."""
    diagnostic: str
    """The receiving server's words."""
    status: str
    """The RFC 3463 status code (5.1.1), '' when not given."""
    original_message_id: str | None
    """The Message-ID of the mail that bounced, without angle brackets, when reported."""


DIAGNOSTIC_LIMIT = 1000
"""The outbox keeps this much of a diagnostic (`last_error`'s limit everywhere)."""

_ADDRESS = r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+"
_ADDRESS_RE = re.compile(_ADDRESS)
_STATUS_RE = re.compile(r"(?<![\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d.])")
_MESSAGE_ID_RE = re.compile(r"^message-id:[ \t]*\n?[ \t]*<([^<>\s]+@[^<>\s]+)>",
                            re.IGNORECASE | re.MULTILINE)
_REPORT_TYPES = ("message/delivery-status", "message/global-delivery-status")
_RETURNED_TYPES = ("message/rfc822", "message/global", "text/rfc822-headers",
                   "message/rfc822-headers", "message/global-headers")


def bounce_of(letter: Letter) -> Bounce | None:
    """The bounce `letter` reports, or None when it is not a delivery failure report."""
    message = letter.message
    if message is not None:
        reports = [part for part in _own_parts(message)
                   if part.get_content_type() in _REPORT_TYPES]
        if reports:  # a structured report says itself whether delivery failed
            return _from_report(letter, message, reports)
    if not _from_mail_system(letter):
        return None
    return _from_text(letter)


# -- RFC 3464 ---------------------------------------------------------------------------------


def _from_report(letter: Letter, message: Message, reports: Sequence[Message]) -> Bounce | None:
    """The first recipient the report says failed; None when every one was delayed, relayed,
    delivered or expanded (RFC 3464's other actions: nothing to fix)."""
    for report in reports:
        for fields in _recipient_blocks(report):
            action = fields.get("action", "").lower()
            status = _STATUS_RE.search(fields.get("status", ""))
            code = status.group(1) if status else ""
            failed = action == "failed" or (not action and code.startswith("5"))
            recipient = _address(fields.get("final-recipient", "")) or _address(
                fields.get("original-recipient", ""))
            if not failed or not recipient:
                continue
            diagnostic = _typed(fields.get("diagnostic-code", "")) or code
            return Bounce(recipient, _clean(diagnostic), code,
                          _returned_message_id(message) or _answered(letter))
    return None


def _recipient_blocks(report: Message) -> Iterator[dict[str, str]]:
    """The report's field blocks after the first (the per-message one), by lower-cased name."""
    payload = report.get_payload()
    if isinstance(payload, list) and all(isinstance(p, Message) for p in payload):
        blocks = [{name.lower(): " ".join(str(value).split()) for name, value in block.items()}
                  for block in payload if isinstance(block, Message)]
    else:  # not parsed as field blocks (the global form, an odd transfer encoding)
        data = report.get_payload(decode=True)
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(payload)
        blocks = [_fields(chunk) for chunk in re.split(r"\n[ \t]*\n", text.replace("\r", ""))]
    blocks = [block for block in blocks if block]
    yield from (block for block in blocks[1:] if "final-recipient" in block
                or "original-recipient" in block)
    # a report with no per-message block still names its recipients
    if blocks and ("final-recipient" in blocks[0] or "original-recipient" in blocks[0]):
        yield blocks[0]


def _fields(text: str) -> dict[str, str]:
    """'Name: value' lines with folded continuations, by lower-cased name."""
    fields: dict[str, str] = {}
    name = ""
    for line in text.split("\n"):
        if line[:1] in (" ", "\t") and name:
            fields[name] += " " + line.strip()
        elif ":" in line:
            name, value = line.split(":", 1)
            name = name.strip().lower()
            fields[name] = value.strip()
    return {key: " ".join(value.split()) for key, value in fields.items()}


def _typed(value: str) -> str:
    """A field's value without its type ('smtp; 550 ...' → '550 ...')."""
    kind, separator, rest = value.partition(";")
    return rest.strip() if separator and re.fullmatch(r"[\w-]+", kind.strip()) else value


def _address(value: str) -> str:
    found = _ADDRESS_RE.search(_typed(value))
    return found.group(0).lower() if found else ""


def _returned_message_id(message: Message) -> str | None:
    """The Message-ID of the returned message or of its returned headers."""
    for part in message.walk():
        kind = part.get_content_type()
        if kind not in _RETURNED_TYPES:
            continue
        payload = part.get_payload()
        if isinstance(payload, list) and payload and isinstance(payload[0], Message):
            value = str(payload[0].get("message-id", "")).strip()
        else:
            data = part.get_payload(decode=True)
            text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(payload)
            head = email.message_from_string(text.replace("\r\n", "\n").split("\n\n", 1)[0],
                                             policy=email.policy.compat32)
            value = str(head.get("message-id", "")).strip()
        found = re.search(r"<?([^<>\s]+@[^<>\s]+)>?", value)
        if found:
            return found.group(1)
    return None


def _answered(letter: Letter) -> str | None:
    """Gmail and Exchange also name the bounced mail in In-Reply-To / References."""
    return letter.answers[0] if letter.answers else None


# -- plain-text bounces -----------------------------------------------------------------------

_DAEMONS = ("mailer-daemon", "mailer_daemon", "mailerdaemon", "mail-daemon", "maildaemon",
            "postmaster", "mdaemon", "microsoftexchange")
_SYSTEM_NAMES = re.compile(r"mail delivery (system|subsystem)|mailer.daemon|postmaster|"
                           r"microsoft outlook|система доставки почты|почтовая служба",
                           re.IGNORECASE)
_REPLY_PREFIX = re.compile(r"^\s*(re|fw|fwd|aw|wg|отв|пер|жауап)\s*(\[\d+\])?\s*:", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered mail|returned mail|mail delivery failed|delivery failure|"
    r"delivery status notification \(failure\)|failure notice|could not be delivered|"
    r"delivery has failed|не удается доставить|недоставлен|не доставлено|"
    r"не удалось доставить|возврат почты|жеткізілмеді|жеткізу мүмкін емес",
    re.IGNORECASE)
_DELAY = re.compile(
    r"delivery status notification \(delay\)|delayed mail|\bdelayed\b|warning: message|"
    r"still being retried|will (continue to )?retry|message not delivered yet|"
    r"delivery incomplete|not yet been delivered|this is a warning message only|"
    r"задерж|доставка отложена|пока не доставлено|будут продолжены|кешіктірілді",
    re.IGNORECASE)
_FAILED = re.compile(
    r"could not be delivered|couldn't be delivered|wasn't delivered|was not delivered|"
    r"delivery has failed|following address(es)? failed|permanent error|"
    r"undeliverable|address not found|no such user|user unknown|does not exist|"
    r"mailbox unavailable|recipient address rejected|"
    r"не удается доставить|не удалось доставить|не доставлено|адрес не найден|"
    r"не существует|жеткізілмеді",
    re.IGNORECASE)

_GAVE_UP = re.compile(
    r"permanent|retry timeout exceeded|gave up|giving up|expired|failed permanently|"
    r"too long|окончательн|истек|истёк", re.IGNORECASE)
"""Words of a server that stopped retrying a temporary refusal: a failure after all."""

# Each pattern names the failed address in its first group (in the order they are tried).
_NAMED = [re.compile(pattern, re.IGNORECASE | re.MULTILINE) for pattern in (
    # Postfix: "<edu@astana.example>: host mx...[1.2.3.4] said: 550 5.1.1 ..."
    rf"^<({_ADDRESS})>(?:\s*\(expanded from <[^>]*>\))?:\s",
    # Exim: "The following address(es) failed:\n\n  edu@astana.example\n    host ..."
    rf"following address(?:\(es\)|es)? failed:\s*\n\s*<?({_ADDRESS})",
    # Exchange / Outlook: "Delivery has failed to these recipients or groups:\n\nedu@..."
    rf"(?:delivery has failed to these recipients or groups|не удалось доставить сообщение "
    rf"следующим получателям или группам|не удается доставить сообщение следующим "
    rf"получателям или группам)[^\n]*:\s*\n(?:\s*\n)*[^\n@]*?<?(?:mailto:)?({_ADDRESS})",
    # Office 365: "Your message to edu@astana.example couldn't be delivered."
    rf"your message to\s+<?({_ADDRESS})>?\s+couldn't be delivered",
    # Gmail: "Your message wasn't delivered to edu@astana.example because ..."
    rf"(?:wasn't|was not) delivered to\s+<?({_ADDRESS})",
    rf"не доставлено (?:на адрес|получателю|адресату)\s+<?({_ADDRESS})",
    # generic: "could not be delivered to <edu@...>", "delivery to the following recipient
    # failed permanently: edu@..."
    rf"(?:could not be delivered to|failed permanently:?)\s*\n?\s*<?({_ADDRESS})",
    rf"(?:адрес|получатель)\s+<?({_ADDRESS})>?\s+не (?:найден|существует)",
)]

_DIAGNOSED = [re.compile(pattern, re.IGNORECASE | re.DOTALL) for pattern in (
    # Gmail: "The response from the remote server was:\n550 5.1.1 ..."
    r"(?:the response (?:from the remote server )?was|ответ (?:удаленного|удалённого) "
    r"сервера)[^\n]*:\s*\n\s*(.+?)(?:\n\s*\n|\Z)",
    # Exchange: "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; ...'"
    r"(?:remote server returned|удаленный сервер вернул|удалённый сервер вернул)\s*"
    r"['\"«]([^'\"»]+)['\"»]",
    # Exim: "SMTP error from remote mail server after RCPT TO:<...>:\n    550 5.1.1 ..."
    r"smtp error from remote (?:mail )?server[^\n]*:\s*\n?\s*(.+?)(?:\n\s*\n|\Z)",
)]


def _from_mail_system(letter: Letter) -> bool:
    """Written by a mail server, not forwarded or quoted by a person: the null return path,
    the failed-recipients header, a daemon's address or name, with a bounce's subject."""
    headers = letter.headers
    if "x-failed-recipients" in headers:
        return True
    if _REPLY_PREFIX.match(letter.subject):
        return False  # a person's reply or forward that quotes a bounce
    local = letter.sender.split("@", 1)[0]
    daemon = (any(local.startswith(name) for name in _DAEMONS)
              or headers.get("return-path", "").strip() == "<>"
              or bool(_SYSTEM_NAMES.search(letter.sender_name)))
    return daemon and bool(_BOUNCE_SUBJECT.search(letter.subject))


def _from_text(letter: Letter) -> Bounce | None:
    text = "\n".join(_texts(letter)).replace("\r", "")
    human = text.split("\n-- \n", 1)[0]  # what the server wrote before any returned copy
    if _DELAY.search(letter.subject) or (_DELAY.search(human[:600])
                                         and not _FAILED.search(human[:600])):
        return None
    recipient = ""
    failed = letter.headers.get("x-failed-recipients", "")
    if failed:
        recipient = _address(failed)
    if not recipient:
        for pattern in _NAMED:
            found = pattern.search(text)
            if found:
                recipient = found.group(1).lower()
                break
    if not recipient or not _FAILED.search(text + "\n" + letter.subject):
        return None
    diagnostic = _diagnostic(text, recipient)
    status = _STATUS_RE.search(diagnostic)
    code = status.group(1) if status else ""
    if code.startswith("4") and not _GAVE_UP.search(text):
        return None  # a temporary refusal: the server will try again
    message_id = None
    if letter.message is not None:
        message_id = _returned_message_id(letter.message)
    if message_id is None:
        found_id = _MESSAGE_ID_RE.search(text)
        message_id = found_id.group(1) if found_id else _answered(letter)
    return Bounce(recipient, _clean(diagnostic), code, message_id)


def _texts(letter: Letter) -> Iterator[str]:
    """The report's own text parts (not those of a returned message), or the letter's text."""
    message = letter.message
    found = False
    if message is not None:
        for part in _own_parts(message):
            if isinstance(part, EmailMessage) and part.get_content_type() == "text/plain":
                try:
                    content = part.get_content()
                except (LookupError, ValueError, AttributeError):
                    continue
                if isinstance(content, str):
                    found = True
                    yield content
    if not found:
        yield letter.text


def _own_parts(message: Message) -> Iterator[Message]:
    """The leaves of `message`, not descending into attached messages or reports."""
    if message.is_multipart():
        for part in message.get_payload():
            if isinstance(part, Message) and part.get_content_maintype() == "multipart":
                yield from _own_parts(part)
            elif isinstance(part, Message):
                yield part
    else:
        yield message


def _diagnostic(text: str, recipient: str) -> str:
    """The server's words: its quoted reply, else the lines after the address's mention."""
    for pattern in _DIAGNOSED:
        found = pattern.search(text)
        if found:
            return found.group(1)
    # Postfix: the indented lines after "<address>: " hold the reply
    found = re.search(rf"^<{re.escape(recipient)}>:\s*(.+?)(?:\n\s*\n|\Z)", text,
                      re.IGNORECASE | re.MULTILINE | re.DOTALL)
    if found:
        return found.group(1)
    lines = [line.strip() for line in text.split("\n")]
    for index, line in enumerate(lines):
        if recipient in line.lower():
            following = " ".join(lines[index + 1:index + 3])
            if _STATUS_RE.search(following) or re.search(r"\b5\d\d\b", following):
                return following
    sentence = _FAILED.search(text)
    return text[sentence.start():].split("\n\n", 1)[0] if sentence else ""


def _clean(text: str) -> str:
    return " ".join(text.split())[:DIAGNOSTIC_LIMIT]


# -- recording --------------------------------------------------------------------------------


_BOUNCEABLE = [state.value for state in outbox.TRANSITIONS[outbox.Event.BOUNCE].sources]


def record_bounce(conn: Connection, bounce: Bounce, now: datetime) -> int | None:
    """Mark the outbox row `bounce` reports as failed (bounced); its id, or None.

    The row is the one whose Message-ID the report returned (stored with its angle
    brackets; either form is matched); a report that names none points at the latest mail
    sent to its recipient.  A row already bounced is left as it is and its id returned, so
    the same report read twice changes nothing; None when no mail of ours matches."""
    row_id = _by_message_id(conn, bounce.original_message_id) if bounce.original_message_id \
        else None
    if row_id is None:
        row_id = _latest_to(conn, bounce.recipient)
    if row_id is None:
        return None
    diagnostic = bounce.diagnostic or bounce.status or "bounced"
    outbox.bounce(conn, row_id, diagnostic, now)
    return row_id


def _by_message_id(conn: Connection, message_id: str) -> int | None:
    bare = message_id.strip().strip("<>")
    found = conn.execute(select(OUTBOX.c.id).where(
        OUTBOX.c.message_id.in_([f"<{bare}>", bare])).order_by(OUTBOX.c.id.desc())
    ).scalars().first()
    return found


def _latest_to(conn: Connection, recipient: str) -> int | None:
    """The latest mail that went to `recipient`: sent, uncertain, or already bounced (then a
    second report of the same failure finds the row it already marked, not an older one)."""
    went = OUTBOX.c.state.in_(_BOUNCEABLE) | (
        (OUTBOX.c.state == OutboxState.FAILED.value) & OUTBOX.c.bounced_at.is_not(None))
    found = conn.execute(select(OUTBOX.c.id).where(
        func.lower(OUTBOX.c.recipient) == recipient.lower(), went)
        .order_by(func.coalesce(OUTBOX.c.finished_at, OUTBOX.c.send_at).desc(),
                  OUTBOX.c.id.desc())).scalars().first()
    return found
