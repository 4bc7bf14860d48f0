"""What the final information to the Minister says, built from the plan, the completion grid
and the regions' results reports.

The result is a `Document` of headings, paragraphs and tables in the chosen language; nothing
here knows about Word or Markdown.  It is a draft for the committee's staff: every statement is
a fact taken from the tracker (which regions did what, the reported figures, the publications),
with regions named rather than counted, so that the staff can check and rewrite it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from tracker.finalreport.model import Block, Cell, Document, Heading, Link, Paragraph, Table
from tracker.finalreport.wording import Russian, day, moment, number, wording
from tracker.plan.model import NATIONAL, Item, Plan
from tracker.progress.cellstate import OVERDUE_STATES, cell_states
from tracker.progress.status import Cell as GridCell
from tracker.progress.status import Grid
from tracker.reports.results import RegionResult, totals

_QUOTED = re.compile(r"«(.+)»")
_NOT_ENTERED = "—"

Cells = dict[tuple[int, str], GridCell]


def campaign_name(plan: Plan, lang: str) -> str:
    """«Қауіпсіз интернет» / «Безопасный интернет»: the quoted name inside the plan's title,
    so the report's title follows the plan (next year's campaign) rather than this code."""
    title = plan.title.get(lang)
    match = _QUOTED.search(title)
    return match[1] if match else title


def build_report(plan: Plan, grid: Grid, results: Sequence[RegionResult], now: datetime,
                 lang: str) -> Document:
    """The whole draft, in `lang` (kk or ru), as of `now` read in the campaign's zone."""
    w = wording(lang)
    as_of = now.astimezone(ZoneInfo(plan.timezone)).date()
    cells = {(cell.item, cell.unit): cell for cell in grid.cells}
    blocks = [*_front(plan, now, w), *_execution(plan, cells, as_of, w),
              *_summary(plan, cells, cell_states(plan, grid), as_of, w),
              *_results(plan, results, w),
              *_media(plan, results, w)]
    return Document(w.lang, w.title(campaign_name(plan, w.lang)), w.draft, tuple(blocks))


def _front(plan: Plan, now: datetime, w: Russian) -> list[Block]:
    """The draft mark, then the campaign's dates, organisers and the plan's approval."""
    approval = plan.approved
    return [
        Paragraph(w.draft_note(moment(now, plan.timezone)), lead=f"{w.draft}."),
        Paragraph(w.window(plan.window_first_day, plan.window_last_day), lead=w.campaign_dates),
        Paragraph(plan.organisers.get(w.lang), lead=w.organisers),
        Paragraph(w.approval(approval.by.get(w.lang), approval.date, approval.number),
                  lead=w.approved),
    ]


def _state(cells: Cells, item: int, unit: str) -> str:
    """A cell's state; a cell with no assignment rows counts as not done."""
    cell = cells.get((item, unit))
    return cell.state if cell else "pending"


def _names(plan: Plan, units: Sequence[str], lang: str) -> str:
    return ", ".join(plan.unit_name(unit, lang) for unit in units)


def _unmarked_bodies(plan: Plan, item: Item, cells: Cells, unit: str, lang: str) -> str:
    """The required bodies of a cell that have not marked it done, by name."""
    cell = cells.get((item.number, unit))
    keys = cell.missing if cell else plan.required_bodies(item, unit)
    return ", ".join(plan.bodies[key].name.get(lang) for key in keys)


def _item_lines(plan: Plan, item: Item, cells: Cells, w: Russian) -> list[Block]:
    """Where an item was done: a count, then the regions not done and partly done by name."""
    units = plan.units_of(item)
    regions = [u for u in units if u != NATIONAL]
    lines: list[Block] = []
    if regions:
        by_state: dict[str, list[str]] = {"done": [], "partial": [], "pending": []}
        for unit in regions:
            by_state[_state(cells, item.number, unit)].append(unit)
        done, partial, pending = by_state["done"], by_state["partial"], by_state["pending"]
        lines.append(Paragraph(w.regions_done(len(done), len(partial), len(regions)),
                               bullet=True))
        if pending and len(pending) < len(regions):  # else the line above says it all
            lines.append(Paragraph(_names(plan, pending, w.lang) + ".",
                                   lead=w.not_done(len(pending)), bullet=True))
        if partial:
            named = [w.unmarked(plan.unit_name(unit, w.lang),
                                _unmarked_bodies(plan, item, cells, unit, w.lang))
                     for unit in partial]
            lines.append(Paragraph("; ".join(named) + ".", lead=w.partly_done(len(partial)),
                                   bullet=True))
    if NATIONAL in units:
        state = _state(cells, item.number, NATIONAL)
        bodies = _unmarked_bodies(plan, item, cells, NATIONAL, w.lang)
        lines.append(Paragraph(w.national_state(state, bodies), lead=w.national, bullet=True))
    return lines


def _section_heading(plan: Plan, key: str, lang: str) -> str:
    """A section's title as the plan prints it: «3. ...», the first one without a number."""
    section = plan.sections_by_key[key]
    title = section.title.get(lang)
    return f"{section.number}. {title}" if section.number is not None else title


def _execution(plan: Plan, cells: Cells, as_of: date, w: Russian) -> list[Block]:
    """Part one: every item of the plan, section by section, in plan order."""
    blocks: list[Block] = [Heading(w.execution, 1), Paragraph(w.as_of(as_of))]
    for section in plan.sections:
        items = [item for item in plan.items if item.section == section.key]
        if not items:
            continue
        blocks.append(Heading(_section_heading(plan, section.key, w.lang), 2))
        for item in items:
            blocks.append(Paragraph(item.title.get(w.lang), lead=f"{item.number}."))
            blocks.extend(_item_lines(plan, item, cells, w))
    return blocks


def _summary(plan: Plan, cells: Cells, states: dict[tuple[int, str], str], as_of: date,
             w: Russian) -> list[Block]:
    """Part two: all (item, unit) positions done / total, how many are past their deadline,
    and which regions have gaps."""
    done_in: dict[str, int] = dict.fromkeys(plan.unit_keys, 0)
    total_in: dict[str, int] = dict.fromkeys(plan.unit_keys, 0)
    counts = {"done": 0, "partial": 0, "pending": 0}
    late: list[str] = []
    for item in plan.items:
        for unit in plan.units_of(item):
            state = _state(cells, item.number, unit)
            counts[state] += 1
            if states.get((item.number, unit)) in OVERDUE_STATES:
                late.append(states[item.number, unit])
            total_in[unit] += 1
            done_in[unit] += state == "done"
    regions = [r.key for r in plan.regions if total_in[r.key]]
    complete = [u for u in regions if done_in[u] == total_in[u]]
    gaps = [u for u in regions if done_in[u] < total_in[u]]
    blocks: list[Block] = [
        Heading(w.summary, 1),
        Paragraph(w.overall(as_of, counts["done"], counts["partial"], counts["pending"],
                            sum(counts.values()))),
        *([Paragraph(w.overdue(late.count("overdue"), late.count("partial_overdue")))]
          if late else []),
        Paragraph(_names(plan, complete, w.lang) + ".", lead=w.complete(len(complete)))
        if complete else Paragraph(w.complete_none),
        Paragraph(", ".join(w.gap(plan.unit_name(u, w.lang), done_in[u], total_in[u])
                            for u in gaps) + ".", lead=w.gaps(len(gaps)))
        if gaps else Paragraph(w.gaps_none),
    ]
    if total_in[NATIONAL]:
        blocks.append(Paragraph(w.national_summary(done_in[NATIONAL], total_in[NATIONAL])))
    return blocks


def _results(plan: Plan, results: Sequence[RegionResult], w: Russian) -> list[Block]:
    """Part three: the 25 April reports: who sent them, national totals, figures by region."""
    total = totals(results)
    names = {r.unit: plan.unit_name(r.unit, w.lang) for r in results}
    late = [r.unit for r in results if r.late]
    unsubmitted = [r.unit for r in results if r.entered and not r.received]
    blocks: list[Block] = [
        Heading(w.results, 1),
        Paragraph(w.received(plan.day_of(plan.deadlines.results_report), total.received,
                             total.regions)),
        Paragraph(_names(plan, total.missing, w.lang) + ".", lead=w.missing(len(total.missing)))
        if total.missing else Paragraph(w.missing_none),
        Paragraph(_names(plan, late, w.lang) + ".", lead=w.late(len(late)))
        if late else Paragraph(w.late_none),
    ]
    if unsubmitted:
        blocks.append(Paragraph(_names(plan, unsubmitted, w.lang) + ".", lead=w.unsubmitted))
    form = plan.results_form
    columns = form.totalled
    national_rows = [(c.report.get(w.lang), number(total.figure(c))) for c in columns]
    blocks += [Heading(w.results_national, 2),
               Table((w.indicator, w.in_total), tuple(national_rows), (5.0, 1.2), "lr")]

    region_rows: list[tuple[Cell, ...]] = []
    for r in results:
        figures = [r.figure(c) for c in columns]
        shown = [number(f) for f in figures] if r.entered else [_NOT_ENTERED] * len(figures)
        region_rows.append((names[r.unit], *shown))
    blocks += [
        Heading(w.results_regions, 2),
        Table((w.region, *(c.short.get(w.lang) for c in columns)),
              tuple(region_rows), (4.2, *[1.6] * len(columns)), "l" + "r" * len(columns),
              total=(w.total, *(number(total.figure(c)) for c in columns))),
    ]
    if not all(r.entered for r in results):
        blocks.append(Paragraph(w.not_entered))
    for column in form.texts:
        written = [r for r in results if r.text(column.key).strip()]
        if written:
            blocks.append(Paragraph("", lead=f"{column.report.get(w.lang)}:"))
            blocks += [Paragraph(r.text(column.key).strip(), lead=f"{names[r.unit]}:",
                                 bullet=True) for r in written]
    return blocks


def _media(plan: Plan, results: Sequence[RegionResult], w: Russian) -> list[Block]:
    """Part four: every publication the regions reported, region by region, by date."""
    entries = [(r.unit, entry) for r in results for entry in r.media_coverage]
    blocks: list[Block] = [Heading(w.media, 1)]
    if not entries:
        return [*blocks, Paragraph(w.media_none)]
    rows = tuple((str(n), entry.outlet, day(entry.published_on), plan.unit_name(unit, w.lang),
                  Link(entry.url, entry.url) if entry.url else "")
                 for n, (unit, entry) in enumerate(entries, start=1))
    return [*blocks, Paragraph(w.media_count(len(entries))),
            Table(w.media_header, rows, (0.8, 4.6, 2.4, 4.2, 5.0), "rllll")]
