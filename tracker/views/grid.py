"""The status grid for a terminal: items down, regions across, one symbol a cell."""

from __future__ import annotations

from collections.abc import Mapping

from tracker.plan.model import NATIONAL, Plan
from tracker.progress.cellstate import SYMBOLS, cell_states
from tracker.progress.history import HistoryEntry
from tracker.progress.status import Grid
from tracker.timefmt import local
from tracker.views.history import how
from tracker.wording import WORDS, say


def state_word(state: str, lang: str) -> str:
    """A cell state's word in `lang` (tracker.wording's `state.*`), its key if it has none."""
    return say(lang, f"state.{state}") if f"state.{state}" in WORDS else state


def unit_codes(plan: Plan) -> dict[str, str]:
    """Three-letter column headings, unique, derived from the keys (AKM, ALR, EAK...).

    A taken code becomes its first two letters and the lowest free number.  Codes are only
    ever taken, so each prefix's search goes on from its last number: thousands of schools
    share a prefix, and searching from 1 each time would be quadratic.
    """
    codes: dict[str, str] = {}
    taken: set[str] = set()
    next_number: dict[str, int] = {}
    for key in plan.unit_keys:
        parts = key.split("_")
        code = key[:3] if len(parts) == 1 else parts[0][:2] + parts[1][:1]
        code = code.upper()
        if code in taken:
            prefix = code[:2]
            number = next_number.get(prefix, 1)
            while f"{prefix}{number}" in taken:
                number += 1
            code = f"{prefix}{number}"
            next_number[prefix] = number + 1
        taken.add(code)
        codes[key] = code
    return codes


def render_grid(plan: Plan, grid: Grid, lang: str) -> str:
    codes = unit_codes(plan)
    summaries = {s.unit: s for s in grid.units}
    units = [u for u in plan.unit_keys if u in summaries]
    by_cell = cell_states(plan, grid)
    first = max(4, len(say(lang, "grid.item")), len(say(lang, "grid.percent")))
    legend = "   ".join(f"{SYMBOLS[s]} {state_word(s, lang)}" for s in SYMBOLS)
    lines = [f"{plan.title.get(lang)} — {local(grid.as_of, plan.timezone)}",
             legend,
             "",
             f"{say(lang, 'grid.item'):<{first}} " + "".join(f"{codes[u]:>4}" for u in units)
             + f"   {say(lang, 'grid.done')}"]
    for item in plan.items:
        states = [by_cell.get((item.number, u)) for u in units]
        present = [s for s in states if s]
        if not present:
            continue
        done = sum(s == "done" for s in present)
        row = "".join(_cell(s) for s in states)
        lines.append(f"{item.number:>{first}} {row}   {done}/{len(present)}")
    lines.append(f"{say(lang, 'grid.percent'):<{first}} " + "".join(
        f"{round(100 * summaries[u].done / summaries[u].total):>3}%" for u in units))
    total = sum(s.total for s in grid.units)
    done = sum(s.done for s in grid.units)
    lines.append("\n" + say(lang, "grid.overall", done=done, total=total,
                            pct=f"{100 * done / max(total, 1):.0f}"))
    lines.append("")
    lines.extend(f"{codes[u]}  {plan.unit_name(u, lang)}" for u in units)
    return "\n".join(lines)


def _cell(state: str | None) -> str:
    """A grid cell, four wide: the state's glyph in the third column, the overdue mark of a
    partly done cell beside it, so that every glyph stays under its column's heading."""
    if state is None:
        return "    "
    return f"  {SYMBOLS[state]:<2}"


def render_unit(plan: Plan, grid: Grid, unit: str, lang: str,
                marks: Mapping[tuple[int, str, str], HistoryEntry] | None = None) -> str:
    """One unit item by item: each cell's state and bodies, the title, and for each body done,
    who recorded it and how (`marks`: the latest events, tracker.progress.history)."""
    name = plan.unit_name(unit, lang)
    zone = plan.unit_timezone(unit)
    states = cell_states(plan, grid)
    lines = [f"{name} ({unit}) — {local(grid.as_of, zone)}"]
    words = {s: state_word(s, lang) for s in SYMBOLS}
    width = max(8, *(len(w) for w in words.values()))
    for cell in grid.cells:
        item = plan.items_by_number[cell.item]
        state = states[cell.item, cell.unit]
        bodies = ", ".join(f"{plan.bodies[b].name.get(lang) if b in plan.bodies else b} "
                           f"{SYMBOLS['done' if s == 'done' else 'pending']}"
                           for b, s in cell.bodies.items())
        lines.append(f"{cell.item:>4} {SYMBOLS[state]:<2} {words[state]:<{width}} {bodies}")
        lines.append(f"       {item.title.get(lang)}")
        for body in cell.bodies:
            entry = (marks or {}).get((cell.item, cell.unit, body))
            if entry is not None:
                body_name = plan.bodies[body].name.get(lang) if body in plan.bodies else body
                lines.append(f"       {SYMBOLS['done']} {body_name}: {entry.by}, "
                             f"{local(entry.at, zone)}, {how(entry, lang)}")
    summary = next((s for s in grid.units if s.unit == unit), None)
    if summary:
        lines.append("\n" + say(lang, "unit.summary", done=summary.done, total=summary.total)
                     + (say(lang, "unit.partial", partial=summary.partial)
                        if summary.partial else ""))
    elif unit != NATIONAL:
        lines.append(say(lang, "unit.none"))
    return "\n".join(lines)
