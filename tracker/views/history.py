"""`tracker history`: the events, oldest first, as JSON for scripts and as lines for a person."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tracker.plan.model import Plan
from tracker.progress.history import HistoryEntry, evidence_fields
from tracker.progress.marking import VIA
from tracker.timefmt import iso_utc, local


def history_json(entries: list[HistoryEntry]) -> list[dict[str, Any]]:
    return [{"at": iso_utc(e.at), "item": e.item, "unit": e.unit, "body": e.body,
             "action": e.action, "by": e.by, "note": e.note, "done_at": iso_utc(e.done_at),
             **evidence_fields(e)}
            for e in entries]


def how(e: HistoryEntry, lang: str) -> str:
    """`via link; evidence: https://… / report.pdf (sha256 1a2b3c4d5e6f)` in `lang`: how a
    change came, and what backs it."""
    from tracker.wording import say

    said = say(lang, f"via.{e.via}") if e.via in VIA else e.via
    backing = [e.evidence_url] if e.evidence_url else []
    if e.evidence:
        backing.append(f"{e.evidence_name or ''} (sha256 {e.evidence[:12]})".lstrip())
    return said + (f"; {say(lang, 'via.evidence', what=' / '.join(backing))}" if backing else "")


def render_history(plan: Plan, entries: Sequence[HistoryEntry], lang: str) -> str:
    """One line an event: when (in the unit's own zone), what, which item, where, which body
    (by name, in `lang`), who, and the note; columns as wide as their longest word here."""
    from tracker.wording import say

    if not entries:
        return say(lang, "history.none")
    actions = {a: say(lang, f"history.{a}") for a in ("mark", "unmark")}
    units = {e.unit: plan.unit_name(e.unit, lang) for e in entries}
    bodies = {e.body: plan.bodies[e.body].name.get(lang) if e.body in plan.bodies else e.body
              for e in entries}
    widths = (max(len(a) for a in actions.values()), max(len(u) for u in units.values()))
    lines = []
    for e in entries:
        item = say(lang, "history.item", n=e.item)
        line = (f"{local(e.at, plan.unit_timezone(e.unit))}  "
                f"{actions.get(e.action, e.action):<{widths[0]}}  {item:<8} "
                f"{units[e.unit]:<{widths[1]}}  {bodies[e.body]}; "
                f"{say(lang, 'history.by', by=e.by)}, {how(e, lang)}")
        lines.append(line + (f"  — {e.note}" if e.note else ""))
    return "\n".join(lines)
