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
from tracker.wording import Phrase, say

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
    """One line of the report: which area, ok or not, and what a person should know.

    The area and status are machine words (the JSON's); what is found is a `Phrase`, said in
    the reader's language only when the report is shown."""

    area: str
    status: Status
    phrase: Phrase

    @property
    def detail(self) -> str:
        return str(self.phrase)

    def line(self, lang: str) -> str:
        width = 1 + max(len(say(lang, f"doctor.{status}")) for status in ("ok", "problem",
                                                                          "skipped"))
        return (f"{say(lang, f'doctor.{self.status}'):<{width}} "
                f"{say(lang, f'doctor.{self.area}')}: {self.phrase.in_language(lang)}")


@dataclass
class Report:
    """The findings in the order they were checked: the order a person fixes them in."""

    findings: list[Finding] = dataclasses.field(default_factory=list)

    def add(self, area: str, status: Status, key: str, /, **values: object) -> None:
        self.findings.append(Finding(area, status, Phrase(key, **values)))

    def refused(self, area: str, reason: object) -> None:
        """A problem whose words are another layer's (an exception, said if it can be)."""
        self.add(area, "problem", "doctor.reason", reason=reason)

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
    _check_links(report, db_url, environ)
    _check_pace(report, environ, db, settings, now)
    if db is not None:
        try:
            _check_contacts(report, db)
            _check_outbox(report, db, now, policy)
        finally:
            db.dispose()
    else:
        report.add("contacts", "skipped", "doctor.unusable")
        report.add("outbox", "skipped", "doctor.unusable")
    if not smtp:
        report.add("mail server", "skipped", "doctor.no_smtp")
    elif settings is None:
        report.add("mail server", "skipped", "doctor.no_settings")
    else:
        _check_mail_server(report, settings)
    _check_inbox(report, environ, contact=smtp)
    return report


def _check_configuration(report: Report, environ: Mapping[str, str]) -> SmtpSettings | None:
    """The SMTP settings exactly as `tracker run` reads them, so a typo shows before a tick."""
    from notifications.errors import SmtpConfigError
    from notifications.settings import SmtpSettings

    try:
        settings = SmtpSettings.from_env(environ)
    except SmtpConfigError as exc:
        # SmtpConfigError never carries the password (notifications.settings promises it).
        report.refused("configuration", exc)
        return None
    login = (Phrase("doctor.user", user=settings.username) if settings.username
             else Phrase("doctor.no_login"))
    report.add("configuration", "ok", "doctor.smtp", host=settings.host, port=settings.port,
               security=settings.security, login=login, sender=settings.mail_from,
               tls=Phrase("doctor.tls_off") if settings.security == "none" else "")
    return settings


def _check_links(report: Report, db_url: str, environ: Mapping[str, str]) -> None:
    """Whether mails will carry personal links: the public address (https, but on this
    machine), and a key readable by its owner only to sign them with."""
    from urllib.parse import urlsplit

    from tracker.access.links import public_url
    from tracker.access.secretkey import key_path, read_key

    base = public_url(environ)
    if base is None:
        report.add("links", "skipped", "doctor.links_off")
        return
    try:
        parts = urlsplit(base)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError:
        parts, host = None, ""
    if parts is None or parts.scheme not in ("http", "https") or not host or parts.query \
            or parts.fragment:
        report.add("links", "problem", "doctor.links_bad_url", url=base,
                   problem=Phrase("doctor.links_not_url"))
        return
    if parts.scheme != "https" and host not in ("127.0.0.1", "localhost", "::1"):
        report.add("links", "problem", "doctor.links_bad_url", url=base,
                   problem=Phrase("doctor.links_not_https"))
        return
    try:
        read_key(db_url, environ)
    except UserError as exc:
        report.add("links", "problem", "doctor.links_key", reason=exc)
        return
    report.add("links", "ok", "doctor.links_ok", url=base, file=key_path(db_url, environ))


def _check_policy(report: Report, environ: Mapping[str, str]) -> RetryPolicy:
    """The retry variables: a bad one would stop every delivery run with a usage error."""
    from tracker.mail.senders import RetryPolicy

    try:
        policy = RetryPolicy.from_env(environ)
    except UserError as exc:
        report.refused("retries", exc)
        return RetryPolicy()
    report.add("retries", "ok", "doctor.policy", n=policy.max_attempts, base=f"{policy.base:g}",
               cap=f"{policy.cap:g}")
    return policy


def _check_pace(report: Report, environ: Mapping[str, str], db: Database | None,
                settings: SmtpSettings | None, now: datetime) -> None:
    """The relay's pace as every sender will keep to it, and a pause the relay asked for."""
    from tracker.mail.relay import pause_of, relay_key, relay_pace

    try:
        pace = relay_pace(environ)
    except UserError as exc:
        report.refused("pace", exc)
        return
    limits = [Phrase("doctor.pace_rate", rate=pace.rate,
                     interval=f"{pace.rate.interval.total_seconds():g}") if pace.rate else None,
              Phrase("doctor.pace_connections", n=pace.connections) if pace.connections
              else None,
              Phrase("doctor.pace_messages", n=pace.messages_per_connection)
              if pace.messages_per_connection else None]
    paused: object = ""
    if db is not None and settings is not None:
        with db.reading() as conn:
            pause = pause_of(conn, relay_key(settings))
        if pause.holds(now) and pause.until is not None:
            paused = Phrase("doctor.paused", refusal=pause.refusal,
                            until=pause.until.isoformat(timespec="seconds"))
    if pace.limited:
        report.add("pace", "ok", "doctor.pace_limited", paused=paused,
                   limits=_Listed([limit for limit in limits if limit is not None]))
    else:
        report.add("pace", "ok", "doctor.pace_none", paused=paused)


class _Listed:
    """Phrases joined by commas, said in one language."""

    def __init__(self, phrases: list[Phrase]) -> None:
        self.phrases = phrases

    def in_language(self, lang: str) -> str:
        return ", ".join(phrase.in_language(lang) for phrase in self.phrases)


def _check_database(report: Report, db_url: str) -> Database | None:
    """Reachable and at HEAD_REVISION; never creates a missing SQLite file (create=False)."""
    from tracker.store.database import Database, describe
    from tracker.store.schema import HEAD_REVISION, current_revision

    where = describe(db_url)
    try:
        db = Database(db_url, create=False)
    except (UserError, RuntimeFailure) as exc:
        report.refused("database", exc)
        return None
    try:
        revision = current_revision(db)
    except RuntimeFailure as exc:
        db.dispose()
        report.refused("database", exc)
        return None
    if revision is None:
        db.dispose()
        report.add("database", "problem", "doctor.db_blank", where=where)
        return None
    if revision != HEAD_REVISION:
        db.dispose()
        newer = revision > HEAD_REVISION
        report.add("database", "problem", "doctor.db_revision", where=where, revision=revision,
                   head=HEAD_REVISION,
                   advice=Phrase("doctor.db_newer" if newer else "doctor.db_upgrade"))
        return None
    engine, version = _engine_version(db)
    too_old = version_problem(engine, version)
    if too_old:
        db.dispose()
        report.add("database", "problem", "doctor.at", where=where, reason=too_old)
        return None
    report.add("database", "ok", "doctor.db_ok", where=where, revision=revision, engine=engine,
               version=_dotted(version))
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


def version_problem(engine: str, version: tuple[int, ...]) -> Phrase | None:
    """Why this database engine's version cannot run tracker, or None."""
    oldest = OLDEST[engine]
    if version >= oldest:
        return None
    return Phrase("doctor.too_old", engine=engine, version=_dotted(version),
                  oldest=_dotted(oldest))


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version))


def _check_contacts(report: Report, db: Database) -> None:
    """Nobody to remind means reminders silently never go: gaps are found here, not in May."""
    from tracker.progress.contacts import contact_gaps, stored_contacts

    try:
        plan = db.plan()
    except RuntimeFailure as exc:
        report.refused("contacts", exc)
        return
    with db.reading() as conn:
        book = stored_contacts(conn)
    if not book.agencies:
        report.add("contacts", "problem", "doctor.no_contacts")
        return
    gaps = contact_gaps(plan, book)
    if gaps:
        sample = ", ".join(f"{g.unit}/{g.body}" for g in gaps[:3])
        more = Phrase("doctor.more", n=len(gaps) - 3) if len(gaps) > 3 else ""
        report.add("contacts", "problem", "doctor.gaps", n=len(gaps), sample=sample, more=more)
    else:
        report.add("contacts", "ok", "doctor.contacts_ok", n=len(book.agencies))
    if not book.managers:
        report.add("managers", "problem", "doctor.no_managers")
    else:
        report.add("managers", "ok", "doctor.managers_ok", n=len(book.managers))


def _check_outbox(report: Report, db: Database, now: datetime, policy: RetryPolicy) -> None:
    """What needs a person: refused or uncertain mail, senders that died, no sender at all."""
    from tracker.mail import backlog, outbox

    with db.reading() as conn:
        counts = backlog.counts(conn)
        claims = outbox.open_claims(conn, now, policy)
        overdue = backlog.count_overdue(conn, now - OVERDUE_AFTER)
        bounced = backlog.bounced(conn)
    total = sum(counts.values())
    found = False
    failed, uncertain = counts.get("failed", 0), counts.get("uncertain", 0)
    if failed:
        found = True
        report.add("outbox", "problem", "doctor.failed", n=failed)
    if bounced:
        addresses = backlog.bounced_addresses(bounced)
        more = Phrase("doctor.more", n=len(addresses) - 5) if len(addresses) > 5 else ""
        report.add("outbox", "problem", "bounce.doctor", n=len(bounced),
                   addresses=", ".join(addresses[:5]), more=more)
    if uncertain:
        found = True
        report.add("outbox", "problem", "doctor.uncertain", n=uncertain)
    stuck = [held.state for held in claims if held.dead]
    held = [held for held in claims if not held.dead and held.past_lease]
    if stuck:
        found = True
        claimed = stuck.count(outbox.OutboxState.CLAIMED)
        transmitting = stuck.count(outbox.OutboxState.TRANSMITTING)
        report.add("outbox", "problem", "doctor.stuck", claimed=claimed,
                   transmitting=transmitting)
    if held:
        # The owner's process id exists, yet the claim outlived the lease: a hung sender, or
        # (in containers, where every daemon is pid 1) a restarted daemon wearing the dead
        # one's id, which recovery cannot tell apart.  Only a person can decide.
        found = True
        report.add("outbox", "problem", "doctor.held", n=len(held), lease=f"{policy.lease:g}")
    if overdue:
        found = True
        report.add("outbox", "problem", "doctor.overdue", n=overdue,
                   hours=int(OVERDUE_AFTER.total_seconds() // 3600))
    if not found:
        report.add("outbox", "ok", "doctor.outbox_ok", total=total,
                   sending=Phrase("doctor.sending", n=len(claims)) if claims else "")


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
    except (SmtpSecurityError, SmtpAuthError) as exc:
        report.add("mail server", "problem", "doctor.at", where=where, reason=exc)
        return
    except SmtpUnavailableError as exc:
        report.add("mail server", "problem", "doctor.unreachable", where=where, reason=exc.detail)
        return
    steps = {"starttls": "STARTTLS", "tls": "TLS",
             "none": Phrase("doctor.no_tls")}[settings.security]
    login = Phrase("doctor.login_ok" if settings.username else "doctor.login_none")
    report.add("mail server", "ok", "doctor.server_ok", where=where, steps=steps, login=login)


def _check_inbox(report: Report, environ: Mapping[str, str], contact: bool) -> None:
    """The inbox's mailbox: its settings as `inbox fetch` reads them, then a login and a
    read-only look at the folder (EXAMINE: nothing is marked, moved or fetched)."""
    from tracker.inbox.mailbox import Mailbox
    from tracker.inbox.settings import ImapSettings, configured

    if not configured(environ):
        report.add("inbox", "skipped", "doctor.inbox_off")
        return
    try:
        settings = ImapSettings.from_env(environ)
    except UserError as exc:  # names the variable, never the password
        report.refused("inbox", exc)
        return
    if not contact:
        report.add("inbox", "skipped", "doctor.no_smtp")
        return
    probe = dataclasses.replace(settings, timeout=min(settings.timeout, PROBE_TIMEOUT))
    try:
        with Mailbox.opened(probe, readonly=True) as box:
            waiting = box.exists
    except RuntimeFailure as exc:
        report.refused("inbox", exc)
        return
    report.add("inbox", "ok", "doctor.inbox_ok", where=settings.where,
               security=settings.security, user=settings.username, folder=settings.folder,
               n=waiting, done=settings.done_folder)
