"""What every request handler of one server process shares: the database, the key, the
settings, the clock and the page templates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from jinja2 import Environment

from tracker.store.database import Database
from tracker.web.pagecache import PageCache
from tracker.web.settings import Clock, WebSettings


@dataclass
class WebContext:
    db: Database
    key: bytes
    settings: WebSettings
    clock: Clock
    pages: Environment
    environ: Mapping[str, str]
    plan_loaded_at: datetime | None = None
    """When the plan this process holds was loaded (tracker.web.visitor.current_plan)."""
    expires: datetime | None = None
    """When that plan's links expire (worked out once per plan: it walks every unit's zone)."""
    cache: PageCache = field(default_factory=PageCache)
