"""The reminder service: what is due now, recording it in the outbox, and delivering it."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker import outbox
from tracker.app import App
from tracker.contacts import stored_contacts
from tracker.models import ASSIGNMENT
from tracker.plan.model import Plan
from tracker.reminders.derive import DueMail, Situation, plan_tick, simulate, situation_from_rows
from tracker.reminders.recipients import Recipient, recipients_from
from tracker.timefmt import iso_utc


def load_situation(session: Session, plan: Plan) -> Situation:
    rows = session.execute(select(ASSIGNMENT.c.item_number, ASSIGNMENT.c.unit_key,
                                  ASSIGNMENT.c.body_key, ASSIGNMENT.c.required,
                                  ASSIGNMENT.c.state)).all()
    from tracker.reports.store import missing_reports

    return situation_from_rows(plan, rows, missing_reports(session, plan))


def load_recipients(session: Session, plan: Plan) -> tuple[list[Recipient], str | None]:
    book = stored_contacts(session)
    return recipients_from(plan, book), book.reply_to


def mail_json(mail: DueMail) -> dict[str, Any]:
    """One reminder as `simulate`/`preview` print it."""
    local = mail.slot.send_at.isoformat(timespec="minutes")
    return {
        "send_at": iso_utc(mail.slot.send_at),
        "local": local,
        "to": mail.recipient.email,
        "unit": mail.recipient.unit,
        "body": mail.recipient.pairs[0][1],
        "bodies": sorted({b for _, b in mail.recipient.pairs}),
        "deadline": mail.slot.deadline,
        "stage": mail.slot.stage,
        "items": mail.items,
        "late": mail.late,
    }


def simulate_mails(app: App, start: datetime, end: datetime) -> list[DueMail]:
    plan = app.plan()
    with app.database().reading() as session:
        recipients, _ = load_recipients(session, plan)
        situation = load_situation(session, plan)
    return simulate(plan, recipients, situation, start, end)


@dataclass
class TickResult:
    to_send: list[DueMail] = field(default_factory=list)
    to_skip: list[DueMail] = field(default_factory=list)
    recorded: int = 0
    closed: bool = False
    closed_rows: int = 0
    reply_to: str | None = None
    """contacts.yaml's reply address, read with the recipients."""


def due_now(app: App, now: datetime) -> TickResult:
    """What a tick at `now` would record, without recording it."""
    plan = app.plan()
    with app.database().reading() as session:
        recipients, reply_to = load_recipients(session, plan)
        situation = load_situation(session, plan)
        recorded = outbox.recorded_keys(session, plan.key)
    decided = plan_tick(plan, recipients, situation, now, recorded)
    return TickResult(decided.send, decided.skip, closed=decided.closed, reply_to=reply_to)


def record_due(app: App, now: datetime, sender: str, reply_to: str | None) -> TickResult:
    """Record what is due at `now` in the outbox (rendered, ready to send)."""
    from tracker.reminders.compose import Composer

    result = due_now(app, now)
    db = app.database()
    if result.closed:
        result.closed_rows = outbox.close_open_rows(db, now, "the campaign has closed")
        return result
    if not result.to_send and not result.to_skip:
        return result
    plan = app.plan()
    composer = Composer(plan, sender, result.reply_to or reply_to)
    rows = [_row(plan, composer.compose(mail, now), "pending") for mail in result.to_send]
    rows += [_row(plan, composer.compose(mail, now), "skipped") for mail in result.to_skip]
    with db.writing() as session:
        result.recorded = outbox.record(session, rows, now)
    return result


def _row(plan: Plan, composed: Any, state: str) -> outbox.NewRow:
    mail: DueMail = composed.due
    return outbox.NewRow(
        key=composed.key, campaign=plan.key, kind="reminder", deadline=mail.slot.deadline,
        stage=mail.slot.stage, recipient=mail.recipient.email,
        recipient_name=mail.recipient.name, lang=mail.recipient.lang, unit=mail.recipient.unit,
        bodies=sorted({b for _, b in mail.recipient.pairs}), items=mail.items,
        send_at=mail.slot.send_at, late=mail.late, state=state,
        message_id=composed.prepared.message_id, subject=composed.subject,
        message=composed.prepared.data)


def smtp_settings(environ: Mapping[str, str] = os.environ) -> Any:
    """SMTP settings from the environment; a mistake is a configuration failure (exit 1)."""
    from notifications.errors import SmtpConfigError
    from notifications.settings import SmtpSettings
    from tracker.errors import RuntimeFailure

    try:
        return SmtpSettings.from_env(environ)
    except SmtpConfigError as exc:
        raise RuntimeFailure(f"mail configuration: {exc}") from None


def send_now(app: App, clock: Callable[[], datetime], *, workers: int = 4,
             stop: Any = None, settings: Any = None) -> tuple[TickResult, Any]:
    """Record what is due, then deliver every due pending row."""
    import asyncio

    from tracker.delivery import deliver

    settings = settings or smtp_settings()
    policy = outbox.RetryPolicy.from_env()
    tick = record_due(app, clock(), settings.mail_from, settings.reply_to)
    if tick.closed:
        from tracker.delivery import DeliverySummary

        return tick, DeliverySummary()
    summary = asyncio.run(deliver(app.database(), settings, policy, clock, workers=workers,
                                  stop=stop))
    return tick, summary


def pending_rows(app: App, now: datetime) -> Sequence[dict[str, Any]]:
    with app.database().reading() as session:
        rows = outbox.list_rows(session, "pending")
    return [r for r in rows if r["next_attempt_at"] <= now]
