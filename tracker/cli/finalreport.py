"""`tracker final-report`: the draft of the final information to the Minister (plan item 26)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from tracker.cli.context import Invocation

_LANGUAGES = {"kk": "Kazakh", "ru": "Russian"}


@click.command("final-report")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", "lang", type=click.Choice(sorted(_LANGUAGES)),
              help="Language of the report [default: the global --lang if kk or ru, else ru].")
@click.pass_obj
def write_minister_draft(inv: Invocation, file: Path, lang: str | None) -> None:
    """Write a draft of the final information to the Minister (item 26): FILE.docx or FILE.md.

    The draft gives the campaign's dates, organisers and the plan's approval; for every measure,
    section by section, in how many regions it was done and which regions have not done it or
    done it only in part (by name); an overall summary; the national totals and the figures by
    region of the results reports, with the regions whose report is missing or was late; and
    the media coverage.  It is marked as a draft with the moment it was made (--now, in the
    campaign's time zone), for the committee's staff to check and edit.

    \b
    Example:
      tracker final-report itogi.docx --lang ru
      tracker --lang kk final-report qorytyndy.md
    """
    from tracker.finalreport import check_target, write_report
    from tracker.finalreport.content import build_report
    from tracker.progress.status import load_grid
    from tracker.reports.store import load_reports

    check_target(file)
    chosen = lang or (inv.lang if inv.lang in _LANGUAGES else "ru")
    plan = inv.plan()
    with inv.database().reading() as conn:
        grid = load_grid(conn, plan, inv.now)
        results = load_reports(conn, plan, as_of=inv.now)
    write_report(file, build_report(plan, grid, results, inv.now, chosen))
    from tracker.wording import say

    done = sum(cell.state == "done" for cell in grid.cells)
    received = sum(result.received for result in results)
    click.echo(say(inv.lang, "final.wrote", file=file, language=say(inv.lang, f"language.{chosen}"),
                   done=done, cells=len(grid.cells), received=received, regions=len(results),
                   media=sum(len(r.media_coverage) for r in results)))


COMMANDS = [write_minister_draft]
