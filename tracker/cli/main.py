"""The `tracker` command group, its global options and its error handling."""

from __future__ import annotations

import os
import re
import sys
from typing import Any

import click

from tracker.errors import RuntimeFailure, UserError


class ReportedError(click.ClickException):
    """A UserError or RuntimeFailure shown as one line, with its exit status."""

    def __init__(self, message: str, exit_code: int, lang: str) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]
        self.lang = lang

    def show(self, file: Any = None) -> None:
        from tracker.wording import say

        click.echo(f"{say(self.lang, 'error.prefix')}: {one_line(self.format_message())}",
                   err=True)


def reader_language(ctx: click.Context | None) -> str:
    """The language the person chose: the Invocation's, or (when the failure came before it
    was built: a --db that cannot be read) --lang as parsed or TRACKER_LANG, else Kazakh, the
    default of `--lang`."""
    root = ctx.find_root() if ctx is not None else None
    lang = (getattr(root.obj, "lang", None) or root.params.get("lang") if root is not None
            else None) or os.environ.get("TRACKER_LANG", "")
    return lang if lang in ("kk", "ru", "en") else "kk"


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def one_line(message: str) -> str:
    """The message as one terminal line: a CR from a Windows file or a line break in a file name
    that the message quotes is shown escaped (\\r), instead of breaking or overwriting it."""
    return _CONTROL.sub(lambda found: repr(found.group())[1:-1], message)


def _database_failure(exc: Exception, url: str | None, lang: str) -> ReportedError | None:
    """SQLAlchemy's errors from the database, met by any command at any statement, as one
    readable line (sqlalchemy is imported only when it raised): a file that is not an SQLite
    database, a PostgreSQL database that does not exist, a server that cannot be reached."""
    if not type(exc).__module__.startswith("sqlalchemy"):
        return None
    if url is not None:
        from tracker.store.database import known_failure

        known = known_failure(exc, url)
        if known is not None:
            return ReportedError(known.in_language(lang), known.exit_code, lang)
    if type(exc).__name__ in ("OperationalError", "InterfaceError", "DatabaseError"):
        orig = getattr(exc, "orig", None) or exc
        first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
        from tracker.wording import say

        return ReportedError(say(lang, "database.error", detail=first), 1, lang)
    return None


class TrackerGroup(click.Group):
    """Turns the tool's own errors into messages and exit statuses, not tracebacks."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Like click's, but a usage error is one line, as every other error here."""
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":
                # `tracker` alone (click 8.2+): the whole help as click shows it, not one line
                exc.show()
                sys.exit(exc.exit_code)
            where = f"{exc.ctx.command_path}: " if exc.ctx else ""
            ReportedError(where + exc.format_message(), exc.exit_code,
                          reader_language(exc.ctx)).show()
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("aborted", err=True)
            sys.exit(1)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Refuse arguments that are not UTF-8 (a cp1251 terminal, say) before they reach the
        database, which cannot store them: Python hands such bytes over as lone surrogates."""
        for arg in args:
            if _SURROGATE.search(arg):
                shown = arg.encode("utf-8", "backslashreplace").decode("utf-8")
                raise click.UsageError(f"argument '{shown}' is not UTF-8 text: set the terminal "
                                       "to UTF-8", ctx)
        from tracker.cli.globalopts import hoist_global_options

        return super().parse_args(ctx, hoist_global_options(self, ctx, args))

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (UserError, RuntimeFailure) as exc:
            lang = reader_language(ctx)
            raise ReportedError(exc.in_language(lang), exc.exit_code, lang) from None
        except Exception as exc:
            reported = _database_failure(exc, getattr(ctx.obj, "db_url", None),
                                         reader_language(ctx))
            if reported is None:
                raise
            raise reported from None
        finally:
            inv = ctx.obj
            if inv is not None and hasattr(inv, "close"):
                inv.close()


@click.group(cls=TrackerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", metavar="URL", envvar="TRACKER_DATABASE_URL",
              help="Database URL or SQLite file path [env TRACKER_DATABASE_URL; default "
                   "~/.local/share/tracker/tracker.db].")
@click.option("--now", "now", metavar="ISO-8601", envvar="TRACKER_NOW",
              help="Pretend it is this moment (for simulation); default the real clock.")
@click.option("--lang", type=click.Choice(["kk", "ru", "en"]), envvar="TRACKER_LANG",
              default="kk", show_default=True, help="Language of titles and names in output.")
@click.version_option(package_name="tracker")
@click.pass_context
def cli(ctx: click.Context, db: str | None, now: str | None, lang: str) -> None:
    """Track the «Қауіпсіз интернет» campaign plan: who has done what, and remind them.

    The options below may also follow the command (`tracker status --lang ru`); given both
    before and after it, the one after wins.

    \b
    Start with:  tracker init
    Then:        tracker status
                 tracker mark 5-11 --region aktobe --note "Хат № 12"
    """
    from tracker.cli.context import Invocation, parse_now
    from tracker.store.database import resolve_url

    ctx.obj = Invocation(db_url=resolve_url(db, os.environ), now=parse_now(now), lang=lang,
                         now_given=bool(now))


def _register() -> None:
    from tracker.cli import (
        calendar,
        digest,
        doctor,
        finalreport,
        inbox,
        mail,
        progress,
        report,
        setup,
        web,
    )

    for module in (setup, progress, mail, inbox, report, digest, finalreport, doctor, web,
                   calendar):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="tracker")
