"""What one command line asks for: which database, what moment, which language.

The clock is an input (`--now`), never read deep inside the code, so a whole campaign can be
simulated and tested by moving it.  Services get the opened `Database` and the moment, never
this object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import click

from tracker.fieldrules import date_problem
from tracker.plan.model import Plan
from tracker.store.database import Database


@dataclass
class Invocation:
    db_url: str
    now: datetime
    lang: str = "kk"
    now_given: bool = False
    """Whether `--now` was given (the clock is simulated), not read."""
    _db: Database | None = field(default=None, repr=False)

    def database(self, create: bool = False) -> Database:
        """The database, checked to be set up and current unless `create` (for init)."""
        if self._db is None:
            self._db = Database(self.db_url, create=create)
            if not create:
                from tracker.store.schema import ensure_current

                ensure_current(self._db)
        return self._db

    def plan(self) -> Plan:
        """The plan as last loaded into the database."""
        return self.database().plan()

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None


def parse_now(value: str | None, option: str = "--now") -> datetime:
    """`--now` (or `option`): an ISO-8601 moment with an offset (or Z); default the real clock."""
    if not value:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not an ISO-8601 date and time "
                                 "(e.g. 2017-04-20T09:00+06:00)", param_hint=option) from None
    if moment.tzinfo is None:
        raise click.BadParameter(f"'{value}' has no UTC offset (e.g. 2017-04-20T09:00+06:00 or "
                                 "...Z)", param_hint=option)
    # Checked on the moment as written: its date in UTC or in any region's time zone is at
    # most a day away, so the conversions the commands make cannot overflow.
    problem = date_problem(moment.date())
    if problem:
        raise click.BadParameter(f"'{value}': {problem}", param_hint=option)
    return moment

