"""The managers' live dashboard: the digest page at a manager's own link, and the JSON of
`status --json`, `digest --json` and `report show --json` beside it.

The page is the HTML `digest --format html` writes (tracker.digest.render_page), in the
manager's language first, with the kk/ru switch (`?lang=`) and a refresh every five minutes
(a meta tag: no script).  The JSON is the very text the commands print into a pipe, streamed
as it is written (the status grid is megabytes at school scale).  Only a manager's link opens
them; another's is the plain 404.  No page here shows any link but the visitor's own.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from sqlalchemy import Connection
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Route

from tracker.plan.model import Plan
from tracker.web.context import WebContext
from tracker.web.pagecache import cached
from tracker.web.pages import LANGS, page_language
from tracker.web.visitor import Visitor, visitor

REFRESH_SECONDS = 300
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
_STYLE_ATTRIBUTE = re.compile(r'style="([^"]*)"')
_SWITCH = {"kk": "Қазақша", "ru": "Русский"}


def _manager(request: Request) -> Visitor:
    who = visitor(request)
    if not who.manager:
        raise HTTPException(404)
    return who


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def style_policy(html: str) -> str:
    """A content security policy that lets the digest page's own styles apply (its <style>
    and style attributes, by their hashes) and nothing else: no script, no other style."""
    hashes = sorted({_hash(s) for s in _STYLE.findall(html)}
                    | {_hash(s) for s in _STYLE_ATTRIBUTE.findall(html)})
    return ("default-src 'none'; style-src 'self' 'unsafe-hashes' " + " ".join(hashes)
            + "; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def live(html: str, path: str, lang: str) -> str:
    """The digest page made live: refreshed every five minutes, with the language switch."""
    switch = " ".join(f"<strong>{_SWITCH[code]}</strong>" if code == lang else
                      f'<a href="{path}?lang={code}" hreflang="{code}">{_SWITCH[code]}</a>'
                      for code in LANGS)
    html = html.replace("</head>", f'<meta http-equiv="refresh" content="{REFRESH_SECONDS}">\n'
                        '<meta name="robots" content="noindex, nofollow">\n</head>', 1)
    return html.replace("<body>", f'<body>\n<nav class="langs">{switch}</nav>', 1)


@cached
def page(request: Request) -> Response:
    from tracker.digest.data import build_digest
    from tracker.digest.render import render_page

    who = _manager(request)
    web: WebContext = request.app.state.web
    lang = page_language(request, who.lang)
    plan = web.db.plan()
    with web.db.reading() as conn:
        digest = build_digest(conn, plan, web.clock.now())
    html = live(render_page(digest, "both", first=lang), request.url.path, lang)
    return HTMLResponse(html, headers={"content-security-policy": style_policy(html)})


def _json(chunks: Iterable[str]) -> Response:
    """JSON text as the command prints it into a pipe: the chunks, then a line break."""
    def body() -> Iterator[bytes]:
        for chunk in chunks:
            yield chunk.encode()
        yield b"\n"

    return StreamingResponse(body(), media_type="application/json")


def _chunks(request: Request,
            write: Callable[[Connection, Plan, datetime], Iterable[str]]) -> Response:
    """A manager's JSON view: what `write` makes of the database as of the server's now,
    read in one transaction, streamed as the command prints it."""
    _manager(request)
    web: WebContext = request.app.state.web
    plan = web.db.plan()
    with web.db.reading() as conn:
        chunks = write(conn, plan, web.clock.now())
    return _json(chunks)


def _status(conn: Connection, plan: Plan, now: datetime) -> Iterable[str]:
    from tracker.progress.status import load_grid
    from tracker.views.status import status_json_text

    return status_json_text(plan, load_grid(conn, plan, now))


def _digest(conn: Connection, plan: Plan, now: datetime) -> Iterable[str]:
    from tracker.digest.data import build_digest
    from tracker.views.digest import digest_json_text

    return digest_json_text(build_digest(conn, plan, now))


def _report(conn: Connection, plan: Plan, now: datetime) -> Iterable[str]:
    from tracker.reports.store import load_reports
    from tracker.views.jsontext import compact
    from tracker.views.reports import report_json

    return [compact(report_json(plan, load_reports(conn, plan, as_of=now)))]


ROUTES = [
    Route("/r/{token}/dashboard", page),
    Route("/r/{token}/status.json", lambda request: _chunks(request, _status)),
    Route("/r/{token}/digest.json", lambda request: _chunks(request, _digest)),
    Route("/r/{token}/report.json", lambda request: _chunks(request, _report)),
]
