"""What every command works with: the database, the clock and the reader's language.

The clock is an input (`--now`), never read deep inside the code, so a whole campaign can be
simulated and tested by moving it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import text

from tracker.errors import RuntimeFailure
from tracker.plan.codec import plan_from_dict
from tracker.plan.model import Plan
from tracker.store.database import Database


@dataclass
class App:
    db_url: str
    now: datetime
    lang: str = "kk"
    _db: Database | None = field(default=None, repr=False)
    _plan: Plan | None = field(default=None, repr=False)

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
        if self._plan is None:
            with self.database().reading() as conn:
                stored = conn.execute(text("SELECT plan_json FROM campaign")).scalar()
            if stored is None:
                raise RuntimeFailure("no plan is loaded: run `tracker init`")
            self._plan = plan_from_dict(json.loads(stored))
        return self._plan

    def forget_plan(self) -> None:
        self._plan = None

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None
