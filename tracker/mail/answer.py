"""The answer to a rejected reply: the agency hears once why its mail was not accepted.

`tracker inbox reject ID --note` records, in the same transaction as the rejection, one mail to
the reply's sender through the outbox (kind `answer`): the staff's note, what the reply
proposed that was not accepted (its items with their titles, the form it attached), and how to
report again.  It answers the agency's own message (In-Reply-To, References), so it sits in
the same thread.  The key `campaign|answer|inbox_ID|address` makes it once, however often this
runs; it goes out with the next `remind send` or daemon tick, as every outbox row does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from notifications.message import OutgoingMail, prepare
from notifications.render import MailRenderer
from tracker.mail import outbox
from tracker.mail.compose import languages, message_id, ranges, short_title
from tracker.mail.due import dedupe_key
from tracker.plan.model import NATIONAL, Plan
from tracker.resources import bundled

KIND = "answer"


def context(plan: Plan, lang: str, addressee: Mapping[str, str], items: Sequence[int],
            form_name: str | None, subject: str, note: str,
            reply_to: str | None) -> dict[str, Any]:
    """What the answer templates show, as plain data."""
    rows = [{"number": n, "title": {"kk": plan.items_by_number[n].title.kk,
                                    "ru": plan.items_by_number[n].title.ru}}
            for n in sorted(set(items)) if n in plan.items_by_number]
    return {
        "langs": languages(lang),
        "campaign": {"kk": plan.title.kk, "ru": plan.title.ru},
        "campaign_short": short_title(plan.title),
        "addressee": dict(addressee),
        "items": rows,
        "numbers": ranges([n for n in sorted(set(items)) if n in plan.items_by_number]),
        "form_name": form_name,
        "their_subject": subject,
        "note": note.strip(),
        "reply_to": reply_to,
    }


def _threaded(theirs: str) -> tuple[tuple[str, str], ...]:
    """The headers that put the answer in the agency's thread (none when its Message-ID is
    not one a header can carry)."""
    from notifications.errors import MessageError
    from notifications.headers import validate_message_id

    try:
        quoted = validate_message_id(f"<{theirs}>")
    except MessageError:
        return ()
    return (("In-Reply-To", quoted), ("References", quoted))


def compose(plan: Plan, message: Mapping[str, Any], to: str, name: str, lang: str, unit: str,
            bodies: Sequence[str], items: Sequence[int], form_name: str | None, note: str,
            now: datetime, sender: str, reply_to: str | None) -> outbox.NewRow:
    """The answer to inbox message `message` (its row: id, message_id, subject)."""
    stage = f"inbox_{message['id']}"
    key = dedupe_key(plan.key, KIND, stage, to)
    where = {lang_: plan.unit_name(unit, lang_) if unit != NATIONAL else name
             for lang_ in ("kk", "ru")}
    if unit != NATIONAL and bodies and bodies[0] in plan.bodies:
        where = {k: f"{v}, {plan.bodies[bodies[0]].name.get(k)}" for k, v in where.items()}
    rendered = MailRenderer(bundled("templates")).render(
        KIND, context(plan, lang, where, items, form_name, str(message["subject"]), note,
                      reply_to))
    threaded = _threaded(str(message["message_id"] or ""))
    prepared = prepare(OutgoingMail(
        message_id=message_id(key, sender), sender=sender, recipients=(to,),
        subject=rendered.subject, text=rendered.text, html=rendered.html, reply_to=reply_to,
        date=now, extra_headers=(*threaded, ("X-Tracker-Key", key.replace("|", " ")))))
    return outbox.NewRow(
        key=key, campaign=plan.key, kind=KIND, deadline=KIND, stage=stage, recipient=to,
        recipient_name=name, lang=lang, unit=unit, bodies=list(bodies), items=sorted(items),
        send_at=now, late=False, message_id=prepared.message_id, subject=rendered.subject,
        head=prepared.head, body=prepared.body)
