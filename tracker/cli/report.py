"""`tracker report`: the regions' results report (the 25 April form): enter, receive, import,
show and export it.  Each command parses, calls one function of tracker.reports, and prints."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.output import emit_json
from tracker.cli.params import ROW_ID, BoundedText
from tracker.cli.progress import _BY, _actor
from tracker.fieldrules import FREE_TEXT_MAX, NAME_MAX, TITLE_MAX

if TYPE_CHECKING:
    from tracker.cli.context import Invocation
    from tracker.plan.model import ResultsForm
    from tracker.reports.store import Received

_COUNT = click.IntRange(min=0, max=1_000_000_000)  # reports.fields.MAX_COUNT, kept light
_FILE = click.Path(dir_okay=False, path_type=Path)
_TEXT = BoundedText(FREE_TEXT_MAX, one_line=False)  # reports.fields.parse_text, kept light


@click.group("report")
def report_group() -> None:
    """The regions' results report, due 25 April: «Итоги информационной кампании».

    \b
    Example:
      tracker report set aktobe --class-hours 120 --children-reached 5400
      tracker report submit aktobe
      tracker report import report.xlsx
      tracker report show
      tracker report export report.xlsx
    """


class _FormColumnsCommand(click.Command):
    """A command with an option per count and text column of the plan's results form:
    `--class-hours N`, `--other TEXT`.

    Click needs a command's options before it parses the command line, and the columns are
    the loaded plan's, so the options are made then, from the plan in the database (which the
    command reads anyway), or from the bundled plan.yaml where no database can be read yet, so
    that `--help` works anywhere (the command itself then fails as any other would)."""

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        help_option = self.get_help_option(ctx)
        return [*self.params, *_column_options(ctx), *([help_option] if help_option else [])]


def _column_options(ctx: click.Context) -> list[click.Parameter]:
    cached: list[click.Parameter] | None = ctx.meta.get("tracker.column_options")
    if cached is None:
        cached = [click.Option([column.option, column.key],
                               type=_COUNT if column.kind == "count" else _TEXT,
                               help=f"{column.hint}.")
                  for column in _form(ctx).writable]
        ctx.meta["tracker.column_options"] = cached
    return cached


def _form(ctx: click.Context) -> ResultsForm:
    """The loaded plan's results form, or the bundled plan's where none can be read."""
    from sqlalchemy.exc import SQLAlchemyError

    from tracker.cli.context import Invocation
    from tracker.errors import RuntimeFailure
    from tracker.plan.resultsform import bundled_results_form

    inv = ctx.find_object(Invocation)
    if inv is not None:
        try:
            return inv.plan().results_form
        except (RuntimeFailure, SQLAlchemyError):
            inv.close()  # the command opens it anew, and says what is wrong
    return bundled_results_form()


@report_group.command("set", cls=_FormColumnsCommand)
@click.argument("region")
@click.pass_obj
def report_set(inv: Invocation, /, region: str, **given: int | str | None) -> None:
    """Enter figures of a region's report; the columns not given stay as they are.

    REGION is a key (aktobe) or the region's Russian or Kazakh name.  Entering figures does
    not count as receiving the report: run `tracker report submit REGION` for that.

    \b
    Example:
      tracker report set aktobe --school-assemblies 310 --class-hours 1250 --meetings 87
      tracker report set astana --other "Круглый стол с родителями, 18.04"
    """
    from tracker.errors import UserError
    from tracker.reports.regions import require_region
    from tracker.reports.store import set_fields

    plan = inv.plan()
    unit = require_region(region, plan, inv.lang)
    columns = plan.results_form.writable
    values: dict[str, int | str] = {}
    for column in columns:
        value = given.get(column.key)
        if value is not None:
            values[column.key] = value
    unknown = [key for key, value in given.items() if value is not None and key not in values]
    if unknown:  # options made from another plan than the one now loaded
        raise UserError(f"the plan's results form has no column {', '.join(unknown)}")
    if not values:
        options = ", ".join(c.option for c in columns)
        from tracker.wording import say

        raise UserError(say(inv.lang, "error.nothing_to_set", options=options))
    with inv.database().writing() as conn:
        set_fields(conn, plan, unit, values, inv.now)
    from tracker.wording import say

    labels = {c.key: c.key if inv.lang == "en" else c.short.get(inv.lang) for c in columns}
    shown = ", ".join(f"{labels[k]} {v!r}" if isinstance(v, str) else f"{labels[k]} {v}"
                      for k, v in values.items())
    click.echo(say(inv.lang, "report.set", region=_region_name(inv, unit), values=shown))


@report_group.command("submit")
@click.argument("region")
@click.option("--again", is_flag=True,
              help="Receive it anew at the current time (the first time is kept otherwise).")
@_BY
@click.pass_obj
def report_submit(inv: Invocation, region: str, again: bool, by: str | None) -> None:
    """Record a region's report as received now (--now); after 25 April there, it is late.

    The deadline is the end of 25 April in the region's own time zone (Aktobe was UTC+5 in
    2017, Astana UTC+6).  Submitting again keeps the first time unless --again.

    \b
    Example:
      tracker report submit aktobe
      tracker --now 2017-04-25T18:00+05:00 report submit aktobe --again
    """
    from tracker.reports.regions import require_region
    from tracker.reports.store import submit

    plan = inv.plan()
    unit = require_region(region, plan, inv.lang)
    with inv.database().writing() as conn:
        outcome = submit(conn, plan, unit, inv.now, again=again, by=_actor(by), via="cli")
    click.echo(_received_line(inv, outcome))


def _region_name(inv: Invocation, unit: str) -> str:
    """A region as the lines here name it: its key in English, its name in kk and ru."""
    return unit if inv.lang == "en" else inv.plan().unit_name(unit, inv.lang)


def _received_line(inv: Invocation, outcome: Received) -> str:
    from tracker.timefmt import local
    from tracker.wording import say

    plan = inv.plan()
    when = local(outcome.received_at, plan.unit_timezone(outcome.unit))
    due = plan.day_of(plan.deadlines.results_report).isoformat()
    verdict = (say(inv.lang, "report.late", due=due) if outcome.late
               else say(inv.lang, "report.on_time"))
    return say(inv.lang, "report.received" if outcome.changed else "report.kept",
               region=_region_name(inv, outcome.unit), when=when, verdict=verdict)


@report_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def report_show(inv: Invocation, as_json: bool) -> None:
    """Show every region's report, the national totals, and who is missing or late.

    Region names follow --lang; `·` marks a region with nothing entered yet.

    \b
    Example:
      tracker --lang ru report show
      tracker report show --json
    """
    from tracker.reports.store import load_reports
    from tracker.views.reports import render_report, report_json

    plan = inv.plan()
    with inv.database().reading() as conn:
        results = load_reports(conn, plan, as_of=inv.now)
    if as_json:
        emit_json(report_json(plan, results))
    else:
        click.echo(render_report(plan, results, inv.lang))


@report_group.command("import")
@click.argument("file", type=_FILE)
@click.option("--again", is_flag=True,
              help="Count regions already received as received anew now.")
@_BY
@click.pass_obj
def report_import(inv: Invocation, file: Path, again: bool, by: str | None) -> None:
    """Import a filled-in form (.xlsx or .csv) and receive its regions' reports.

    One row per region, the region named in Russian («Актюбинская область»), Kazakh or by key;
    headers are the form's Russian ones or the keys.  Media coverage: entries separated by `;`
    or line breaks, each `Outlet, DD.MM.YYYY` (or YYYY-MM-DD), optionally `, https://...`.  A
    totals row is ignored.  The file's regions are replaced as a whole (media lists included);
    other regions are untouched.  All or nothing: one bad cell rejects the file.

    \b
    Example:
      tracker report import report.xlsx
      tracker --now 2017-04-24T17:00+06:00 report import astana.csv
    """
    from tracker.errors import UserError
    from tracker.reports.importer import read_reports
    from tracker.reports.store import replace_reports
    from tracker.wording import say

    plan = inv.plan()
    imported = read_reports(file, plan, str(file), inv.lang)
    if not imported.reports:
        raise UserError(say(inv.lang, "error.no_figures", file=file))
    with inv.database().writing() as conn:
        outcomes = replace_reports(conn, plan, imported.reports, inv.now, again=again,
                                   by=_actor(by), via="import")

    def names(units: list[str]) -> str:
        return ", ".join(_region_name(inv, u) for u in units)

    click.echo(say(inv.lang, "report.imported", file=file, n=len(outcomes),
                   regions=names([o.unit for o in outcomes])))
    kept = [o.unit for o in outcomes if not o.changed]
    late = [o.unit for o in outcomes if o.late]
    if kept:
        click.echo(say(inv.lang, "report.import_kept", regions=names(kept)))
    if late:
        click.echo(say(inv.lang, "report.import_late", regions=names(late)))
    if imported.blank:
        click.echo(say(inv.lang, "report.import_blank", regions=names(list(imported.blank))))


@report_group.command("export")
@click.argument("file", type=_FILE)
@click.option("--delimiter", type=click.Choice([";", ","]), default=";", show_default=True,
              help="CSV only: the field separator (`;` suits Excel in Russian and Kazakh).")
@click.pass_obj
def report_export(inv: Invocation, file: Path, delimiter: str) -> None:
    """Write the form as the ministry knows it: .xlsx (with its title) or .csv.

    Russian headers and region names, one row per region in plan order, an «Итого» row.
    `tracker report import` reads either file back.

    \b
    Example:
      tracker report export itogi.xlsx
      tracker report export itogi.csv --delimiter ,
    """
    from tracker.reports.exporter import export_report
    from tracker.reports.store import load_reports

    plan = inv.plan()
    with inv.database().reading() as conn:
        results = load_reports(conn, plan)
    from tracker.wording import say

    export_report(file, plan, results, delimiter)
    received = sum(r.received for r in results)
    click.echo(say(inv.lang, "report.exported", file=file, regions=len(results),
                   received=received))


@report_group.group("media")
def media_group() -> None:
    """A region's «Освещение в СМИ»: outlets and dates of publications.

    \b
    Example:
      tracker report media add aktobe --outlet "Ақтөбе" --date 2017-04-12
      tracker report media list aktobe
    """


@media_group.command("add")
@click.argument("region")
@click.option("--outlet", required=True, type=BoundedText(NAME_MAX),
              help="Name of the newspaper, channel or site.")
@click.option("--date", "day", required=True, metavar="DATE",
              help="Date of publication (2017-04-12 or 12.04.2017).")
@click.option("--url", type=BoundedText(TITLE_MAX),
              help="Link to the publication (http or https).")
@click.pass_obj
def media_add(inv: Invocation, region: str, outlet: str, day: str, url: str | None) -> None:
    """Add a publication to a region's media coverage; prints its id.

    \b
    Example:
      tracker report media add aktobe --outlet "Ақтөбе" --date 2017-04-12 \\
          --url https://aktobegazeti.kz/2017/04/12/qauipsiz-internet
    """
    from tracker.cli.params import day_option
    from tracker.errors import UserError
    from tracker.reports.fields import CellError, MediaEntry, check_outlet, check_url
    from tracker.reports.regions import require_region
    from tracker.reports.store import add_media
    from tracker.wording import say

    plan = inv.plan()
    unit = require_region(region, plan, inv.lang)
    published = day_option(day, "--date", inv.lang)
    try:
        entry = MediaEntry(check_outlet(outlet), published,
                           check_url(url) if url is not None else None)
    except CellError as exc:
        raise UserError(f"media add: {exc.said(inv.lang)}") from None
    with inv.database().writing() as conn:
        ident = add_media(conn, unit, entry, inv.now)
    shown = f"{entry.outlet}, {entry.published_on.isoformat()}" + (
        f", {entry.url}" if entry.url else "")
    click.echo(say(inv.lang, "media.added", region=_region_name(inv, unit), id=ident,
                   entry=shown))


@media_group.command("list")
@click.argument("region", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def media_list(inv: Invocation, region: str | None, as_json: bool) -> None:
    """List media coverage entries with their ids, of one region or of all.

    \b
    Example:
      tracker report media list aktobe --json
    """
    from tracker.reports.regions import require_region
    from tracker.reports.store import list_media
    from tracker.views.reports import media_list_json, render_media

    plan = inv.plan()
    unit = require_region(region, plan, inv.lang) if region is not None else None
    with inv.database().reading() as conn:
        listing = list_media(conn, plan, unit)
    if as_json:
        emit_json(media_list_json(listing))
    else:
        click.echo(render_media(plan, listing, inv.lang))


@media_group.command("remove")
@click.argument("ident", metavar="ID", type=ROW_ID)
@click.pass_obj
def media_remove(inv: Invocation, ident: int) -> None:
    """Remove a media coverage entry by its id (see `tracker report media list`).

    \b
    Example:
      tracker report media remove 7
    """
    from tracker.errors import UserError
    from tracker.reports.store import remove_media

    with inv.database().writing() as conn:
        removed = remove_media(conn, ident, inv.now)
        if removed is None:
            from tracker.wording import say

            raise UserError(say(inv.lang, "error.no_media", id=ident))
    from tracker.wording import say

    click.echo(say(inv.lang, "media.removed", region=_region_name(inv, removed.unit), id=ident,
                   entry=f"{removed.entry.outlet}, {removed.entry.published_on.isoformat()}"))


COMMANDS = [report_group]
