"""The digest as template data, and as an HTML page or a mail.

The same context feeds the page (`digest.html`) and the mail (`digest_mail.*`), so the page a
manager opens and the mail they receive say the same thing; the page has the whole grid, the
mail the summaries (a grid of every cell would make it hundreds of kilobytes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from notifications.render import MailRenderer, RenderedMail
from tracker.digest.data import Digest
from tracker.digest.summary import (
    CHANGES_SHOWN,
    MAIL_UNITS_SHOWN,
    PROBLEMS_SHOWN,
    first_of,
    last_of,
    overdue_by_body,
)
from tracker.mail import backlog
from tracker.mail.compose import languages, offset_label, short_title
from tracker.plan.model import Plan, Text
from tracker.progress.cellstate import SYMBOLS, stretches
from tracker.resources import bundled
from tracker.wording import WORDS, say

_CLASSES = {"done": "done", "partial": "partial", "pending": "pending", "overdue": "late",
            "partial_overdue": "partial late"}
"""A cell state's class in digest.html (`late` is the page's overdue colour)."""
_STATE_WORDS = {"done": ("орындалды", "выполнено"), "partial": ("ішінара", "частично"),
                "pending": ("күтілуде", "ожидается"), "overdue": ("мерзімі өтті", "просрочено"),
                "partial_overdue": ("ішінара, мерзімі өтті", "частично, просрочено")}


def _pair(text: Text) -> dict[str, str]:
    return {"kk": text.kk, "ru": text.ru}


def _unit(plan: Plan, unit: str) -> dict[str, str]:
    return {"kk": plan.unit_name(unit, "kk"), "ru": plan.unit_name(unit, "ru")}


def _pct(value: float) -> int:
    return round(100 * value)


def _languages(lang: str, first: str) -> list[str]:
    """kk, ru, or both with the reader's own language first."""
    both = languages(lang)
    return sorted(both, key=lambda code: code != first)


def context(digest: Digest, lang: str = "both", first: str = "kk",
            cells: bool = True) -> dict[str, Any]:
    """What the templates show; without `cells`, the items carry no grid cells (the mail
    shows none, and at school scale they are most of the work)."""
    plan = digest.plan
    tz = plan.reminders.digest.timezone
    local = digest.as_of.astimezone(ZoneInfo(tz))
    units = [u for u in plan.unit_keys if u in digest.by_unit]
    summaries = {s.unit: s for s in digest.grid.units}
    by_item = digest.by_item
    items = []
    rows = _rows(plan, digest, units) if cells else {}
    empty = Markup(_NO_CELL * len(units) if cells else "")
    for item in plan.items:
        if item.number not in by_item:
            continue
        items.append({"number": item.number, "title": _pair(item.title),
                      "pct": _pct(by_item[item.number]),
                      "cells": rows.get(item.number, empty)})
    by_body = overdue_by_body(plan, digest.overdue)
    groups: dict[str, list[dict[str, Any]]] = {}
    for overdue in digest.overdue:
        entry: dict[str, Any] = {
            "number": overdue.item, "title": _pair(plan.items_by_number[overdue.item].title),
            "partial": overdue.partial,
            "symbol": SYMBOLS["partial_overdue" if overdue.partial else "overdue"],
            "bodies": [_pair(plan.bodies[b].name) for b in overdue.bodies]}
        for unit in overdue.units:
            groups.setdefault(unit, []).append(entry)
    recent, more_changes = last_of(digest.changes, CHANGES_SHOWN)
    problem_rows, more_problems = first_of(digest.problem_rows, PROBLEMS_SHOWN)
    return {
        "langs": _languages(lang, first),
        "campaign": _pair(plan.title),
        "campaign_short": short_title(plan.title),
        "as_of_short": local.strftime("%d.%m.%Y"),
        "as_of_local": f"{local:%d.%m.%Y %H:%M} ({offset_label(tz, local.date())})",
        "overall_pct": _pct(digest.overall),
        "units": [{"key": u, "name": _unit(plan, u), "pct": _pct(digest.by_unit[u]),
                   "done": summaries[u].done, "total": summaries[u].total,
                   "overdue": len(groups.get(u, ()))} for u in units],
        "items": items,
        "overdue": [{"name": _unit(plan, unit), "rows": rows, "by_body": by_body[unit]}
                    for unit, rows in groups.items()],
        "missing_reports": [_unit(plan, u) for u in digest.missing_reports],
        "totals": [{"key": c.key, "label": _pair(c.label), "short": _pair(c.short),
                    "value": digest.totals.figure(c)} for c in plan.results_form.totalled],
        "changes": [_change(plan, c, tz) for c in digest.changes[-200:]],
        "latest_changes": [_change(plan, c, tz) for c in recent],
        "more_changes": more_changes,
        "problems": digest.problems,
        "problem_rows": [{"recipient": r["recipient"], "state": r["state"],
                          "last_error": r["last_error"], "bounced": r["bounced"] is not None}
                         for r in problem_rows],
        "bounced": {"n": len(digest.bounced),
                    "addresses": backlog.bounced_addresses(digest.bounced)},
        "inbox_held": digest.inbox_held,
        "more_problems": more_problems,
        "mail_units_shown": MAIL_UNITS_SHOWN,
    }


_CELLS = {state: (f'<td class="{_CLASSES[state]}" title="', f' — {{number}}: {words[0]} / '
                  f'{words[1]}">{SYMBOLS[state]}</td>') for state, words in _STATE_WORDS.items()}
_NO_CELL = '<td class="none" title=""></td>'


def _rows(plan: Plan, digest: Digest, units: list[str]) -> dict[int, Markup]:
    """Each item's cells of the grid, one per unit of `units`, as digest.html shows them.

    Written here per run of the grid (one `str.join` of its units' names between the texts
    of its state), since at school scale the grid is 195,000 cells and a template loop over
    them would take seconds.  A unit without a cell of the item gets an empty one."""
    names = {unit: str(escape(plan.unit_name(unit, "kk"))) for unit in units}
    position = {unit: index for index, unit in enumerate(units)}
    parts: dict[int, list[str]] = {}
    filled: dict[int, int] = {}
    for run in stretches(plan, digest.grid):
        shown = run.units if run.units[-1] in position else [
            u for u in run.units if u in position]
        if not shown:
            continue
        row = parts.setdefault(run.item, [])
        start = position[shown[0]]
        row.append(_NO_CELL * (start - filled.get(run.item, 0)))
        head, tail = _CELLS[run.state]
        tail = tail.replace("{number}", str(run.item))
        row.append(head + (tail + head).join(map(names.__getitem__, shown)) + tail)
        filled[run.item] = start + len(shown)
    return {number: Markup("".join(row) + _NO_CELL * (len(units) - filled[number]))
            for number, row in parts.items()}


def _change(plan: Plan, change: dict[str, Any], tz: str) -> dict[str, Any]:
    when = change["at"].astimezone(ZoneInfo(tz)).strftime("%d.%m %H:%M")
    unit = _unit(plan, change["unit"])
    if change["kind"] == "report":
        late = (" (кешігіп)", " (с опозданием)") if change.get("late") else ("", "")
        who = {lang: _how(change, lang) for lang in ("kk", "ru")}
        text = {"kk": f"{unit['kk']}: есеп келіп түсті{late[0]}{who['kk']}",
                "ru": f"{unit['ru']}: поступил отчёт{late[1]}{who['ru']}"}
    else:
        body = plan.bodies.get(change["body"])
        body_name = _pair(body.name) if body else {"kk": change["body"], "ru": change["body"]}
        verb = {"mark": ("орындалды деп белгіленді", "отмечено выполненным"),
                "unmark": ("белгі алынды", "отметка снята")}[change["kind"]]
        note = f" — {change['note']}" if change.get("note") else ""
        text = {lang: f"{unit[lang]}, {body_name[lang]}: {change['item']} {verb[i]}"
                      f"{_how(change, lang)}{note}{_backing(change, lang)}"
                for i, lang in enumerate(("kk", "ru"))}
    return {"when": when, "text": text}


def _how(change: dict[str, Any], lang: str) -> str:
    """` (edu@akmola.example, хат арқылы)`: who made a change and how it came (a report
    entered before either was recorded says nothing)."""
    if not change.get("by"):
        return ""
    via = change.get("via") or "cli"
    how = say(lang, f"via.{via}") if f"via.{via}" in WORDS else via
    return f" ({change['by']}, {how})"


def _backing(change: dict[str, Any], lang: str) -> str:
    """`; подтверждение: report.pdf` when a change came with an evidence link or file."""
    shown = [change["evidence_url"]] if change.get("evidence_url") else []
    if change.get("evidence"):
        shown.append(change["evidence"]["name"])
    return f"; {say(lang, 'via.evidence', what=' / '.join(shown))}" if shown else ""


def renderer(template_dir: Path | None = None) -> MailRenderer:
    return MailRenderer(template_dir or bundled("templates"))


def render_page(digest: Digest, lang: str = "both", first: str = "kk",
                template_dir: Path | None = None) -> str:
    """The digest page (`digest.html`): the whole item x region grid and the summaries, for a
    browser and for print."""
    template = renderer(template_dir).environment.get_template("digest.html")
    return template.render(context(digest, lang, first))


def render_digest(digest: Digest, lang: str = "both", first: str = "kk",
                  template_dir: Path | None = None) -> RenderedMail:
    """The managers' mail (`digest_mail.*`) for a reader of `lang` (kk, ru or both; with both,
    `first` leads): the summaries by region and by item, not the grid, which is on the page."""
    return renderer(template_dir).render("digest_mail", context(digest, lang, first, cells=False))
