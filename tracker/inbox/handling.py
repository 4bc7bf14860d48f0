"""What a received message is, and what follows from it, decided inside the transaction that
records it (so a crash either leaves nothing done or everything).

The order: a bounce marks the mail it reports; an automatic reply is noted and ignored; a reply
to a reminder belongs to that reminder's recipient (In-Reply-To / References name an outbox
row's Message-ID), or failing that to the sender's address among the contacts; anything else is
held for staff.  A reply keeps its new text (without the quoted reminder), the item numbers it
reports done that its recipient owes, and its files (tracker.inbox.attachments).  A reply whose
From is not the recipient of the reminder it answers is held with that problem and can never
be applied.  Nothing is applied without staff, except the reply of a contact marked trusted to
a reminder we sent to that very address, with nothing wrong in it: applied at once, recorded as
decided automatically."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from tracker.inbox.attachments import take
from tracker.inbox.letter import Letter
from tracker.inbox.problems import stored, worded
from tracker.mail.recipients import Recipient, owner_at
from tracker.plan.model import Plan
from tracker.store.tables import CONTACT, OUTBOX

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
    decision_note: str = ""

    def values(self) -> dict[str, Any]:
        """The columns to write."""
        return {"state": self.state, "kind": self.kind, "unit_key": self.unit_key,
                "recipient": self.recipient, "body_keys": self.body_keys,
                "outbox_id": self.outbox_id, "matched_by": self.matched_by,
                "text": self.text, "items": json.dumps(self.items),
                "form": json.dumps(self.form, ensure_ascii=False) if self.form else "",
                "attachments": json.dumps(self.attachments, ensure_ascii=False),
                "problem": self.problem, "decided_by": self.decided_by,
                "decided_at": self.decided_at, "decision_note": self.decision_note}


AUTOMATIC = "automatic"
"""`decided_by` of a reply applied without staff (a trusted contact's)."""
BY_MESSAGE_ID, BY_SENDER = "message-id", "sender"


def answered_row(conn: Connection, answers: Sequence[str]) -> tuple[int, str] | None:
    """The outbox row (id, recipient) of the first Message-ID `answers` names that is ours
    (the outbox keeps its ids with angle brackets)."""
    if not answers:
        return None
    wanted = [f"<{a}>" for a in answers[:50]]
    rows = {mid: (ident, recipient) for ident, recipient, mid in conn.execute(
        select(OUTBOX.c.id, OUTBOX.c.recipient, OUTBOX.c.message_id)
        .where(OUTBOX.c.message_id.in_(wanted)))}
    return next((rows[w] for w in wanted if w in rows), None)


def trusted(conn: Connection, address: str) -> bool:
    """Whether contacts.yaml marks this address trusted (every agency entry of it)."""
    c = CONTACT
    flags = conn.execute(select(c.c.trusted).where(
        func.lower(c.c.email) == address.lower(), c.c.role == "agency")).scalars().all()
    return bool(flags) and all(flags)


def forged(sender: str, recipient: str | None, matched_by: str | None) -> bool:
    """A reply to one address's reminder that another address sent."""
    return matched_by == BY_MESSAGE_ID and (recipient or "").lower() != sender.lower()


def handle(conn: Connection, plan: Plan, letter: Letter, message_row: int,
           now: datetime) -> Outcome:
    """What `letter` (recorded as `inbox_message` row `message_row`) is; its effects (a bounce
    marked, a trusted reply applied, attachments stored) are written in `conn`."""
    from tracker.inbox.autoreply import automatic
    from tracker.inbox.bounce import bounce_of, record_bounce
    from tracker.inbox.quotes import new_text

    bounce = bounce_of(letter)
    if bounce is not None:
        return Outcome(DONE, "bounce", recipient=bounce.recipient,
                       outbox_id=record_bounce(conn, bounce, now), text=bounce.diagnostic)
    text = new_text(letter.text)
    why = automatic(letter)
    if why is not None:
        return Outcome(DONE, "auto_reply", text=text,
                       problem=stored([worded("inbox.problem.automatic", why=why)]))
    answered = answered_row(conn, letter.answers)
    if answered is not None:
        outbox_id, address, matched_by = answered[0], answered[1].lower(), BY_MESSAGE_ID
    else:
        outbox_id, address, matched_by = None, letter.sender, BY_SENDER
    owner = owner_at(conn, plan, address) if address else None
    recipient = owner.recipient if owner is not None else None
    if recipient is None:
        return _stranger(conn, plan, letter, text, outbox_id, address, matched_by, now)
    return _reply(conn, plan, letter, text, recipient, outbox_id, matched_by, now)


def _stranger(conn: Connection, plan: Plan, letter: Letter, text: str, outbox_id: int | None,
              address: str, matched_by: str, now: datetime) -> Outcome:
    """A message of nobody's assignments: held for staff, its files listed, none stored."""
    taken = take(conn, plan, letter.attachments, None, letter.sender, now, keep=False)
    problems = [worded("inbox.problem.not_contact", address=address)] \
        if outbox_id is not None else []
    return Outcome(HELD, "reply" if outbox_id is not None else "other",
                   recipient=address if outbox_id is not None else None, outbox_id=outbox_id,
                   matched_by=matched_by if outbox_id is not None else None, text=text,
                   attachments=taken.entries, form=taken.form,
                   problem=stored(problems))


def _reply(conn: Connection, plan: Plan, letter: Letter, text: str, recipient: Recipient,
           outbox_id: int | None, matched_by: str, now: datetime) -> Outcome:
    from tracker.inbox.applying import apply_reply, event_note, owed, owed_items
    from tracker.inbox.proposals import proposed_items
    from tracker.mail.compose import ranges

    address = recipient.email.lower()
    fake = forged(letter.sender, address, matched_by)
    problems = [worded("inbox.problem.forged", recipient=address, sender=letter.sender)] \
        if fake else []
    mine = owed_items(owed(conn, recipient))
    proposed = proposed_items(text, plan)
    items = [n for n in proposed if n in mine]
    taken = take(conn, plan, letter.attachments, recipient, letter.sender, now, keep=not fake)
    problems += taken.problems
    strays = [n for n in proposed if n not in mine]
    notes = [worded("inbox.problem.not_owed", numbers=ranges(strays), recipient=address)] \
        if strays else []
    outcome = Outcome(HELD, "reply", unit_key=recipient.unit, recipient=address,
                      body_keys=",".join(recipient.bodies), outbox_id=outbox_id,
                      matched_by=matched_by, text=text, items=items, form=taken.form,
                      attachments=taken.entries, problem=stored(problems + notes))
    if problems or matched_by != BY_MESSAGE_ID or not (items or taken.form_ok) \
            or not trusted(conn, letter.sender):
        return outcome
    apply_reply(conn, plan, recipient, letter.sender, items, taken.form, event_note(text),
                taken.evidence, now)
    outcome.state, outcome.decided_by, outcome.decided_at = ACCEPTED, AUTOMATIC, now
    outcome.decision_note = "trusted"
    return outcome
