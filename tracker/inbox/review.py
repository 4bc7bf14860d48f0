"""Staff decide what a held message proposes: accept it (its items marked, its form recorded,
as the agency's, via mail) or reject it (one answer mail to the agency says why).

Each decision is one transaction, and its first write is a compare-and-set on the message's
state (`held` → `accepted` / `rejected`), so two people deciding the same message at once
decide it once: the second finds it no longer held and changes nothing.  Everything is checked
before that write (the message exists and is held, it belongs to an agency contact, it is not a
forged reply, `--items` are the recipient's), so a refusal leaves the database as it was.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from tracker.errors import UserError
from tracker.inbox.applying import Applied, apply_reply, event_note, owed, owed_items
from tracker.inbox.handling import ACCEPTED, HELD, REJECTED, forged
from tracker.inbox.problems import shown
from tracker.mail.compose import ranges
from tracker.mail.recipients import owner_at
from tracker.plan.model import NATIONAL, Plan
from tracker.store.tables import INBOX_MESSAGE, OUTBOX
from tracker.wording import say

LISTED = tuple(c.name for c in INBOX_MESSAGE.c if c.name != "raw")
"""The columns a listing reads (the raw message only when one is shown)."""


def decoded(row: Mapping[Any, Any]) -> dict[str, Any]:
    """A row with its JSON columns read."""
    result = dict(row)
    result["items"] = json.loads(row["items"] or "[]")
    result["attachments"] = json.loads(row["attachments"] or "[]")
    result["form"] = json.loads(row["form"]) if row["form"] else None
    return result


def _with_mail(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row with the mail of ours it answers (`answers_mail`: id, kind, deadline, stage,
    subject, sent), or None."""
    ids = sorted({r["outbox_id"] for r in rows if r["outbox_id"] is not None})
    mails: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 1000):
        o = OUTBOX
        for mail in conn.execute(select(o.c.id, o.c.kind, o.c.deadline, o.c.stage, o.c.subject,
                                        o.c.finished_at).where(o.c.id.in_(ids[start:start + 1000]))
                                 ).mappings():
            mails[mail["id"]] = {**mail, "sent": mail["finished_at"]}
    for row in rows:
        row["answers_mail"] = mails.get(row["outbox_id"]) if row["outbox_id"] else None
    return rows


def held_count(conn: Connection, as_of: datetime | None = None) -> int:
    """How many messages wait for staff (received by `as_of`, when given): the digest and
    `doctor` say so, so that nobody has to remember to look."""
    m = INBOX_MESSAGE
    query = select(func.count()).where(m.c.state == "held")
    if as_of is not None:
        query = query.where(m.c.received_at <= as_of)
    return int(conn.execute(query).scalar_one())


def listing(conn: Connection, state: str | None) -> list[dict[str, Any]]:
    """The messages in `state` (None: all), oldest first."""
    m = INBOX_MESSAGE
    query = select(*(m.c[c] for c in LISTED)).order_by(m.c.id)
    if state is not None:
        query = query.where(m.c.state == state)
    return _with_mail(conn, [decoded(r) for r in conn.execute(query).mappings()])


def message(conn: Connection, ident: int, lang: str, raw: bool = False) -> dict[str, Any]:
    """One message by id (`raw`: with the message as it came), or a UserError in `lang`."""
    m = INBOX_MESSAGE
    columns = [m.c[c] for c in LISTED] + ([m.c.raw] if raw else [])
    row = conn.execute(select(*columns).where(m.c.id == ident)).mappings().first()
    if row is None:
        raise UserError(say(lang, "inbox.no_message", id=ident))
    return _with_mail(conn, [decoded(row)])[0]


def _held(row: Mapping[str, Any], lang: str) -> None:
    if row["state"] != HELD:
        raise UserError(say(lang, "inbox.not_held", id=row["id"],
                            state=say(lang, f"inbox.state.{row['state']}")))


def _decide(conn: Connection, row: Mapping[str, Any], state: str, by: str, note: str,
            now: datetime, lang: str) -> None:
    """The compare-and-set: `held` → `state`, or a refusal when someone decided first."""
    m = INBOX_MESSAGE
    done = conn.execute(update(m).where(m.c.id == row["id"], m.c.state == HELD)
                        .values(state=state, decided_by=by, decided_at=now, decision_note=note)
                        .returning(m.c.id)).first()
    if done is None:
        raise UserError(say(lang, "inbox.not_held", id=row["id"],
                            state=say(lang, "inbox.state.claimed" if row["state"] == HELD
                                      else f"inbox.state.{row['state']}")))


@dataclass(frozen=True)
class Accepted:
    applied: Applied
    form_problem: str
    """Why the attached form was not recorded ('' when it was, or none came)."""


def accept(conn: Connection, plan: Plan, ident: int, items: Sequence[int] | None, note: str,
           by: str, now: datetime, lang: str) -> Accepted:
    """Apply held message `ident`: its proposed items (or `items`, which must be the
    recipient's), and its form when it has no problem; recorded as by the sender via mail,
    decided by `by`."""
    row = message(conn, ident, lang)
    _held(row, lang)
    recipient_address = row["recipient"] or ""
    if forged(row["sender"], recipient_address, row["matched_by"]):
        raise UserError(say(lang, "inbox.forged_refused", id=ident, sender=row["sender"],
                            recipient=recipient_address))
    owner = owner_at(conn, plan, recipient_address) if recipient_address else None
    recipient = owner.recipient if owner is not None else None
    if row["kind"] != "reply" or recipient is None:
        raise UserError(say(lang, "inbox.no_recipient", id=ident))
    mine = owed_items(owed(conn, recipient))
    if items is not None:
        strays = sorted(set(items) - set(mine))
        if strays:
            raise UserError(say(lang, "inbox.items_not_owed", items=ranges(strays),
                                recipient=recipient.email, owed=ranges(mine)))
        chosen = sorted(set(items))
    else:
        chosen = [n for n in row["items"] if n in mine]
    form = row["form"]
    problem = shown(form.get("problem"), lang) if form and form.get("problem") else ""
    _decide(conn, row, ACCEPTED, by, note, now, lang)
    evidence = next((a["digest"] for a in row["attachments"]
                     if a.get("taken") == "evidence" and a.get("digest")), None)
    applied = apply_reply(conn, plan, recipient, row["sender"], chosen,
                          None if problem else form, event_note(row["text"] or note),
                          evidence, now)
    return Accepted(applied, problem)


@dataclass(frozen=True)
class Rejected:
    sender: str
    answered: str | None
    """The address the answer mail was recorded for (None: the sender is not a contact)."""


def _mail_settings(environ: Mapping[str, str], lang: str) -> tuple[str, str | None]:
    from notifications.errors import SmtpConfigError
    from notifications.settings import SmtpSettings

    try:
        settings = SmtpSettings.from_env(environ)
    except SmtpConfigError as exc:
        raise UserError(say(lang, "inbox.no_mail_settings", reason=exc)) from None
    return settings.mail_from, settings.reply_to


def reject(conn: Connection, plan: Plan, ident: int, note: str, by: str, now: datetime,
           lang: str, environ: Mapping[str, str] = os.environ) -> Rejected:
    """Reject held message `ident` with `note`, and record the one answer to its sender (a
    contact's address: strangers are never answered) in the same transaction."""
    from tracker.mail import outbox
    from tracker.mail.answer import compose
    from tracker.progress.contacts import stored_contacts

    row = message(conn, ident, lang)
    _held(row, lang)
    sender = row["sender"]
    owner = owner_at(conn, plan, sender) if sender else None
    row_out = None
    if owner is not None:
        mail_from, reply_to = _mail_settings(environ, lang)
        reply_to = stored_contacts(conn).reply_to or reply_to
        agency = owner.recipient
        unit = agency.unit if agency is not None else NATIONAL
        bodies = agency.bodies if agency is not None else []
        form = row["form"]
        row_out = compose(plan, row, sender, owner.name, owner.lang, unit, bodies, row["items"],
                          form.get("name") if form else None, note, now, mail_from, reply_to)
    _decide(conn, row, REJECTED, by, note, now, lang)
    if row_out is None:
        return Rejected(sender, None)
    outbox.record(conn, [row_out], now)
    return Rejected(sender, sender)
