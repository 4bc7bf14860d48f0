"""Turning a due reminder into a rendered, ready-to-send message: the outbox's new row.

The template context is plain data (numbers, dates, kk/ru pairs), so `notifications` renders it
without knowing anything of the plan.  The Message-ID is derived from the outbox key, so the
same reminder always has the same id, however often it is retried.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from notifications.message import OutgoingMail, prepare
from notifications.render import MailRenderer, RenderedMail
from tracker.errors import RuntimeFailure, UserError
from tracker.mail.due import DueMail, dedupe_key
from tracker.mail.outbox import NewRow
from tracker.plan.model import Plan, Text
from tracker.resources import bundled


def languages(lang: str) -> list[str]:
    """`both` means Kazakh first, then Russian."""
    return ["kk", "ru"] if lang == "both" else [lang]


def message_id(key: str, sender: str) -> str:
    domain = sender.rsplit("@", 1)[-1].rstrip(">").strip() or "tracker.invalid"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def short_title(title: Text) -> dict[str, str]:
    """The campaign's name in quotes («Қауіпсіз интернет»), for subjects; else the title."""
    result = {}
    for lang in ("kk", "ru"):
        found = re.search(r"«[^«»]+»", title.get(lang))
        result[lang] = found.group(0) if found else title.get(lang)
    return result


def _pair(text: Text) -> dict[str, str]:
    return {"kk": text.kk, "ru": text.ru}


def _date_parts(day: date) -> dict[str, int | str]:
    return {"day": day.day, "month": day.month, "year": day.year, "weekday": day.weekday(),
            "short": day.strftime("%d.%m.%Y")}


def offset_label(timezone: str, on: date) -> str:
    moment = datetime.combine(on, datetime.min.time(), ZoneInfo(timezone))
    offset = moment.utcoffset() or timedelta(0)
    hours, minutes = divmod(int(offset.total_seconds()) // 60, 60)
    return f"UTC{'+' if offset >= timedelta(0) else '-'}{abs(hours):02d}:{minutes:02d}"


def _unit_text(plan: Plan, unit: str) -> dict[str, str]:
    return {"kk": plan.unit_name(unit, "kk"), "ru": plan.unit_name(unit, "ru")}


def _due_date(plan: Plan, number: int, unit: str) -> date:
    return plan.milestones[plan.cell_deadline(plan.items_by_number[number], unit)].date


def context(plan: Plan, mail: DueMail, reply_to: str | None) -> dict[str, Any]:
    """Everything the reminder templates show, as plain data."""
    recipient = mail.recipient
    headline = mail.headline
    due_day = plan.milestones[headline.deadline].date
    tz = recipient.timezone
    outstanding = []
    for number, unit, body in mail.outstanding:
        item = plan.items_by_number[number]
        outstanding.append({
            "number": number,
            "title": _pair(item.title),
            "form": _pair(plan.forms[item.form]),
            "unit": _unit_text(plan, unit),
            "body": _pair(plan.bodies[body].name),
            "due": _due_date(plan, number, unit).strftime("%d.%m.%Y") + " 23:59",
        })
    done_numbers = sorted({number for number, _, _ in mail.done})
    done = [{"number": n, "title": _pair(plan.items_by_number[n].title)} for n in done_numbers]
    scheduled = mail.slot.send_at.astimezone(ZoneInfo(tz)).strftime("%d.%m.%Y %H:%M")
    return {
        "langs": languages(recipient.lang),
        "campaign": _pair(plan.title),
        "campaign_short": short_title(plan.title),
        "addressee": {lang: f"{plan.unit_name(recipient.unit, lang)}, "
                            f"{plan.bodies[recipient.pairs[0][1]].name.get(lang)}"
                      for lang in ("kk", "ru")},
        "headline": {
            "deadline": headline.deadline,
            "deadline_name": _pair(plan.milestones[headline.deadline].name),
            "due": _date_parts(due_day),
            "days_before": headline.days_before,
            "overdue_day": headline.overdue_day,
            "overdue_by": (mail.slot.day - due_day).days,
        },
        "tz_label": offset_label(tz, due_day),
        "late": mail.late,
        "scheduled": f"{scheduled} ({offset_label(tz, mail.slot.day)})",
        "outstanding": outstanding,
        "done": done,
        "behind": [{"unit": _unit_text(plan, unit), "numbers": list(items)}
                    for unit, items in mail.behind],
        "missing_reports": [_unit_text(plan, unit) for unit in mail.missing_reports],
        "reply_to": reply_to,
        "report_missing": _unit_text(plan, mail.report_missing) if mail.report_missing else None,
        "report_due": _date_parts(plan.day_of(plan.deadlines.results_report)),
    }


class Composer:
    """Renders due reminders into the outbox's rows; one per run, so templates compile once."""

    def __init__(self, plan: Plan, sender: str, reply_to: str | None,
                 template_dir: Path | None = None) -> None:
        self.plan = plan
        self.sender = sender
        self.reply_to = reply_to
        self.renderer = MailRenderer(template_dir or bundled("templates"))
        self._rendered: dict[DueMail, RenderedMail] = {}

    def render(self, mail: DueMail) -> RenderedMail:
        """Render once per distinct content: several addresses of one body get the same text.

        The text depends on everything of the due mail but the address and the person's name
        (see `context`), so that is the key; building the context alone cost more than sending.
        """
        key = mail._replace(recipient=replace(mail.recipient, email="", name=""))
        rendered = self._rendered.get(key)
        if rendered is None:
            data = context(self.plan, mail, self.reply_to)
            rendered = self._rendered[key] = self.renderer.render("reminder", data)
        return rendered

    def compose(self, mail: DueMail, now: datetime, overtaken: bool = False) -> NewRow:
        """The outbox row of a due reminder (`overtaken`: recorded as skipped, never sent)."""
        key = self._key(mail)
        rendered = self.render(mail)
        prepared = prepare(OutgoingMail(
            message_id=message_id(key, self.sender),
            sender=self.sender,
            recipients=(f"{_display(mail.recipient.name)} <{mail.recipient.email}>",),
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            reply_to=self.reply_to,
            extra_headers=(("X-Tracker-Key", key.replace("|", " ")),),
            date=now,
        ))
        return self._row(mail, key, mail.recipient.email, mail.recipient.name,
                         message_id=prepared.message_id, subject=rendered.subject,
                         head=prepared.head, body=prepared.body, overtaken=overtaken)

    def compose_or_fail(self, mail: DueMail, now: datetime, overtaken: bool = False) -> NewRow:
        """`compose`, or, when this one mail cannot be composed (a template error, an address
        or name the message refuses), a row recorded `failed` with the reason: one recipient's
        bad data never stops the others' mail."""
        try:
            return self.compose(mail, now, overtaken)
        except (RuntimeFailure, UserError):
            raise  # the run's own failure (the templates cannot be had), not this mail's
        except Exception as exc:  # whatever else it is, it concerns this mail alone
            return self.failed(mail, now, f"could not compose the mail: "
                                          f"{type(exc).__name__}: {exc}")

    def failed(self, mail: DueMail, now: datetime, reason: str) -> NewRow:
        """The row of a mail that could not be composed: no message, the reason to show."""
        key = self._key(mail)
        return self._row(mail, key, _storable(mail.recipient.email)[:320],
                         _storable(mail.recipient.name), message_id=message_id(key, self.sender),
                         subject="", head=b"", body=b"", failure=_storable(reason))

    def _key(self, mail: DueMail) -> str:
        return dedupe_key(self.plan.key, mail.slot.deadline, mail.slot.stage,
                          mail.recipient.email)

    def _row(self, mail: DueMail, key: str, recipient: str, name: str,
             **message: Any) -> NewRow:
        """The row's fields that come from the due mail, and the message's (or the failure)."""
        return NewRow(
            key=key, campaign=self.plan.key, kind="reminder", deadline=mail.slot.deadline,
            stage=mail.slot.stage, recipient=recipient, recipient_name=name,
            lang=mail.recipient.lang, unit=mail.recipient.unit, bodies=mail.recipient.bodies,
            items=mail.items, send_at=mail.slot.send_at, late=mail.late, **message)


def _storable(text: str) -> str:
    """Text every store takes, shown readably: control characters (PostgreSQL refuses NUL)
    as their escapes."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def _display(name: str) -> str:
    """A display name safe inside `Name <addr>`: no line breaks, quotes or brackets."""
    cleaned = " ".join(name.replace('"', "'").replace("<", "(").replace(">", ")").split())
    return f'"{cleaned}"'
