"""The web application `tracker serve` runs: Starlette under uvicorn.

Starlette rather than FastAPI: the pages are server-rendered HTML forms and a few JSON views of
what the CLI already prints, so FastAPI's typed request bodies and OpenAPI would add a layer and
pydantic validation beside the validation the tracker already does once, at its door
(tracker.fieldrules, the report importer).  Handlers are plain functions that Starlette runs in
its thread pool, each using the same services as the command line in one transaction.

Each process opens its own engine; any number of workers and hosts can serve one PostgreSQL,
because every change is the marking or reporting service's compare-and-set.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from tracker.access.secretkey import read_key
from tracker.resources import bundled
from tracker.store.database import Database
from tracker.web.context import WebContext
from tracker.web.guard import Guard
from tracker.web.pages import environment
from tracker.web.settings import Clock, read_settings

START_ENV = "TRACKER_SERVE_START"
"""The moment `tracker serve --now` starts its clock at, handed to the worker processes."""


def _style(request: Request) -> Response:
    css = (bundled("templates") / "web" / "site.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css",
                    headers={"cache-control": "public, max-age=3600"})


def _health(request: Request) -> Response:
    """For the proxy and monitoring: the process answers and its database does."""
    from sqlalchemy import text

    with request.app.state.web.db.reading() as conn:
        conn.execute(text("SELECT 1"))
    return PlainTextResponse("ok")


async def _not_found(request: Request, exc: Exception) -> Response:
    """Every refusal of a page is the same plain 404 (and a 405 for a wrong method)."""
    code = exc.status_code if isinstance(exc, HTTPException) else 404
    if code not in (400, 403, 404, 405, 411, 413, 429):
        code = 404
    return PlainTextResponse(str(code), status_code=code)


def routes() -> list[BaseRoute]:
    from tracker.web import agency, calendarfeed, dashboard, resultspage

    return [
        Route("/site.css", _style),
        Route("/healthz", _health),
        *agency.ROUTES,
        *resultspage.ROUTES,
        *dashboard.ROUTES,
        *calendarfeed.ROUTES,
    ]


def _connections(db: Database) -> int:
    """How many connections the engine's pool hands out at most."""
    pool = db.engine.pool
    size = pool.size() if hasattr(pool, "size") else 5
    return max(1, int(size) + max(0, int(getattr(pool, "_max_overflow", 0))))


def _lifespan(db: Database) -> Any:
    """At start-up, as many request threads as the pool has connections: a request beyond
    them waits its turn in the event loop, not 30 s for a connection and then a 500 (the
    dashboard at school scale under 32 clients did that)."""
    from contextlib import asynccontextmanager

    import anyio.to_thread

    @asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        anyio.to_thread.current_default_thread_limiter().total_tokens = _connections(db)
        yield

    return lifespan


def create_app(db_url: str, environ: Mapping[str, str] = os.environ,
               start: datetime | None = None) -> Starlette:
    """The application for one process: settings checked, key read, database opened."""
    from tracker.store.schema import ensure_current

    settings = read_settings(environ)
    db = Database(db_url)
    ensure_current(db)  # a database not set up says so before the key it would have made
    key = read_key(db_url, environ)
    web = WebContext(db=db, key=key, settings=settings, clock=Clock(start), pages=environment(),
                     environ=environ)
    handlers: dict[Any, Any] = {HTTPException: _not_found}
    guard = Middleware(Guard, upload_limit=settings.upload_limit, limits=settings.limits)
    app = Starlette(routes=routes(), middleware=[guard], exception_handlers=handlers,
                    lifespan=_lifespan(db))
    app.state.web = web
    return app


LOG_FORMAT = "%(asctime)s %(name)s %(message)s"


def from_environment() -> Starlette:
    """uvicorn's factory in each worker: the database and clock `tracker serve` was given (a
    worker is a new process: the access log is set up here, not inherited)."""
    import logging

    from tracker.store.database import resolve_url

    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    start = os.environ.get(START_ENV)
    return create_app(resolve_url(None, os.environ), os.environ,
                      datetime.fromisoformat(start) if start else None)
