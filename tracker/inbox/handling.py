"""What a received message is, and what follows from it, decided inside the transaction that
records it (so a crash either leaves nothing done or everything).

A reply to a reminder belongs to that reminder's recipient (In-Reply-To / References name an
outbox Message-ID; failing that, the sender's address among the contacts); a bounce marks the
mail it reports; an automatic reply is noted and ignored; anything else is held for staff.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from tracker.inbox.letter import Letter
from tracker.plan.model import Plan

HELD = "held"
ACCEPTED = "accepted"
REJECTED = "rejected"
DONE = "done"
CLAIMED = "claimed"
STATES = (CLAIMED, HELD, ACCEPTED, REJECTED, DONE)
KINDS = ("reply", "bounce", "auto_reply", "other", "duplicate", "unreadable")


@dataclass
class Outcome:
    """What the inbox records of a message once it is handled (the `inbox_message` columns
    beyond those the letter itself fills)."""

    state: str
    kind: str
    unit_key: str | None = None
    recipient: str | None = None
    body_keys: str = ""
    outbox_id: int | None = None
    matched_by: str | None = None
    text: str = ""
    items: list[int] = field(default_factory=list)
    form: dict[str, Any] | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    problem: str = ""
    decided_by: str | None = None
    decided_at: datetime | None = None

    def values(self) -> dict[str, Any]:
        """The columns to write."""
        return {"state": self.state, "kind": self.kind, "unit_key": self.unit_key,
                "recipient": self.recipient, "body_keys": self.body_keys,
                "outbox_id": self.outbox_id, "matched_by": self.matched_by,
                "text": self.text, "items": json.dumps(self.items),
                "form": json.dumps(self.form, ensure_ascii=False) if self.form else "",
                "attachments": json.dumps(self.attachments, ensure_ascii=False),
                "problem": self.problem, "decided_by": self.decided_by,
                "decided_at": self.decided_at}


def handle(conn: Connection, plan: Plan, letter: Letter, message_row: int,
           now: datetime) -> Outcome:
    """What `letter` (recorded as `inbox_message` row `message_row`) is; its effects (a bounce
    marked, a trusted reply applied, attachments stored) are written in `conn`."""
    return Outcome(HELD, "other", text=letter.text)
