"""Pages kept as rendered while nothing they show has changed.

An agency opens its page, its colleagues open the same link, a mail scanner opens it again: the
page is the same until a mark, a plan, contacts or report change, or the clock's minute moves
on.  One statement tells: the link's generation (a revoked link changes it), the latest event's
id (every mark and unmark adds one), the content version (tracker.store.settings: bumped by
plan, contacts and results report writes) and when the plan was loaded.  A page is stored
only after its token passed every check, under its full path, so a forged token never finds
one; one that expired is refused before the cache is asked.  Each server process keeps its own
(bounded) set: another worker's writes reach it through the database, like everything else.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime

from sqlalchemy import Connection, bindparam, func, select
from starlette.requests import Request
from starlette.responses import Response

from tracker.access.links import link_id
from tracker.store.settings import CONTENT_VERSION
from tracker.store.statements import DriverStatement
from tracker.store.tables import CAMPAIGN, EVENT, LINK, SETTING

PAGES_KEPT = 2048
Kept = tuple[bytes, str, tuple[tuple[str, str], ...]]
"""A kept answer: its body, media type and own headers (the dashboard's style policy)."""
_OWN_HEADERS = ("content-security-policy",)


class PageCache:
    def __init__(self, kept: int = PAGES_KEPT) -> None:
        self.kept = kept
        self._pages: OrderedDict[Hashable, Kept] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Kept | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: Hashable, page: Kept) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.kept:
                self._pages.popitem(last=False)


_STAMP = DriverStatement(
    select(LINK.c.generation, select(func.max(EVENT.c.id)).scalar_subquery(),
           select(SETTING.c.value).where(SETTING.c.key == CONTENT_VERSION).scalar_subquery(),
           select(CAMPAIGN.c.loaded_at).scalar_subquery())
    .where(LINK.c.id == bindparam("ident")))
"""Run on the driver's cursor: asked before every page, SQLAlchemy's execution of it cost
more than the rest of a kept page's answer (the README gives figures)."""


def stamp(conn: Connection, token: str) -> tuple[object, ...] | None:
    """What the pages of this token depend on in the database, in one statement; None for a
    token naming no link.  (The values as the driver gives them: they are only compared.)"""
    ident = link_id(token)
    if ident is None:
        return None
    rows = _STAMP.execute(conn, {"ident": ident})
    return tuple(rows[0]) if rows else None


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def cached(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """A GET handler whose 200 answers are kept while `stamp` and the minute stay the same."""

    def answer(request: Request) -> Response:
        from tracker.web.context import WebContext

        web: WebContext = request.app.state.web
        now = web.clock.now()
        with web.db.reading() as conn:
            found = stamp(conn, str(request.path_params.get("token", "")))
        key = None
        if found is not None and web.expires is not None and now < web.expires:
            key = (request.url.path, request.url.query, found, _minute(now))
            page = web.cache.get(key)
            if page is not None:
                return Response(page[0], media_type=page[1], headers=dict(page[2]))
        response = handler(request)
        if key is not None and response.status_code == 200 and response.media_type:
            own = tuple((name, response.headers[name]) for name in _OWN_HEADERS
                        if name in response.headers)
            web.cache.put(key, (bytes(response.body), response.media_type, own))
        return response

    answer.__name__ = handler.__name__
    answer.__doc__ = handler.__doc__
    return answer
