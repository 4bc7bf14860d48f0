"""Stored results reports: reading them for every view, and the few writes that change them.

One `region_report` row per region that has recorded anything, its counts and texts in
`region_report_value` (a row per column of the plan's results form, by key), and its
«Освещение в СМИ» entries in `media_coverage`.  A region without a row simply has an empty
form.  The functions take a connection the caller opened (one transaction per command) and
never commit themselves.  Entering a column writes that column's row alone (an upsert), so
two commands entering different columns of a region both count; receiving is a compare-and-set
(`WHERE received_at IS NULL`), so a repeated or concurrent submission keeps the first time the
report arrived.  Stored figures of a column the plan no longer declares are kept, unread.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from tracker.plan.model import Plan
from tracker.reports.deadline import is_late
from tracker.reports.fields import MediaEntry
from tracker.reports.results import RegionResult, Totals, totals
from tracker.store.database import upsert_insert
from tracker.store.settings import bump_content_version
from tracker.store.tables import MEDIA_COVERAGE, REGION_REPORT, REGION_REPORT_VALUE

__all__ = [
    "VIAS", "MediaListing", "Received", "RegionResult", "Totals", "add_media", "list_media",
    "load_reports", "missing_reports", "remove_media", "replace_reports", "set_fields",
    "submit", "totals",
]


@dataclass(frozen=True)
class Received:
    """What a submission did: when the report counts as received, and whether that is now."""

    unit: str
    received_at: datetime
    changed: bool
    late: bool


@dataclass(frozen=True)
class MediaListing:
    unit: str
    entry: MediaEntry


def load_reports(conn: Connection, plan: Plan,
                 as_of: datetime | None = None) -> list[RegionResult]:
    """Every region's report in plan order, an empty one where nothing was recorded.

    With `as_of`, a report received after that moment is not received yet.  Only the arrival
    is dated: the figures are the ones stored now (the store keeps no history of them).
    """
    r, v, m = REGION_REPORT, REGION_REPORT_VALUE, MEDIA_COVERAGE
    form = plan.results_form
    count_keys = {c.key for c in form.counts}
    text_keys = {c.key for c in form.texts}
    rows = {row.unit_key: row for row in conn.execute(select(r)).all()}
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    texts: dict[str, dict[str, str]] = defaultdict(dict)
    for unit, key, number, text in conn.execute(
            select(v.c.unit_key, v.c.column_key, v.c.number, v.c.text)):
        if key in count_keys and number is not None:
            counts[unit][key] = number
        elif key in text_keys and text is not None:
            texts[unit][key] = text
    media: dict[str, list[MediaEntry]] = defaultdict(list)
    for entry in conn.execute(select(m).order_by(m.c.published_on, m.c.id)).all():
        media[entry.unit_key].append(
            MediaEntry(entry.outlet, entry.published_on, entry.url, entry.id))
    results: list[RegionResult] = []
    for region in plan.regions:
        row = rows.get(region.key)
        entries = tuple(media.get(region.key, ()))
        if row is None:
            results.append(RegionResult(region.key, media_coverage=entries,
                                        entered=bool(entries)))
            continue
        results.append(RegionResult(
            region.key,
            counts=counts.get(region.key, {}),
            texts=texts.get(region.key, {}),
            media_coverage=entries,
            received_at=_known(row.received_at, as_of),
            late=is_late(plan, region.key, _known(row.received_at, as_of)),
            entered=True,
            received_by=row.received_by if _known(row.received_at, as_of) else None,
            received_via=row.received_via if _known(row.received_at, as_of) else None))
    return results


def _known(received_at: datetime | None, as_of: datetime | None) -> datetime | None:
    """When the report arrived, if it had by `as_of` (when given)."""
    if as_of is not None and received_at is not None and received_at > as_of:
        return None
    return received_at


def missing_reports(conn: Connection, plan: Plan, as_of: datetime | None = None) -> list[str]:
    """Region keys, in plan order, whose results report had not been received by `as_of`
    (by now when None)."""
    r = REGION_REPORT
    query = select(r.c.unit_key).where(r.c.received_at.is_not(None))
    if as_of is not None:
        query = query.where(r.c.received_at <= as_of)
    received = set(conn.execute(query).scalars())
    return [region.key for region in plan.regions if region.key not in received]


def _ensure_row(conn: Connection, unit: str, now: datetime) -> None:
    """The region's row, created empty if missing; safe when two commands race to create it.
    Every write of a report passes here: pages kept by a server are renewed (content version)."""
    conn.execute(upsert_insert(conn, REGION_REPORT).values(unit_key=unit, updated_at=now)
                 .on_conflict_do_nothing())
    bump_content_version(conn)


def set_fields(conn: Connection, plan: Plan, unit: str, values: Mapping[str, int | str],
               now: datetime) -> None:
    """Change the given count and text columns of a region's report (by key) and leave the
    others as they are."""
    writable = {c.key: c for c in plan.results_form.writable}
    unknown = set(values) - set(writable)
    if unknown:
        raise ValueError(f"not a writable report column: {', '.join(sorted(unknown))}")
    rows: list[dict[str, Any]] = []
    for key, value in values.items():
        kind = writable[key].kind
        if (kind == "count") != (isinstance(value, int) and not isinstance(value, bool)):
            raise ValueError(f"column {key} holds {'a number' if kind == 'count' else 'text'}, "
                             f"not {value!r}")
        rows.append({"unit_key": unit, "column_key": key,
                     "number": value if kind == "count" else None,
                     "text": value if kind == "text" else None})
    _ensure_row(conn, unit, now)
    if rows:
        statement = upsert_insert(conn, REGION_REPORT_VALUE)
        conn.execute(statement.on_conflict_do_update(
            index_elements=["unit_key", "column_key"],
            set_={"number": statement.excluded.number, "text": statement.excluded.text}), rows)
    conn.execute(update(REGION_REPORT).where(REGION_REPORT.c.unit_key == unit)
                 .values(updated_at=now))


VIAS = ("cli", "import", "link", "mail")
"""How a report can come: `report submit`, `report import`, the region's results page."""


def submit(conn: Connection, plan: Plan, unit: str, now: datetime,
           again: bool = False, by: str | None = None, via: str = "cli") -> Received:
    """Record the report as received now, by `by` through `via`, unless it already was (then
    keep that time, which is what the late flag is judged by, and who sent it) or `again` asks
    to receive it anew."""
    if via not in VIAS:
        raise ValueError(f"not a way a report comes: {via!r}")
    r = REGION_REPORT
    _ensure_row(conn, unit, now)
    statement = update(r).where(r.c.unit_key == unit)
    if not again:
        statement = statement.where(r.c.received_at.is_(None))
    changed = conn.execute(statement.values(received_at=now, updated_at=now, received_by=by,
                                            received_via=via)
                           .returning(r.c.unit_key)).first() is not None
    received_at: datetime = conn.execute(
        select(r.c.received_at).where(r.c.unit_key == unit)).scalar_one()
    return Received(unit, received_at, changed, is_late(plan, unit, received_at))


def add_media(conn: Connection, unit: str, entry: MediaEntry, now: datetime) -> int:
    """Add one media coverage entry to a region's report; its id, for `media remove`."""
    _ensure_row(conn, unit, now)
    m = MEDIA_COVERAGE
    ident: int = conn.execute(
        insert(m).values(unit_key=unit, outlet=entry.outlet, published_on=entry.published_on,
                         url=entry.url).returning(m.c.id)).scalar_one()
    conn.execute(update(REGION_REPORT).where(REGION_REPORT.c.unit_key == unit)
                 .values(updated_at=now))
    return ident


def list_media(conn: Connection, plan: Plan, unit: str | None = None) -> list[MediaListing]:
    """Media coverage entries, regions in plan order, each region's by date."""
    m = MEDIA_COVERAGE
    query = select(m).order_by(m.c.published_on, m.c.id)
    if unit is not None:
        query = query.where(m.c.unit_key == unit)
    order = {key: n for n, key in enumerate(plan.unit_keys)}
    rows = sorted(conn.execute(query).all(), key=lambda row: order.get(row.unit_key, 999))
    return [MediaListing(row.unit_key, MediaEntry(row.outlet, row.published_on, row.url, row.id))
            for row in rows]


def remove_media(conn: Connection, ident: int, now: datetime) -> MediaListing | None:
    """Delete one media coverage entry by id; None when there is no such entry."""
    m = MEDIA_COVERAGE
    row = conn.execute(delete(m).where(m.c.id == ident)
                       .returning(m.c.unit_key, m.c.outlet, m.c.published_on,
                                  m.c.url)).first()
    if row is None:
        return None
    conn.execute(update(REGION_REPORT).where(REGION_REPORT.c.unit_key == row.unit_key)
                 .values(updated_at=now))
    bump_content_version(conn)
    return MediaListing(row.unit_key, MediaEntry(row.outlet, row.published_on, row.url, ident))


def replace_reports(conn: Connection, plan: Plan, reports: Sequence[RegionResult],
                    now: datetime, again: bool = False, by: str | None = None,
                    via: str = "import") -> list[Received]:
    """Replace the given regions' reports (counts, texts, media list) and receive them.

    Used by the import: the file is the region's report as a whole, so what it leaves out
    (a media entry removed since) goes too.  Regions not in `reports` are untouched.
    """
    m = MEDIA_COVERAGE
    outcomes: list[Received] = []
    form = plan.results_form
    for report in reports:
        set_fields(conn, plan, report.unit,
                   {**{c.key: report.count(c.key) for c in form.counts},
                    **{c.key: report.text(c.key) for c in form.texts}}, now)
        conn.execute(delete(m).where(m.c.unit_key == report.unit))
        if report.media_coverage:
            conn.execute(insert(m), [
                {"unit_key": report.unit, "outlet": e.outlet, "published_on": e.published_on,
                 "url": e.url} for e in report.media_coverage])
        outcomes.append(submit(conn, plan, report.unit, now, again=again, by=by, via=via))
    return outcomes
