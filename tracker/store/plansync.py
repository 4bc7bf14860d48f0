"""Loading a plan into the database, again and again without harm.

`tracker init` and `tracker plan load` both end here.  Re-loading the same file changes nothing;
an edited title or date applies; an item, region or body that disappears from the file is removed
only if nobody has recorded progress on it, because silently dropping recorded work would lose
what staff entered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Table, delete, insert, select, update

from tracker.errors import UserError
from tracker.plan.codec import plan_to_dict
from tracker.plan.model import NATIONAL, Plan
from tracker.store.models import ASSIGNMENT, BODY, CAMPAIGN, EVENT, ITEM, UNIT


@dataclass
class SyncReport:
    created: bool = False
    added: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.created or any((*self.added.values(), *self.removed.values(),
                                    *self.updated.values()))


def sync_plan(conn: Connection, plan: Plan, now: datetime) -> SyncReport:
    """Make the database describe `plan`; refuse to drop anything with recorded progress."""
    report = SyncReport()
    _sync_campaign(conn, plan, now, report)
    _sync_rows(conn, UNIT, "key", _unit_rows(plan), report, "units")
    _sync_rows(conn, BODY, "key", _body_rows(plan), report, "bodies")
    _sync_rows(conn, ITEM, "number", _item_rows(plan), report, "items")
    _sync_assignments(conn, plan, now, report)
    _delete_missing(conn, ITEM, "number", {i.number for i in plan.items}, report, "items")
    _delete_missing(conn, UNIT, "key", set(plan.unit_keys), report, "units")
    _delete_missing(conn, BODY, "key", set(plan.bodies), report, "bodies")
    if report.changed:
        from tracker.store.settings import bump_content_version

        bump_content_version(conn)
    return report


def _sync_campaign(conn: Connection, plan: Plan, now: datetime, report: SyncReport) -> None:
    plan_json = json.dumps(plan_to_dict(plan), ensure_ascii=False, sort_keys=True)
    existing = conn.execute(select(CAMPAIGN.c.key, CAMPAIGN.c.plan_json)).all()
    if not existing:
        conn.execute(insert(CAMPAIGN).values(key=plan.key, plan_json=plan_json, loaded_at=now))
        report.created = True
        return
    key, stored = existing[0]
    if key != plan.key:
        raise UserError(f"{plan.source}: this database tracks campaign '{key}', the file "
                        f"describes '{plan.key}'; use another database for another campaign")
    if stored != plan_json:
        conn.execute(update(CAMPAIGN).values(plan_json=plan_json, loaded_at=now))
        report.updated["campaign"] = 1


def _unit_rows(plan: Plan) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"key": r.key, "kind": "region", "name_kk": r.name.kk, "name_ru": r.name.ru,
         "name_en": r.name.en, "timezone": r.timezone, "position": index}
        for index, r in enumerate(plan.regions)]
    rows.append({"key": NATIONAL, "kind": "national", "name_kk": plan.unit_name(NATIONAL, "kk"),
                 "name_ru": plan.unit_name(NATIONAL, "ru"),
                 "name_en": plan.unit_name(NATIONAL, "en"), "timezone": plan.timezone,
                 "position": len(plan.regions)})
    return rows


def _body_rows(plan: Plan) -> list[dict[str, object]]:
    return [{"key": b.key, "level": b.level, "by_agreement": b.by_agreement, "name_kk": b.name.kk,
             "name_ru": b.name.ru, "name_en": b.name.en} for b in plan.bodies.values()]


def _item_rows(plan: Plan) -> list[dict[str, object]]:
    return [{"number": i.number, "section": i.section, "title_kk": i.title.kk,
             "title_ru": i.title.ru, "title_en": i.title.en, "form": i.form,
             "due_kind": i.due.kind, "due_date": plan.due_date(i)} for i in plan.items]


def _sync_rows(conn: Connection, table: Table, key: str, rows: list[dict[str, object]],
               report: SyncReport, label: str) -> None:
    """Insert new rows and update changed ones (deletions come after assignments)."""
    columns = list(rows[0]) if rows else []
    existing = {row[0]: tuple(row[1:]) for row in
                conn.execute(select(*(table.c[c] for c in [key, *columns]))).all()}
    new = [r for r in rows if r[key] not in existing]
    changed = [r for r in rows if r[key] in existing
               and existing[r[key]] != tuple(r[c] for c in [key, *columns])[1:]]
    if new:
        conn.execute(insert(table), new)
        report.added[label] = len(new)
    for row in changed:
        conn.execute(update(table).where(table.c[key] == row[key]).values(**row))
    if changed:
        report.updated[label] = len(changed)


def _sync_assignments(conn: Connection, plan: Plan, now: datetime, report: SyncReport) -> None:
    wanted: dict[tuple[int, str, str], bool] = {}
    for item in plan.items:
        for unit in plan.units_of(item):
            required = set(plan.required_bodies(item, unit))
            for body in plan.bodies_in(item, unit):
                wanted[(item.number, unit, body)] = body in required
    a = ASSIGNMENT
    existing = {(r.item_number, r.unit_key, r.body_key): (r.id, r.required) for r in
                conn.execute(select(a.c.id, a.c.item_number, a.c.unit_key, a.c.body_key,
                                    a.c.required)).all()}
    gone = [(ident, key) for key, (ident, _) in existing.items() if key not in wanted]
    if gone:
        ids = [ident for ident, _ in gone]
        worked = conn.execute(
            select(a.c.item_number, a.c.unit_key, a.c.body_key)
            .where(a.c.id.in_(ids))
            .where(a.c.id.in_(select(EVENT.c.assignment_id)))
            .order_by(a.c.item_number, a.c.unit_key).limit(1)).first()
        if worked:
            item, unit, body = worked
            raise UserError(f"{plan.source}: refusing to remove item {item} for {unit} ({body}): "
                            "progress has been recorded on it; unmark it first or keep it in the "
                            "plan")
        for start in range(0, len(ids), 5000):
            conn.execute(delete(a).where(a.c.id.in_(ids[start:start + 5000])))
        report.removed["assignments"] = len(ids)
    new = [{"item_number": k[0], "unit_key": k[1], "body_key": k[2], "required": req,
            "state": "pending", "updated_at": now}
           for k, req in wanted.items() if k not in existing]
    if new:
        conn.execute(insert(a), new)
        report.added["assignments"] = len(new)
    flipped = [(existing[k][0], req) for k, req in wanted.items()
               if k in existing and existing[k][1] != req]
    for ident, req in flipped:
        conn.execute(update(a).where(a.c.id == ident).values(required=req))
    if flipped:
        report.updated["assignments"] = len(flipped)


def _delete_missing(conn: Connection, table: Table, key: str, keep: set[object],
                    report: SyncReport, label: str) -> None:
    present = set(conn.execute(select(table.c[key])).scalars())
    gone = present - keep
    if gone:
        conn.execute(delete(table).where(table.c[key].in_(gone)))
        report.removed[label] = len(gone)
