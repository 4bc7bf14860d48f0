"""The reminders a tick or a simulation decided on, as `remind preview` and `simulate` print
them."""

from __future__ import annotations

from typing import Any

from tracker.mail.due import DueMail
from tracker.mail.tick import TickResult
from tracker.timefmt import iso_utc


def mail_json(mail: DueMail) -> dict[str, Any]:
    """One reminder as `simulate`/`preview` print it."""
    return {
        "send_at": iso_utc(mail.slot.send_at),
        "local": mail.slot.send_at.isoformat(timespec="minutes"),
        "to": mail.recipient.email,
        "unit": mail.recipient.unit,
        "body": mail.recipient.pairs[0][1],
        "bodies": mail.recipient.bodies,
        "deadline": mail.slot.deadline,
        "stage": mail.slot.stage,
        "items": mail.items,
        "late": mail.late,
    }


def preview_json(tick: TickResult, waiting: int) -> dict[str, Any]:
    """What `remind preview --json` prints."""
    return {"closed": tick.closed, "send": [mail_json(m) for m in tick.to_send],
            "skip": [mail_json(m) for m in tick.to_skip], "pending_in_outbox": waiting}
