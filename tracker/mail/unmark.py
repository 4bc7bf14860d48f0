"""The "not accepted" mail: staff undo a report an agency made itself, and the agency hears why.

An agency that reported an item done by its link (or by a reply the tracker took in) and then
sees it open again would not know what happened.  So `tracker unmark` on such an assignment
records, through the outbox, one short mail to the agency's addresses: which items, the staff's
note, and its link to report again.  It goes out with the next `remind send` or daemon tick, as
every outbox row does.  The key `campaign|unmark|EVENT|address` (the first unmark event the mail
answers) makes it once, however often this runs.  Marks made by staff (`via='cli'`) or an import
send nothing: the agency did not claim them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from notifications.message import OutgoingMail, prepare
from notifications.render import MailRenderer
from tracker.mail import outbox
from tracker.mail.compose import languages, message_id, ranges, short_title
from tracker.mail.due import dedupe_key
from tracker.mail.links import SLOTS, link_in_mail, mail_base
from tracker.mail.recipients import Recipient, recipients_from
from tracker.plan.model import Plan
from tracker.progress.contacts import stored_contacts
from tracker.resources import bundled
from tracker.store.tables import ASSIGNMENT, EVENT

SELF_REPORTED = ("link", "mail")
"""How an agency reports by itself (event.via): the page behind its link, or a reply."""
_CHUNK = 2000


@dataclass(frozen=True)
class Undone:
    """An assignment an agency had reported itself and staff have just unmarked."""

    item: int
    unit: str
    body: str
    event: int
    """The unmark event's id."""


def self_reported(conn: Connection, changed: Sequence[tuple[int, str, str]]) -> list[Undone]:
    """Of the assignments just unmarked (item, unit, body), those whose last mark before the
    unmark came from the agency itself."""
    wanted = set(changed)
    ids: dict[int, tuple[int, str, str]] = {}
    items = sorted({item for item, _, _ in wanted})
    units = sorted({unit for _, unit, _ in wanted})
    for start in range(0, len(units), _CHUNK):
        rows = conn.execute(select(ASSIGNMENT.c.id, ASSIGNMENT.c.item_number,
                                   ASSIGNMENT.c.unit_key, ASSIGNMENT.c.body_key)
                            .where(ASSIGNMENT.c.item_number.in_(items),
                                   ASSIGNMENT.c.unit_key.in_(units[start:start + _CHUNK])))
        ids.update({ident: (item, unit, body) for ident, item, unit, body in rows
                    if (item, unit, body) in wanted})
    found: list[Undone] = []
    keys = sorted(ids)
    for start in range(0, len(keys), _CHUNK):
        events = conn.execute(select(EVENT.c.assignment_id, EVENT.c.id, EVENT.c.action,
                                     EVENT.c.via)
                              .where(EVENT.c.assignment_id.in_(keys[start:start + _CHUNK]))
                              .order_by(EVENT.c.assignment_id, EVENT.c.id)).all()
        history: dict[int, list[tuple[int, str, str]]] = {}
        for assignment, ident, action, via in events:
            history.setdefault(assignment, []).append((ident, action, via))
        for assignment, steps in history.items():
            last_id, last_action, _ = steps[-1]
            marks = [via for _, action, via in steps[:-1] if action == "mark"]
            if last_action == "unmark" and marks and marks[-1] in SELF_REPORTED:
                found.append(Undone(*ids[assignment], event=last_id))
    return sorted(found, key=lambda u: (u.event, u.item))


def _addressed(plan: Plan, recipients: Sequence[Recipient], undone: Sequence[Undone]
               ) -> list[tuple[Recipient, list[Undone]]]:
    """Each agency address and the undone assignments it answers for."""
    result = []
    for recipient in recipients:
        pairs = set(recipient.pairs)
        mine = [u for u in undone if (u.unit, u.body) in pairs]
        if mine:
            result.append((recipient, mine))
    return result


def context(plan: Plan, recipient: Recipient, undone: Sequence[Undone], note: str,
            link: str | None, reply_to: str | None) -> dict[str, Any]:
    """What the unmark templates show, as plain data."""
    several = len({(u.unit, u.body) for u in undone}) > 1
    rows = []
    for u in sorted(undone, key=lambda u: (u.item, u.unit, u.body)):
        title = plan.items_by_number[u.item].title
        rows.append({"number": u.item, "title": {"kk": title.kk, "ru": title.ru},
                     "where": {lang: f"{plan.unit_name(u.unit, lang)}, "
                                     f"{plan.bodies[u.body].name.get(lang)}"
                               for lang in ("kk", "ru")}})
    first = undone[0]
    return {
        "langs": languages(recipient.lang),
        "campaign": {"kk": plan.title.kk, "ru": plan.title.ru},
        "campaign_short": short_title(plan.title),
        "addressee": {lang: f"{plan.unit_name(first.unit, lang)}, "
                            f"{plan.bodies[first.body].name.get(lang)}"
                      for lang in ("kk", "ru")},
        "items": rows,
        "several": several,
        "numbers": ranges([u.item for u in undone]),
        "note": note.strip(),
        "link": link,
        "reply_to": reply_to,
    }


def compose(plan: Plan, recipient: Recipient, undone: Sequence[Undone], note: str,
            now: datetime, sender: str, reply_to: str | None, base: str | None,
            renderer: MailRenderer) -> outbox.NewRow:
    key = dedupe_key(plan.key, "unmark", str(min(u.event for u in undone)), recipient.email)
    link = link_in_mail(base) if base else None
    rendered = renderer.render("unmark", context(plan, recipient, undone, note, link, reply_to))
    prepared = prepare(OutgoingMail(
        message_id=message_id(key, sender), sender=sender,
        recipients=(recipient.email,), subject=rendered.subject, text=rendered.text,
        html=rendered.html, reply_to=reply_to, date=now,
        extra_headers=(("X-Tracker-Key", key.replace("|", " ")),),
        slots=SLOTS if link else ()))
    return outbox.NewRow(
        key=key, campaign=plan.key, kind="unmark", deadline="unmark",
        stage=str(min(u.event for u in undone)), recipient=recipient.email,
        recipient_name=recipient.name, lang=recipient.lang, unit=undone[0].unit,
        bodies=sorted({u.body for u in undone}), items=sorted({u.item for u in undone}),
        send_at=now, late=False, message_id=prepared.message_id, subject=rendered.subject,
        head=prepared.head, body=prepared.body)


@dataclass(frozen=True)
class Notice:
    """What `notify` did: mails recorded, or why none could be (None: nothing to say)."""

    recorded: int = 0
    problem: object | None = None


def notify(conn: Connection, plan: Plan, db_url: str, changed: Sequence[tuple[int, str, str]],
           note: str, now: datetime, environ: Mapping[str, str] = os.environ) -> Notice:
    """Record the "not accepted" mails for the assignments just unmarked, once each, in the
    unmark's own transaction (`conn`): the unmark and its mail are kept together or not at
    all."""
    if not changed:
        return Notice()
    undone = self_reported(conn, changed)
    if not undone:
        return Notice()
    from notifications.errors import SmtpConfigError
    from notifications.settings import SmtpSettings

    try:
        settings = SmtpSettings.from_env(environ)
    except SmtpConfigError as exc:
        return Notice(problem=exc)
    book = stored_contacts(conn)
    addressed = _addressed(plan, recipients_from(plan, book), undone)
    base = mail_base(db_url, environ)
    renderer = MailRenderer(bundled("templates"))
    reply_to = book.reply_to or settings.reply_to
    rows = [compose(plan, recipient, mine, note, now, settings.mail_from, reply_to, base,
                    renderer) for recipient, mine in addressed]
    return Notice(recorded=outbox.record(conn, rows, now))
