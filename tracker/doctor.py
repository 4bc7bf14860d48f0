"""`tracker doctor`: can reminders go out, and does anything need a person?

Each check answers one question staff would otherwise find out the hard way (a reminder that never
left, a mail server that refuses the password on the first deadline day).  Checks never change
anything: the mail server is contacted, secured and logged in to, then left with QUIT before any
MAIL command, so no message can be sent.  A check that depends on an earlier one that failed says
so instead of failing a second time with a more confusing message.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from tracker.errors import RuntimeFailure, UserError

if TYPE_CHECKING:  # for annotations; each check imports what it uses
    from notifications.settings import SmtpSettings
    from tracker.mail.senders import RetryPolicy
    from tracker.store.database import Database

Status = Literal["ok", "problem", "skipped"]

PROBE_TIMEOUT = 10.0
"""Seconds to wait for the mail server: a doctor that hangs for the full send timeout helps
nobody, and a server this slow to greet deserves a line anyway."""

OVERDUE_AFTER = timedelta(hours=1)
"""Pending mail due longer ago than this means no daemon is delivering (ticks are minutes)."""


@dataclass(frozen=True)
class Finding:
    """One line of the report: which area, ok or not, and what a person should know."""

    area: str
    status: Status
    detail: str

    def line(self) -> str:
        return f"{self.status:<8} {self.area}: {self.detail}"


@dataclass
class Report:
    """The findings in the order they were checked: the order a person fixes them in."""

    findings: list[Finding] = dataclasses.field(default_factory=list)

    def add(self, area: str, status: Status, detail: str) -> None:
        self.findings.append(Finding(area, status, detail))

    @property
    def healthy(self) -> bool:
        """Skipped checks do not count: the problem that made them skip already does."""
        return all(f.status != "problem" for f in self.findings)


def examine(db_url: str, now: datetime, environ: Mapping[str, str] = os.environ,
            smtp: bool = True) -> Report:
    """Run every check in order; never raises for anything a person could fix."""
    report = Report()
    settings = _check_configuration(report, environ)
    policy = _check_policy(report, environ)
    db = _check_database(report, db_url)
    _check_pace(report, environ, db, settings, now)
    if db is not None:
        try:
            _check_contacts(report, db)
            _check_outbox(report, db, now, policy)
        finally:
            db.dispose()
    else:
        report.add("contacts", "skipped", "the database cannot be used (see above)")
        report.add("outbox", "skipped", "the database cannot be used (see above)")
    if not smtp:
        report.add("mail server", "skipped", "not contacted (--no-smtp)")
    elif settings is None:
        report.add("mail server", "skipped", "the mail configuration is incomplete (see above)")
    else:
        _check_mail_server(report, settings)
    return report


def _check_configuration(report: Report, environ: Mapping[str, str]) -> SmtpSettings | None:
    """The SMTP settings exactly as `tracker run` reads them, so a typo shows before a tick."""
    from notifications.errors import SmtpConfigError
    from notifications.settings import SmtpSettings

    try:
        settings = SmtpSettings.from_env(environ)
    except SmtpConfigError as exc:
        # SmtpConfigError never carries the password (notifications.settings promises it).
        report.add("configuration", "problem", str(exc))
        return None
    login = f"user {settings.username}" if settings.username else "no login"
    detail = (f"SMTP {settings.host}:{settings.port} ({settings.security}), {login}, "
              f"from {settings.mail_from}")
    if settings.security == "none":
        report.add("configuration", "ok", detail + "; TLS is off (TRACKER_SMTP_SECURITY=none): "
                   "only for a relay on a trusted network")
    else:
        report.add("configuration", "ok", detail)
    return settings


def _check_policy(report: Report, environ: Mapping[str, str]) -> RetryPolicy:
    """The retry variables: a bad one would stop every delivery run with a usage error."""
    from tracker.mail.senders import RetryPolicy

    try:
        policy = RetryPolicy.from_env(environ)
    except UserError as exc:
        report.add("retries", "problem", str(exc))
        return RetryPolicy()
    report.add("retries", "ok", f"up to {policy.max_attempts} attempts, backoff from "
               f"{policy.base:g} s to {policy.cap:g} s")
    return policy


def _check_pace(report: Report, environ: Mapping[str, str], db: Database | None,
                settings: SmtpSettings | None, now: datetime) -> None:
    """The relay's pace as every sender will keep to it, and a pause the relay asked for."""
    from tracker.mail.relay import pause_of, relay_key, relay_pace

    try:
        pace = relay_pace(environ)
    except UserError as exc:
        report.add("pace", "problem", str(exc))
        return
    limits = [f"at most {pace.rate} (a message every {pace.rate.interval.total_seconds():g} s)"
              if pace.rate else "", f"{pace.connections} connection(s) at once"
              if pace.connections else "", f"{pace.messages_per_connection} message(s) per "
              "connection" if pace.messages_per_connection else ""]
    detail = (", ".join(filter(None, limits)) + ", shared by every sender on the database"
              if pace.limited else "no limit set (TRACKER_SMTP_RATE, TRACKER_SMTP_CONNECTIONS, "
              "TRACKER_SMTP_MESSAGES_PER_CONNECTION)")
    if db is not None and settings is not None:
        with db.reading() as conn:
            pause = pause_of(conn, relay_key(settings))
        if pause.holds(now) and pause.until is not None:
            detail += (f"; the server asked to slow down ({pause.refusal}): sending paused "
                       f"until {pause.until.isoformat(timespec='seconds')}")
    report.add("pace", "ok", detail)


def _check_database(report: Report, db_url: str) -> Database | None:
    """Reachable and at HEAD_REVISION; never creates a missing SQLite file (create=False)."""
    from tracker.store.database import Database, describe
    from tracker.store.schema import HEAD_REVISION, current_revision

    where = describe(db_url)
    try:
        db = Database(db_url, create=False)
    except (UserError, RuntimeFailure) as exc:
        report.add("database", "problem", str(exc))
        return None
    try:
        revision = current_revision(db)
    except RuntimeFailure as exc:
        db.dispose()
        report.add("database", "problem", str(exc))
        return None
    if revision is None:
        db.dispose()
        report.add("database", "problem", f"{where} is not set up: run `tracker init`")
        return None
    if revision != HEAD_REVISION:
        db.dispose()
        newer = revision > HEAD_REVISION
        advice = ("a newer tracker has upgraded it: upgrade tracker" if newer
                  else "run `tracker init` to upgrade it")
        report.add("database", "problem", f"{where}: schema at revision {revision}, this "
                   f"tracker needs {HEAD_REVISION}: {advice}")
        return None
    engine, version = _engine_version(db)
    too_old = version_problem(engine, version)
    if too_old:
        db.dispose()
        report.add("database", "problem", f"{where}: {too_old}")
        return None
    report.add("database", "ok", f"{where} reachable, schema current (revision {revision}), "
               f"{engine} {_dotted(version)}")
    return db


OLDEST = {"SQLite": (3, 35), "PostgreSQL": (12,)}
"""The outbox claims with RETURNING and a materialised CTE (see tracker.mail.outbox)."""


def _engine_version(db: Database) -> tuple[str, tuple[int, ...]]:
    if db.is_sqlite:
        import sqlite3

        return "SQLite", tuple(sqlite3.sqlite_version_info)
    with db.reading() as conn:  # the version is read when the first connection opens
        info = conn.dialect.server_version_info or ()
    return "PostgreSQL", tuple(part for part in info if isinstance(part, int))


def version_problem(engine: str, version: tuple[int, ...]) -> str | None:
    """Why this database engine's version cannot run tracker, or None."""
    oldest = OLDEST[engine]
    if version >= oldest:
        return None
    return f"{engine} {_dotted(version)} is too old: tracker needs {_dotted(oldest)} or newer"


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version))


def _check_contacts(report: Report, db: Database) -> None:
    """Nobody to remind means reminders silently never go: gaps are found here, not in May."""
    from tracker.progress.contacts import contact_gaps, stored_contacts

    try:
        plan = db.plan()
    except RuntimeFailure as exc:
        report.add("contacts", "problem", str(exc))
        return
    with db.reading() as conn:
        book = stored_contacts(conn)
    if not book.agencies:
        report.add("contacts", "problem", "no contacts are loaded, so nobody is reminded: run "
                   "`tracker contacts load contacts.yaml`")
        return
    gaps = contact_gaps(plan, book)
    if gaps:
        sample = ", ".join(f"{g.unit}/{g.body}" for g in gaps[:3])
        more = f" and {len(gaps) - 3} more" if len(gaps) > 3 else ""
        report.add("contacts", "problem", f"{len(gaps)} (region, body) pair(s) have nobody to "
                   f"remind ({sample}{more}): see `tracker contacts gaps`")
    else:
        report.add("contacts", "ok", f"{len(book.agencies)} agency contact(s) cover every "
                   "required assignment")
    if not book.managers:
        report.add("managers", "problem", "no managers in the contacts: the daily digest goes "
                   "to nobody")
    else:
        report.add("managers", "ok", f"{len(book.managers)} manager(s) receive the digest")


def _check_outbox(report: Report, db: Database, now: datetime, policy: RetryPolicy) -> None:
    """What needs a person: refused or uncertain mail, senders that died, no sender at all."""
    from tracker.mail import backlog, outbox

    with db.reading() as conn:
        counts = backlog.counts(conn)
        claims = outbox.open_claims(conn, now, policy)
        overdue = backlog.count_overdue(conn, now - OVERDUE_AFTER)
    total = sum(counts.values())
    found = False
    failed, uncertain = counts.get("failed", 0), counts.get("uncertain", 0)
    if failed:
        found = True
        report.add("outbox", "problem", f"{failed} failed mail(s): the server refused them or "
                   "retries ran out; see `tracker outbox --state failed`, then fix the address "
                   "and `tracker outbox retry ID`")
    if uncertain:
        found = True
        report.add("outbox", "problem", f"{uncertain} uncertain mail(s) may or may not have "
                   "arrived: check with the recipients, then `tracker outbox resolve ID --as "
                   "sent|failed` (see `tracker outbox --state uncertain`)")
    stuck = [held.state for held in claims if held.dead]
    held = [held for held in claims if not held.dead and held.past_lease]
    if stuck:
        found = True
        claimed = stuck.count(outbox.OutboxState.CLAIMED)
        transmitting = stuck.count(outbox.OutboxState.TRANSMITTING)
        report.add("outbox", "problem", f"{claimed} claimed and {transmitting} transmitting "
                   "row(s) belong to a sender that stopped; the next `tracker run` tick or "
                   "`tracker remind send` requeues the claimed ones and marks the others "
                   "uncertain")
    if held:
        # The owner's process id exists, yet the claim outlived the lease: a hung sender, or
        # (in containers, where every daemon is pid 1) a restarted daemon wearing the dead
        # one's id, which recovery cannot tell apart.  Only a person can decide.
        found = True
        report.add("outbox", "problem", f"{len(held)} row(s) claimed more than "
                   f"{policy.lease:g} s ago by a process id that still exists: a hung sender, "
                   "or a restarted daemon with the same host name and process id; stop it and "
                   "run `tracker remind send`")
    if overdue:
        found = True
        report.add("outbox", "problem", f"{overdue} pending mail(s) were due more than "
                   f"{int(OVERDUE_AFTER.total_seconds() // 3600)} hour(s) ago: is `tracker run` "
                   "running?")
    if not found:
        report.add("outbox", "ok", f"{total} row(s), none failed, uncertain or stuck"
                   + (f"; {len(claims)} being sent now" if claims else ""))


def _check_mail_server(report: Report, settings: SmtpSettings) -> None:
    """Connect, STARTTLS when required, log in, QUIT: the password is tried, no MAIL is sent."""
    from notifications.errors import SmtpAuthError, SmtpSecurityError, SmtpUnavailableError
    from notifications.smtp import SmtpConnection

    probe_settings = dataclasses.replace(settings, timeout=min(settings.timeout, PROBE_TIMEOUT))
    where = f"{settings.host}:{settings.port}"

    async def probe() -> None:
        # connect() opens, secures and authenticates as a send would; close() says QUIT.  Going
        # through SmtpConnection (not a second SMTP client) tests exactly what delivery does.
        connection = SmtpConnection(probe_settings)
        try:
            await connection.connect()
        finally:
            await connection.close()

    try:
        asyncio.run(probe())
    except SmtpSecurityError as exc:
        report.add("mail server", "problem", f"{where}: {exc}")
        return
    except SmtpAuthError as exc:
        report.add("mail server", "problem", f"{where}: {exc}")
        return
    except SmtpUnavailableError as exc:
        report.add("mail server", "problem", f"{where} unreachable or refusing: {exc.detail}")
        return
    steps = {"starttls": "STARTTLS", "tls": "TLS", "none": "no TLS"}[settings.security]
    login = "login accepted" if settings.username else "no login configured"
    report.add("mail server", "ok", f"{where} answered, {steps}, {login} (nothing sent)")
