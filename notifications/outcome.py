"""What happened to one message, and how replies and errors are told (see notifications.smtp).

Shared by opening a session (notifications.session) and the SMTP transaction
(notifications.smtp): both turn an SMTP reply or an exception into a
``SendResult`` whose detail never shows the password.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class ReplyReader:
    """Tells replies and exceptions as ``SendResult``s, with the password blotted out."""

    password: str | None

    def redact(self, text: str) -> str:
        """Never let the password reach a detail string or a log line."""
        if self.password:
            text = text.replace(self.password, "***")
        return text

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
