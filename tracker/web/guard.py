"""What every response carries and what no log may hold.

Headers forbid framing, sniffing and referrers (a page's address holds its token, and a
Referer would hand it to any site a page links to); a strict content security policy allows
this server's own style sheet and nothing else.  The access log is the server's own: uvicorn's
would print each request's path, and a path holds a token, so the token is written as `…`.
"""

from __future__ import annotations

import logging
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy",
     b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
     b"frame-ancestors 'none'; base-uri 'none'"),
    (b"cache-control", b"no-store"),
]
_TOKEN = re.compile(r"(/r/)[^/?#]+")
access_log = logging.getLogger("tracker.web.access")


def redacted(path: str) -> str:
    """A request path fit for a log: the token after /r/ replaced."""
    return _TOKEN.sub(r"\1…", path)


FORM_OVERHEAD = 256 * 1024
"""What a form may carry beyond its one file: the fields and multipart's own lines."""


async def _refuse(send: Send, status: int) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(str(status))).encode())]})
    await send({"type": "http.response.body", "body": str(status).encode()})


def body_refusal(scope: Scope, limit: int) -> int | None:
    """411 or 413 for a request body that is not announced or too large, before any of it is
    read: a 200 MB upload costs the server nothing."""
    if scope["method"] in ("GET", "HEAD"):
        return None
    length = dict(scope.get("headers") or []).get(b"content-length")
    if length is None:
        return 411
    if not length.isdigit() or int(length) > limit + FORM_OVERHEAD:
        return 413
    return None


class Guard:
    """ASGI middleware: the headers on every response, one redacted log line per request, and
    the cap on request bodies."""

    def __init__(self, app: ASGIApp, upload_limit: int) -> None:
        self.app = app
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                own = message.get("headers", [])
                named = {name.lower() for name, _ in own}  # a page's own policy stands
                message["headers"] = [*own, *(h for h in HEADERS if h[0] not in named)]
            await send(message)

        try:
            refusal = body_refusal(scope, self.upload_limit)
            if refusal is not None:
                await _refuse(sending, refusal)
                return
            await self.app(scope, receive, sending)
        finally:
            client = scope.get("client") or ("-", 0)
            access_log.info("%s %s %s %d %.1f ms", client[0], scope["method"],
                            redacted(scope["path"]), status,
                            (time.perf_counter() - started) * 1000)
