"""Sending the digest to managers through the outbox, once per period.

The period is the day in the digest's time zone (Asia/Almaty by default): the outbox key
`campaign|digest|YYYY-MM-DD|address` makes a second send on the same day a no-op, whoever
tries it — `tracker digest --send` by hand or any of several daemons.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from notifications.message import OutgoingMail, prepare
from notifications.render import RenderedMail
from tracker.digest.data import LAST_SENT, Digest, build_digest
from tracker.digest.render import context, render_digest, renderer
from tracker.mail import outbox
from tracker.mail.compose import message_id
from tracker.mail.due import dedupe_key
from tracker.mail.links import SLOTS, link_in_mail, mail_base
from tracker.plan.model import Plan
from tracker.progress.contacts import stored_contacts
from tracker.store.database import Database
from tracker.store.settings import set_setting

ONE_DAY = timedelta(days=1)


def digest_slots(plan: Plan) -> list[datetime]:
    """Working days from the window's start to the last deadline, at the digest hour."""
    policy = plan.reminders.digest
    zone = ZoneInfo(policy.timezone)
    day, last = plan.window_first_day, plan.last_deadline
    slots = []
    while day <= last:
        if plan.calendar.is_working_day(day):
            slots.append(datetime.combine(day, policy.time, zone))
        day += ONE_DAY
    return slots


def due_slot(plan: Plan, now: datetime) -> datetime | None:
    """The digest that should exist by `now`: the latest slot, if less than a day old.

    An older one was overtaken by events: the next digest will cover its changes.
    """
    passed = [s for s in digest_slots(plan) if s <= now]
    if passed and now - passed[-1] < ONE_DAY:
        return passed[-1]
    return None


def period_of(plan: Plan, moment: datetime) -> str:
    return moment.astimezone(ZoneInfo(plan.reminders.digest.timezone)).date().isoformat()


def _rendered(digest: Digest, lang: str, dashboard: str | None) -> RenderedMail:
    """The digest mail for readers of `lang`, with the slot of each manager's own link to the
    live dashboard (filled when it is sent: the text stays one per language)."""
    if dashboard is None:
        return render_digest(digest, lang)
    data = {**context(digest, lang, "kk", cells=False), "dashboard": dashboard}
    return renderer().render("digest_mail", data)


def record_digest(db: Database, now: datetime, sender: str, period: str) -> tuple[int, int]:
    """Record one digest mail per manager for `period`; returns (recorded, managers)."""
    plan = db.plan()
    with db.reading() as conn:
        book = stored_contacts(conn)
        digest = build_digest(conn, plan, now)
        recorded = outbox.recorded_keys(conn, plan.key, kind="digest")
    rows = []
    rendered_by_lang = {}
    base = mail_base(db.url)
    dashboard = link_in_mail(base, "dashboard") if base else None
    for manager in book.managers:
        key = dedupe_key(plan.key, "digest", period, manager.email)
        if key in recorded:
            continue
        if manager.lang not in rendered_by_lang:
            rendered_by_lang[manager.lang] = _rendered(digest, manager.lang, dashboard)
        rendered = rendered_by_lang[manager.lang]
        prepared = prepare(OutgoingMail(
            message_id=message_id(key, sender), sender=sender,
            recipients=(manager.email,), subject=rendered.subject, text=rendered.text,
            html=rendered.html, reply_to=book.reply_to, date=now,
            extra_headers=(("X-Tracker-Key", key.replace("|", " ")),),
            slots=SLOTS if dashboard else ()))
        rows.append(outbox.NewRow(
            key=key, campaign=plan.key, kind="digest", deadline="digest", stage=period,
            recipient=manager.email, recipient_name=manager.name, lang=manager.lang,
            unit="national", bodies=(), items=(), send_at=now, late=False,
            message_id=prepared.message_id, subject=rendered.subject, head=prepared.head,
            body=prepared.body))
    if not rows:
        return 0, len(book.managers)
    with db.writing() as conn:
        count = outbox.record(conn, rows, now)
        if count:
            set_setting(conn, LAST_SENT, now.isoformat())
    return count, len(book.managers)
