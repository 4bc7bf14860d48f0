"""`tracker run`: the daemon.  APScheduler only wakes it; the outbox decides what is sent.

A periodic tick reads the inbox (when TRACKER_IMAP_HOST is set), records what is due and
delivers it; an inbox that cannot be read is one line in the log, and the tick goes on
sending.  Several daemons may run on one PostgreSQL database (or one SQLite file): the outbox's
unique keys and claims keep each mail to one delivery, the inbox's ledger each message to one
handling.  SIGTERM lets the message in flight finish, then the daemon exits cleanly.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from tracker.errors import RuntimeFailure, UserError
from tracker.store.database import Database

if TYPE_CHECKING:
    from types import FrameType

    from notifications.settings import SmtpSettings
    from tracker.inbox.settings import ImapSettings
    from tracker.mail.sender import DeliverySummary

log = logging.getLogger("tracker.daemon")


class CampaignClock:
    """Time as the daemon sees it: real time, or `--now` moving forward (`--speed` times)."""

    def __init__(self, start: datetime | None, speed: float = 1.0) -> None:
        self.start = start
        self.speed = speed
        self._t0 = time.monotonic()

    def __call__(self) -> datetime:
        if self.start is None:
            return datetime.now(UTC)
        elapsed = (time.monotonic() - self._t0) * self.speed
        return self.start + timedelta(seconds=elapsed)


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: "
                                                   "%(message)s")
    # APScheduler narrates every run and every overlap; only its errors matter here.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)


def run_tick(db: Database, clock: Callable[[], datetime], stop: threading.Event,
             settings: SmtpSettings, workers: int,
             imap: ImapSettings | None = None) -> str | None:
    """One tick: read the inbox (with `imap`), record what is due, deliver; a database
    hiccup waits for the next tick.  Returns the tick's trouble (see
    `DeliverySummary.trouble`), if any."""
    from tracker.mail.tick import send_now

    db.forget_plan()  # staff may have re-loaded the plan
    if imap is not None:
        read_inbox(db, imap, clock(), stop)
    record_due_digest(db, clock(), settings.mail_from)
    tick, summary = send_now(db, clock, workers=workers, stop=stop, settings=settings)
    if tick.closed:
        log.info("the campaign has closed: nothing more is sent")
        return None
    counts = dict(summary.counts)
    trouble = summary.trouble(tick.not_composed)  # what makes `remind send` exit 1
    level = tick_log_level(summary, tick.not_composed)
    if tick.recorded or counts or summary.requeued or summary.recovered_uncertain:
        log.log(level, "tick at %s: recorded %d (%d skipped as overtaken); delivered %s; "
                "requeued %d from stopped processes, %d uncertain",
                clock().isoformat(timespec="seconds"), tick.recorded, len(tick.to_skip),
                counts or "nothing", summary.requeued, summary.recovered_uncertain)
    if trouble:  # not fatal: the next tick tries the server again
        log.log(level, "%s", trouble)
    if summary.paused:  # the relay's pause: a later tick sends the rest
        log.warning("%s", summary.paused)
    return trouble


def read_inbox(db: Database, imap: ImapSettings, now: datetime,
               stop: threading.Event) -> None:
    """Read new mail into the inbox; any failure is one line in the log, never the tick's end
    (bounces and replies wait in the mailbox for the next tick)."""
    from tracker.inbox.fetch import fetch_inbox

    try:
        summary = fetch_inbox(db, imap, now, stop=stop)
    except (RuntimeFailure, UserError) as exc:  # never holds the password
        log.warning("inbox: %s", exc)
        return
    except Exception as exc:  # keep sending; the next tick reads the inbox again
        log.error("inbox: reading failed: %s", " ".join(f"{type(exc).__name__}: {exc}".split()))
        return
    if summary.new or summary.moved or summary.resumed:
        log.info("inbox: %d new message(s) %s, %d finished for stopped fetches, %d moved to %s",
                 summary.new, dict(summary.kinds), summary.resumed, summary.moved,
                 summary.done_folder)


def tick_log_level(summary: DeliverySummary, not_composed: int) -> int:
    """ERROR when mail failed or became uncertain (a person must look), WARNING when it only
    waits (deferred, or the server unreachable), else INFO."""
    if (summary.broken or summary.counts["failed"] or summary.counts["uncertain"]
            or not_composed):
        return logging.ERROR
    if (summary.unreachable or summary.paused or summary.counts["deferred"]
            or summary.counts["waiting"]):
        return logging.WARNING
    return logging.INFO


def record_due_digest(db: Database, now: datetime, sender: str) -> int:
    """Record today's digest for the managers once its hour has come (once per day)."""
    from tracker.digest.mail import due_slot, period_of, record_digest

    plan = db.plan()
    slot = due_slot(plan, now)
    if slot is None:
        return 0
    recorded, _ = record_digest(db, now, sender, period_of(plan, slot))
    if recorded:
        log.info("recorded the digest of %s for %d manager(s)", period_of(plan, slot),
                 recorded)
    return recorded


def inbox_settings() -> ImapSettings | None:
    """The inbox's settings when TRACKER_IMAP_HOST is set (a mistake: UserError), else None."""
    from tracker.inbox.settings import ImapSettings, configured

    return ImapSettings.from_env() if configured() else None


def run_daemon(db: Database, *, tick_seconds: float, once: bool, workers: int,
               clock: CampaignClock) -> int:
    """Run until SIGTERM/SIGINT (or one tick with `once`); returns the exit status."""
    from tracker.mail.relay import relay_pace
    from tracker.mail.sender import smtp_settings

    configure_logging()
    settings = smtp_settings()
    relay_pace()  # a mistake in the pace stops the daemon now, not at every tick
    imap = inbox_settings()  # so does a mistake in the inbox's settings
    stop = threading.Event()
    fatal: list[str] = []
    troubles: list[str] = []

    def job() -> None:
        try:
            trouble = run_tick(db, clock, stop, settings, workers, imap)
            if trouble:
                troubles.append(trouble)
        except RuntimeFailure as exc:
            log.error("%s", exc)
            fatal.append(str(exc))
            stop.set()
        except Exception:  # keep the daemon alive; the next tick tries again
            log.exception("tick failed; trying again at the next tick")

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: finishing the message in flight, then stopping",
                 signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    if once:
        job()  # like `remind send`: exit status 1 when the tick had trouble
        return 1 if fatal or troubles else 0

    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    scheduler = BackgroundScheduler(timezone=UTC)
    from apscheduler.triggers.cron import CronTrigger

    digest = db.plan().reminders.digest
    scheduler.add_job(job, IntervalTrigger(seconds=tick_seconds), id="tick",
                      next_run_time=datetime.now(UTC), max_instances=1, coalesce=True)
    # The digest hour also wakes the daemon at once (the tick decides what is due, so an
    # extra wake-up never sends anything twice).
    scheduler.add_job(job, CronTrigger(day_of_week="mon-fri", hour=digest.time.hour,
                                       minute=digest.time.minute, timezone=digest.timezone),
                      id="digest", max_instances=1, coalesce=True)
    scheduler.start()
    from tracker.store.database import describe

    log.info("running: a tick every %s s on %s", tick_seconds, describe(db.url))
    while not stop.wait(0.5):
        pass
    scheduler.shutdown(wait=True)
    log.info("stopped")
    return 1 if fatal else 0
