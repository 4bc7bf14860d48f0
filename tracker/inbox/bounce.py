"""Delivery failure reports: which mail did not arrive, to whom, and why (first version)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from tracker.inbox.letter import Letter


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


def bounce_of(letter: Letter) -> Bounce | None:
    """The bounce `letter` reports, or None when it is not a delivery failure report."""
    return None


def record_bounce(conn: Connection, bounce: Bounce, now: datetime) -> int | None:
    """Mark the outbox row `bounce` reports as failed (bounced); its id, or None."""
    return None
