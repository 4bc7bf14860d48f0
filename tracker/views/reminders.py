"""The reminders a tick or a simulation decided on, as `remind preview` and `simulate` print
them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from tracker.mail.due import DueMail
from tracker.mail.tick import TickResult
from tracker.timefmt import iso_utc
from tracker.views.jsontext import compact


def mail_json(mail: DueMail) -> dict[str, Any]:
    """One reminder as `simulate`/`preview` print it."""
    send_at, local = _send_moments(mail.slot.send_at)
    return {
        "send_at": send_at,
        "local": local,
        "to": mail.recipient.email,
        "unit": mail.recipient.unit,
        "body": mail.recipient.pairs[0][1],
        "bodies": mail.recipient.bodies,
        "deadline": mail.slot.deadline,
        "stage": mail.slot.stage,
        "items": mail.items,
        "late": mail.late,
    }


@lru_cache(maxsize=1024)
def _send_moments(send_at: datetime) -> tuple[str | None, str]:
    """A slot's moment in UTC and where the recipient is: a tick at school scale prints tens of
    thousands of mails and a few dozen distinct moments."""
    return iso_utc(send_at), send_at.isoformat(timespec="minutes")


def preview_json(tick: TickResult, waiting: int) -> dict[str, Any]:
    """What `remind preview --json` prints."""
    return {"closed": tick.closed, "send": [mail_json(m) for m in tick.to_send],
            "skip": [mail_json(m) for m in tick.to_skip], "pending_in_outbox": waiting}


def preview_json_text(tick: TickResult, waiting: int) -> Iterator[str]:
    """`compact(preview_json(tick, waiting))`, character for character, in pieces.

    At school scale a tick lists some 45,000 mails made of few distinct parts (a slot's moments
    and stage, a recipient's address, an item list), so each part is encoded once and a mail is
    one format of them, instead of a dictionary built and encoded per mail.
    """
    yield f'{{"closed":{compact(tick.closed)},"send":'
    yield from _mails_json_text(tick.to_send)
    yield ',"skip":'
    yield from _mails_json_text(tick.to_skip)
    yield f',"pending_in_outbox":{compact(waiting)}}}'


def _mails_json_text(mails: Sequence[DueMail], batch: int = 2000) -> Iterator[str]:
    """`compact([mail_json(m) for m in mails])` in pieces of `batch` mails."""
    # By id: the slots, recipients and item tuples (shared by alike mails) stay alive with
    # `mails`, and their own hashes would be slower.
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
        # mail_json's keys in order: send_at, local | to, unit, body, bodies | deadline,
        # stage, items, late
        texts.append(moments[id(slot)] + recipients[id(recipient)] + tails[tail_key])
    yield "["
    for start in range(0, len(texts), batch):
        yield ("," if start else "") + ",".join(texts[start:start + batch])
    yield "]"
