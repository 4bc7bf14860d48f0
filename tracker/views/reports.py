"""The results reports for readers: JSON for scripts, a table for a terminal.

The JSON has a fixed shape (every region in plan order, every column of the plan's results form
by its key, zeros where nothing was recorded) so scripts and the digest can rely on it; the
table is for the committee's staff at a glance, in the language chosen with --lang, with the
regions still missing and those that were late.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tracker.plan.model import FormColumn, Plan, ResultsForm
from tracker.reports.fields import MediaEntry
from tracker.reports.results import RegionResult, totals
from tracker.reports.store import MediaListing
from tracker.timefmt import iso_utc, local
from tracker.wording import say

_KEYS = ("region", "received_col", "total", "missing", "late_list", "none", "all_in",
         "late_mark", "no_media")


def words(lang: str) -> dict[str, str]:
    """The table's words in `lang` (tracker.wording), by their short names."""
    return {key: say(lang, f"report.{key}") for key in _KEYS}


def media_json(entry: MediaEntry) -> dict[str, Any]:
    return {"outlet": entry.outlet, "date": entry.published_on.isoformat(), "url": entry.url}


def _value_json(column: FormColumn, result: RegionResult) -> Any:
    if column.kind == "count":
        return result.count(column.key)
    if column.kind == "media":
        return [media_json(e) for e in result.media_coverage]
    return result.text(column.key)


def region_json(form: ResultsForm, result: RegionResult) -> dict[str, Any]:
    """A region's report: who, when, and every column of the form by its key, in order."""
    return {"unit": result.unit, "received_at": iso_utc(result.received_at),
            "late": result.late,
            **{c.key: _value_json(c, result) for c in form.columns},
            "received_by": result.received_by, "received_via": result.received_via}


def report_json(plan: Plan, results: Sequence[RegionResult]) -> dict[str, Any]:
    """`report show --json`: the regions in plan order and the national totals of the counts
    and of the media list (its number of entries)."""
    form = plan.results_form
    total = totals(results)
    return {"regions": [region_json(form, r) for r in results],
            "totals": {c.key: total.figure(c) for c in form.totalled}}


def media_list_json(listing: Sequence[MediaListing]) -> list[dict[str, Any]]:
    return [{"id": item.entry.id, "unit": item.unit, **media_json(item.entry)}
            for item in listing]


def render_media(plan: Plan, listing: Sequence[MediaListing], lang: str) -> str:
    if not listing:
        return words(lang)["no_media"]
    names = {item.unit: item.unit if lang == "en" else plan.unit_name(item.unit, lang)
             for item in listing}
    width = max(17, *(len(n) + 1 for n in names.values()))
    lines = []
    for item in listing:
        entry = item.entry
        line = (f"{entry.id:>5}  {names[item.unit]:<{width}} {entry.published_on.isoformat()}  "
                f"{entry.outlet}")
        lines.append(line + (f"  {entry.url}" if entry.url else ""))
    return "\n".join(lines)


def received_by(result: RegionResult, lang: str) -> str:
    """Who sent a received report and how: `edu@akmola.example, жеке сілтеме`."""
    via = say(lang, f"report.via.{result.received_via}")
    return say(lang, "report.by", by=result.received_by or "—", via=via)


def render_report(plan: Plan, results: Sequence[RegionResult], lang: str) -> str:
    """A table: one line per region, the totals, then who is missing and who was late."""
    w = words(lang)
    columns = plan.results_form.totalled
    labels = [c.short.get(lang) for c in columns]
    names = {r.unit: plan.unit_name(r.unit, lang) for r in results}
    total = totals(results)
    body: list[tuple[str, list[str], str]] = []
    for r in results:
        cells = [str(r.figure(c)) for c in columns]
        if not r.entered:
            cells = ["·"] * len(columns)
        received = ""
        if r.received_at is not None:
            received = local(r.received_at, plan.unit_timezone(r.unit))
            received += f" {w['late_mark']}" if r.late else ""
            received += f" — {received_by(r, lang)}" if r.received_via else ""
        body.append((names[r.unit], cells, received))
    total_cells = [str(total.figure(c)) for c in columns]
    name_width = max(len(w["region"]), len(w["total"]), *(len(n) for n in names.values()))
    widths = [max(len(label), *(len(cells[i]) for _, cells, _ in body),
                  len(total_cells[i])) for i, label in enumerate(labels)]

    def line(name: str, cells: Sequence[str], tail: str) -> str:
        numbers = "  ".join(c.rjust(widths[i]) for i, c in enumerate(cells))
        return f"{name:<{name_width}}  {numbers}  {tail}".rstrip()

    header = line(w["region"], labels, w["received_col"])
    rows = [line(n, c, t) for n, c, t in body]
    footer = line(w["total"], total_cells, f"{total.received}/{total.regions}")
    rule = "─" * max(len(text) for text in (header, *rows, footer))
    lines = [header, rule, *rows, rule, footer, ""]
    missing = [names[u] for u in total.missing]
    late = [names[r.unit] for r in results if r.late]
    if missing:
        lines.append(f"{w['missing']} ({len(missing)}): {', '.join(missing)}")
    else:
        lines.append(w["all_in"])
    lines.append(f"{w['late_list']} ({len(late)}): {', '.join(late) if late else w['none']}")
    return "\n".join(lines)
