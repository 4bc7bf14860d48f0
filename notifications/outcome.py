"""What happened to one message, and how replies and errors are told (see notifications.smtp).

Shared by opening a session (notifications.session) and the SMTP transaction
(notifications.smtp): both turn an SMTP reply or an exception into a
``SendResult`` whose detail never shows the password.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from dataclasses import dataclass
from enum import Enum

import aiosmtplib


class Outcome(Enum):
    """What happened to one message; see notifications.smtp's docstring."""

    SENT = "sent"
    DEFERRED = "deferred"
    FAILED = "failed"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class SendResult:
    """Outcome, the SMTP reply code if there was one, and a human-readable detail."""

    outcome: Outcome
    code: int | None
    detail: str


_SLOW_DOWN = re.compile(
    r"\brate\b|rate[ -]?limit|throttl|slow(ing)? down|too many (messages|mails|connections"
    r"|sessions|recipients per (minute|hour))|too fast|\b4\.7\.28\b", re.IGNORECASE)
"""How relays word a temporary refusal that is about our pace, not about the recipient."""


def relay_throttled(result: SendResult) -> bool:
    """Whether a deferral says the relay wants us to slow down (or cannot serve us now), so
    that it concerns every message and not this one's recipient.

    421 is the relay's own "service not available, closing the channel" (RFC 5321 4.2.2): it
    says nothing of the recipient.  450, 451 and 452 usually do (a busy mailbox, a full
    disk), so they count only when the relay's words are about rate or throttling
    (e.g. "451 4.7.1 rate limit exceeded", "450 4.7.28 ... sending too fast")."""
    if result.outcome is not Outcome.DEFERRED or result.code is None:
        return False
    if result.code == 421:
        return True
    words = result.detail.partition(f": {result.code} ")[2]  # the reply, not the address
    return result.code in (450, 451, 452) and _SLOW_DOWN.search(words) is not None


class StepFailed(Exception):
    """Internal: a step failed with *result*; the connection must be dropped.

    ``stale`` marks failures that a dead *reused* connection produces before
    anything of the message was sent (disconnect or 421 at MAIL FROM); those
    are retried once on a fresh connection.
    """

    def __init__(self, result: SendResult, *, stale: bool = False) -> None:
        super().__init__(result.detail)
        self.result = result
        self.stale = stale


_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{4,}={0,2}")


@functools.lru_cache(maxsize=8)
def encoded_forms(password: str, username: str | None = None) -> frozenset[str]:
    """The password as AUTH PLAIN and LOGIN send it, in base64 with and without padding:
    alone (LOGIN), after ``\0user\0`` or ``user\0user\0`` or ``user\0`` (PLAIN), and,
    for any other framing, the part of its base64 that does not depend on what precedes it
    (at each of the three alignments)."""
    secret = password.encode("utf-8")
    user = (username or "").encode("utf-8")
    forms: set[str] = set()
    for framed in (secret, b"\0" + user + b"\0" + secret, user + b"\0" + user + b"\0" + secret,
                   user + b"\0" + secret, b"\0" + secret):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(framed).decode("ascii")
            forms.update((text, text.rstrip("=")))
    for shift in (0, 1, 2):
        text = base64.b64encode(b"\0" * shift + secret).decode("ascii")
        core = text[(shift * 8 + 5) // 6:(shift + len(secret)) * 8 // 6]
        if len(core) >= 4:
            forms.add(core)
    return frozenset(forms)


def _decodes_to_secret(token: str, secret: bytes) -> bool:
    padded = token.rstrip("=")
    padded += "=" * (-len(padded) % 4)
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            if secret in decode(padded):
                return True
        except (binascii.Error, ValueError):
            continue
    return False


@dataclass(frozen=True)
class ReplyReader:
    """Tells replies and exceptions as ``SendResult``s, with the password blotted out."""

    password: str | None
    username: str | None = None

    def redact(self, text: str) -> str:
        """Never let the password reach a detail string or a log line: neither as it is nor
        in any encoding AUTH sent it in (a server may echo the AUTH argument in its reply).
        Each run of base64 that holds it is replaced whole."""
        if not self.password:
            return text
        text = text.replace(self.password, "***")
        forms = encoded_forms(self.password, self.username)
        secret = self.password.encode("utf-8")

        def mask(found: re.Match[str]) -> str:
            token = found.group(0)
            if any(form in token for form in forms) or _decodes_to_secret(token, secret):
                return "***"
            return token

        return _BASE64_RUN.sub(mask, text)

    def reply(self, code: int, message: str, stage: str) -> SendResult:
        """Map an SMTP reply: 5xx is permanent, everything else retryable."""
        outcome = Outcome.FAILED if 500 <= code < 600 else Outcome.DEFERRED
        return SendResult(outcome, code, f"{stage}: {code} {self.redact(message)}")

    def error(self, outcome: Outcome, exc: BaseException, stage: str) -> SendResult:
        """Describe an exception; *outcome* is decided by the caller, by stage."""
        if isinstance(exc, aiosmtplib.SMTPResponseException):
            return SendResult(outcome, exc.code, f"{stage}: {exc.code} {self.redact(exc.message)}")
        kind = "timeout" if isinstance(exc, TimeoutError) else type(exc).__name__
        return SendResult(outcome, None, f"{stage}: {kind}: {self.redact(str(exc))}")
