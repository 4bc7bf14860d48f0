"""The reminders a tick or a simulation decided on, as `remind preview --json` and
`simulate --json` print them, as JSON text; and as lines for a person, with the outbox's rows,
in the language chosen with --lang."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from functools import lru_cache

from tracker.mail.due import DueMail
from tracker.mail.tick import TickResult
from tracker.plan.model import Plan
from tracker.timefmt import iso_utc
from tracker.views.jsontext import compact
from tracker.views.outbox import slot_words


def preview_json_text(tick: TickResult, waiting: int) -> Iterator[str]:
    """`remind preview --json` in pieces: whether the campaign has closed, the mails to send and
    those overtaken (see `mails_json_text`), and how many are already waiting in the outbox."""
    yield f'{{"closed":{compact(tick.closed)},"send":'
    yield from mails_json_text(tick.to_send)
    yield ',"skip":'
    yield from mails_json_text(tick.to_skip)
    yield f',"pending_in_outbox":{compact(waiting)}}}'


def mails_json_text(mails: Sequence[DueMail], batch: int = 2000) -> Iterator[str]:
    """A JSON list of the mails in pieces of `batch` mails.  Each mail: `send_at` (UTC),
    `local` (where the recipient is), `to`, `unit`, `body`, `bodies`, `deadline`, `stage`,
    `items` and `late`.

    At school scale a tick lists tens of thousands of mails made of few distinct parts (a slot's
    moments and stage, a recipient's address, an item list), so each part is encoded once and
    a mail is one concatenation of them, instead of a dictionary built and encoded per mail.
    """
    # By id: the slots, recipients and item tuples stay alive with `mails`, and their own
    # hashes would be slower.
    moments: dict[int, str] = {}
    recipients: dict[int, str] = {}
    tails: dict[tuple[int, int, bool], str] = {}
    texts = []
    for mail in mails:
        slot, recipient = mail.slot, mail.recipient
        if id(slot) not in moments:
            send_at, local = _send_moments(slot.send_at)
            moments[id(slot)] = compact({"send_at": send_at, "local": local})[:-1] + ","
        if id(recipient) not in recipients:
            recipients[id(recipient)] = compact(
                {"to": recipient.email, "unit": recipient.unit, "body": recipient.pairs[0][1],
                 "bodies": recipient.bodies})[1:-1]
        tail_key = (id(slot), id(mail.items), mail.late)
        if tail_key not in tails:
            stage = compact({"deadline": slot.deadline, "stage": slot.stage})[1:-1]
            tails[tail_key] = (f',{stage},"items":{compact(mail.items)},'
                               f'"late":{"true" if mail.late else "false"}}}')
        texts.append(moments[id(slot)] + recipients[id(recipient)] + tails[tail_key])
    yield "["
    for start in range(0, len(texts), batch):
        yield ("," if start else "") + ",".join(texts[start:start + batch])
    yield "]"


@lru_cache(maxsize=1024)
def _send_moments(send_at: datetime) -> tuple[str | None, str]:
    """A slot's moment in UTC and where the recipient is (few distinct ones in a tick)."""
    return iso_utc(send_at), send_at.isoformat(timespec="minutes")


def render_mails(plan: Plan, mails: Sequence[DueMail], lang: str,
                 late_label: bool = True) -> Iterator[str]:
    """`remind preview` and `simulate`: one line a mail (when, to whom, which deadline and
    stage, which items)."""
    from tracker.wording import say

    for m in mails:
        stamp = m.slot.send_at.isoformat(timespec="minutes")
        flag = say(lang, "remind.late") if late_label and m.late else ""
        items = say(lang, "remind.items", items=", ".join(map(str, m.items)) or "-")
        yield (f"{stamp}  {m.recipient.email:<34} "
               f"{slot_words(plan, m.slot.deadline, m.slot.stage, lang)}{flag}  {items}")

