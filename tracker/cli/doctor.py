"""`tracker doctor`: check configuration, database, mail server, contacts and outbox."""

from __future__ import annotations

import click


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--no-smtp", "no_smtp", is_flag=True,
              help="Do not contact the mail servers, SMTP and IMAP (e.g. on a machine without "
                   "access to them).")
@click.pass_obj
def doctor(inv: object, as_json: bool, no_smtp: bool) -> None:
    """Check that reminders can go out and list what needs attention, one line per finding.

    Checks the SMTP settings in the environment (the password is never shown), the database
    and its schema, the mail server (connects, STARTTLS, logs in, QUIT: nothing is sent), the
    contacts (gaps, managers), the outbox (failed, uncertain or stuck mail) and, when
    TRACKER_IMAP_HOST is set, the inbox (logs in and looks at the folder: nothing is read).
    Exit status 0 when all is well, 1 when something needs attention.

    \b
    Example:
      tracker doctor
      tracker doctor --no-smtp --json
    """
    import os

    from tracker.cli.context import Invocation
    from tracker.cli.output import emit_json
    from tracker.doctor import examine

    assert isinstance(inv, Invocation)
    report = examine(inv.db_url, inv.now, os.environ, smtp=not no_smtp)
    if as_json:
        emit_json({"healthy": report.healthy,
                   "findings": [{"area": f.area, "status": f.status,
                                 "detail": f.phrase.in_language(inv.lang)}
                                for f in report.findings]})
    else:
        for finding in report.findings:
            click.echo(finding.line(inv.lang))
    if not report.healthy:
        raise SystemExit(1)


COMMANDS = [doctor]
