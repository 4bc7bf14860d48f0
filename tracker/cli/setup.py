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


def _read_plan(path: Path | None, lang: str) -> Plan:
    """The plan file, or the bundled plan; its refusal said in the reader's language."""
    from tracker.errors import PlanError, UserError
    from tracker.plan.loader import load_plan
    from tracker.resources import bundled

    if path is None:
        return load_plan(bundled("plan.yaml"), "plan.yaml")
    if not path.exists():
        from tracker.wording import say

        raise UserError(say(lang, "error.file_missing", file=path))
    try:
        return load_plan(path, str(path))
    except PlanError as exc:
        raise UserError(exc.in_language(lang)) from None


def _load(inv: Invocation, path: Path | None, create: bool) -> None:
    from tracker.store.database import describe
    from tracker.store.plansync import sync_plan
    from tracker.wording import WORDS, say

    lang = inv.lang
    plan = _read_plan(path, lang)
    db = inv.database(create=create)
    key_file, new_key = None, False
    if create:
        from tracker.store.database import MissingDatabase, create_postgres_database
        from tracker.store.schema import current_revision, upgrade

        try:
            current_revision(db)  # refuses a file or database of something else
        except MissingDatabase as missing:
            create_postgres_database(missing)
            click.echo(say(lang, "db.created", name=missing.name))
        upgrade(db)
        import os

        from tracker.access.secretkey import ensure_key

        key_file, new_key = ensure_key(db.url, os.environ)
    else:
        from tracker.store.schema import ensure_current

        ensure_current(db)
    with db.writing() as conn:
        report = sync_plan(conn, plan, inv.now)
    where = describe(db.url)
    if report.created:
        click.echo(say(lang, "init.loaded", plan=plan.key, items=len(plan.items),
                       regions=len(plan.regions),
                       assignments=report.added.get("assignments", 0), where=where))
    elif report.changed:
        parts = [say(lang, "init.part", verb=say(lang, f"init.{verb}"), n=n,
                     what=say(lang, f"thing.{what}") if f"thing.{what}" in WORDS else what)
                 for verb, counts in (("added", report.added), ("changed", report.updated),
                                      ("removed", report.removed))
                 for what, n in counts.items() if n]
        click.echo(say(lang, "init.updated", plan=plan.key, where=where, parts=", ".join(parts)))
    else:
        click.echo(say(lang, "init.current", plan=plan.key, where=where, source=plan.source))
    if create and new_key:
        click.echo(say(lang, "key.created", file=key_file))


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
@click.pass_obj
def plan_check(inv: Invocation, file: Path | None, as_json: bool) -> None:
    """Validate a plan file (default: the bundled plan.yaml).

    Prints the first problem with file, line and field, and exits with status 2.

    \b
    Example:
      tracker plan check plan.yaml
    """
    from tracker.wording import say

    checked = _read_plan(file, inv.lang)
    if as_json:
        from tracker.views.plan import item_json

        emit_json([item_json(checked, item, "kk") for item in checked.items])
        return
    click.echo(say(inv.lang, "plan.ok", file=checked.source, items=len(checked.items),
                   sections=len(checked.sections), regions=len(checked.regions),
                   bodies=len(checked.bodies), assignments=len(checked.assignments())))


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
