"""Setting up: `tracker init`, `tracker plan check`, `tracker plan load`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.output import emit_json

if TYPE_CHECKING:
    from tracker.cli.context import Invocation
    from tracker.plan.model import Plan

_PLAN_PATH = click.Path(dir_okay=False, path_type=Path)


def _read_plan(path: Path | None) -> Plan:
    from tracker.plan.loader import load_plan
    from tracker.resources import bundled

    if path is None:
        return load_plan(bundled("plan.yaml"), "plan.yaml")
    if not path.exists():
        from tracker.errors import UserError

        raise UserError(f"{path}: file not found")
    return load_plan(path, str(path))


def _load(inv: Invocation, path: Path | None, create: bool) -> None:
    from tracker.store.database import describe
    from tracker.store.plansync import sync_plan

    plan = _read_plan(path)
    db = inv.database(create=create)
    if create:
        from tracker.store.database import MissingDatabase, create_postgres_database
        from tracker.store.schema import current_revision, upgrade

        try:
            current_revision(db)  # refuses a file or database of something else
        except MissingDatabase as missing:
            create_postgres_database(missing)
            click.echo(f"created the PostgreSQL database {missing.name}")
        upgrade(db)
    else:
        from tracker.store.schema import ensure_current

        ensure_current(db)
    with db.writing() as conn:
        report = sync_plan(conn, plan, inv.now)
    where = describe(db.url)
    if report.created:
        click.echo(f"loaded {plan.key}: {len(plan.items)} items, {len(plan.regions)} regions, "
                   f"{report.added.get('assignments', 0)} assignments into {where}")
    elif report.changed:
        parts = [f"{verb} {n} {what}" for verb, counts in
                 (("added", report.added), ("updated", report.updated),
                  ("removed", report.removed)) for what, n in counts.items() if n]
        click.echo(f"updated {plan.key} in {where}: " + ", ".join(parts))
    else:
        click.echo(f"{plan.key} in {where} is up to date with {plan.source}")


@click.command()
@click.option("--plan", "plan_path", type=_PLAN_PATH, metavar="FILE",
              help="Plan file to load (default: the bundled plan.yaml).")
@click.pass_obj
def init(inv: Invocation, plan_path: Path | None) -> None:
    """Create or upgrade the database and load the plan.

    Safe to run again: it upgrades the schema and re-syncs the plan.

    \b
    Example:
      tracker init
      tracker --db postgresql://tracker@db.example/tracker init --plan plan.yaml
    """
    _load(inv, plan_path, create=True)


@click.group()
def plan() -> None:
    """Check or load a plan file."""


@plan.command("check")
@click.argument("file", required=False, type=_PLAN_PATH)
@click.option("--json", "as_json", is_flag=True, help="Print the plan's items as JSON.")
def plan_check(file: Path | None, as_json: bool) -> None:
    """Validate a plan file (default: the bundled plan.yaml).

    Prints the first problem with file, line and field, and exits with status 2.

    \b
    Example:
      tracker plan check plan.yaml
    """
    checked = _read_plan(file)
    if as_json:
        from tracker.views.plan import item_json

        emit_json([item_json(checked, item, "kk") for item in checked.items])
        return
    click.echo(f"{checked.source}: ok: {len(checked.items)} items in {len(checked.sections)} "
               f"sections, {len(checked.regions)} regions, {len(checked.bodies)} bodies, "
               f"{len(checked.assignments())} assignments")


@plan.command("load")
@click.argument("file", type=_PLAN_PATH)
@click.pass_obj
def plan_load(inv: Invocation, file: Path) -> None:
    """Re-sync the database with an edited plan file.

    Edited titles and dates apply; removing an item or region that has recorded progress is
    refused.  Loading the same file twice changes nothing.

    \b
    Example:
      tracker plan load plan.yaml
    """
    _load(inv, file, create=False)


COMMANDS = [init, plan]
