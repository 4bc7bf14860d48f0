"""Turning a due reminder into a rendered, ready-to-send message: the outbox's new row.

The template context is plain data (numbers, dates, kk/ru pairs), so `notifications` renders it
without knowing anything of the plan.  The Message-ID is derived from the outbox key, so the
same reminder always has the same id, however often it is retried.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from notifications.message import Attachment, OutgoingMail, prepare
from notifications.render import MailRenderer, RenderedMail
from tracker.brief import brief
from tracker.errors import RuntimeFailure, UserError
from tracker.mail.due import DueMail, dedupe_key
from tracker.mail.links import SLOTS, link_in_mail
from tracker.mail.outbox import NewRow
from tracker.mail.overdue import days_overdue
from tracker.mail.resultsform import RegionForms
from tracker.plan.model import Plan, Text
from tracker.progress.contacts import Coordinator
from tracker.reports.exporter import title_lines
from tracker.reports.results import RegionResult
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


DONE_LISTED = 8
"""Done items a reminder names with their titles; beyond, it gives their numbers as runs: what
is still open is what the mail is for."""


def _brief_pair(text: Text) -> dict[str, str]:
    return {"kk": brief(text.kk), "ru": brief(text.ru)}


def ranges(numbers: Sequence[int]) -> str:
    """Item numbers as runs: 1–4, 6, 8–12."""
    runs: list[list[int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def _by_deadline(plan: Plan, mail: DueMail) -> list[dict[str, Any]]:
    """The outstanding items grouped by the milestone they are due by, earliest first: each
    group its milestone's name and day, how many days it is overdue on the mail's day (0: not
    yet) or how many are left, and its items, one a line, naming the region and body only when
    the address answers for several."""
    several = len(mail.recipient.pairs) > 1
    groups: dict[str, list[dict[str, Any]]] = {}
    for number, unit, body in mail.outstanding:
        item = plan.items_by_number[number]
        groups.setdefault(plan.cell_deadline(item, unit), []).append({
            "number": number,
            "title": _brief_pair(item.title),
            "form": item.form,
            "where": ({lang: f"{plan.unit_name(unit, lang)}, {plan.bodies[body].name.get(lang)}"
                       for lang in ("kk", "ru")} if several else None),
        })
    today = mail.slot.day
    found: list[dict[str, Any]] = []
    for key in sorted(groups, key=lambda key: (plan.milestones[key].date, key)):
        day = plan.milestones[key].date
        found.append({"name": _pair(plan.milestones[key].name), "due": _date_parts(day),
                      "overdue_by": days_overdue(day, today),
                      "days_left": max((day - today).days, 0), "items": groups[key]})
    return found


def _forms(plan: Plan, groups: list[dict[str, Any]]) -> dict[str, Any]:
    """The completion form said once (the one most items have), and on the items with another."""
    counts: dict[str, int] = {}
    for group in groups:
        for row in group["items"]:
            counts[row["form"]] = counts.get(row["form"], 0) + 1
    common = max(counts, key=lambda key: counts[key]) if counts else None
    for group in groups:
        for row in group["items"]:
            row["form"] = None if row["form"] == common else _pair(plan.forms[row["form"]])
    return {"common": _pair(plan.forms[common]) if common else None}


def _behind(plan: Plan, mail: DueMail) -> list[dict[str, Any]]:
    """The regions behind, those with the same open items on one line."""
    lines: dict[tuple[int, ...], list[dict[str, str]]] = {}
    for unit, items in mail.behind:
        lines.setdefault(tuple(items), []).append(_unit_text(plan, unit))
    return [{"units": units, "numbers": ranges(items)} for items, units in lines.items()]


def context(plan: Plan, mail: DueMail, reply_to: str | None,
            coordinator: Coordinator | None = None, form_name: str | None = None,
            link: str | None = None) -> dict[str, Any]:
    """Everything the reminder templates show, as plain data (`link`: the recipient's page as
    the template writes it, a slot for the token; None: the mail carries no link)."""
    recipient = mail.recipient
    headline = mail.headline
    due_day = plan.milestones[headline.deadline].date
    tz = recipient.timezone
    groups = _by_deadline(plan, mail)
    forms = _forms(plan, groups)
    overdue = [g for g in groups if g["overdue_by"]]
    coming = [g for g in groups if not g["overdue_by"]]
    done_numbers = sorted({number for number, _, _ in mail.done})
    done = [{"number": n, "title": _brief_pair(plan.items_by_number[n].title)}
            for n in done_numbers] if len(done_numbers) <= DONE_LISTED else []
    nearest = coming[0]["due"] if coming else None
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
            "overdue_by": days_overdue(due_day, mail.slot.day),
        },
        "summary": {
            "outstanding": len(mail.outstanding),
            "overdue": sum(len(g["items"]) for g in overdue),
            "nearest": nearest,
            "nearest_days_left": coming[0]["days_left"] if coming else None,
            "overdue_since": overdue[0]["due"] if overdue else None,
            "overdue_by": overdue[0]["overdue_by"] if overdue else None,
        },
        "tz_label": offset_label(tz, due_day),
        "late": mail.late,
        "overdue": overdue,
        "coming": coming,
        "common_form": forms["common"],
        "done": done,
        "done_count": len(done_numbers),
        "done_runs": ranges(done_numbers),
        "behind": _behind(plan, mail),
        "missing_reports": [_unit_text(plan, unit) for unit in mail.missing_reports],
        "reply_to": reply_to,
        "reply_to_self": recipient.escalates(plan),
        "coordinator": coordinator.as_json() if coordinator else None,
        "report_missing": _unit_text(plan, mail.report_missing) if mail.report_missing else None,
        "report_due": _date_parts(plan.day_of(plan.deadlines.results_report)),
        "form_name": form_name,
        "form_title": title_lines(plan)[1],
        "link": link,
    }


class Composer:
    """Renders due reminders into the outbox's rows; one per run, so templates compile once.

    A region's education department, while its results report has not come in, gets the
    region's form attached (`tracker.mail.resultsform.RegionForms`): made once per region and
    run, with what is known of its report filled in.  With a `base` (the public address,
    tracker.mail.links.mail_base), every reminder carries its recipient's personal link as a
    slot filled when it is sent, so the text stays shared.
    """

    def __init__(self, plan: Plan, sender: str, reply_to: str | None,
                 template_dir: Path | None = None, *, coordinator: Coordinator | None = None,
                 results: Mapping[str, RegionResult] | None = None,
                 base: str | None = None) -> None:
        self.plan = plan
        self.link = link_in_mail(base) if base else None
        self.sender = sender
        self.reply_to = reply_to
        self.coordinator = coordinator
        self.forms = RegionForms(plan, results or {})
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
            form = self.form(mail)
            data = context(self.plan, mail, self.reply_to, self.coordinator,
                           form.filename if form else None, self.link)
            rendered = self._rendered[key] = self.renderer.render("reminder", data)
        return rendered

    def form(self, mail: DueMail) -> Attachment | None:
        """The results form attached to the mail: its region's, while the report is missing."""
        return self.forms.form(mail.report_missing) if mail.report_missing else None

    def compose(self, mail: DueMail, now: datetime, overtaken: bool = False) -> NewRow:
        """The outbox row of a due reminder (`overtaken`: recorded as skipped, never sent)."""
        key = self._key(mail)
        rendered = self.render(mail)
        form = self.form(mail)
        prepared = prepare(OutgoingMail(
            message_id=message_id(key, self.sender),
            sender=self.sender,
            recipients=(f"{_display(mail.recipient.name)} <{mail.recipient.email}>",),
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            reply_to=self.reply_to,
            extra_headers=(("X-Tracker-Key", key.replace("|", " ")),),
            attachments=(form,) if form else (),
            slots=SLOTS if self.link else (),
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
