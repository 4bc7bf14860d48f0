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


class Guard:
    """ASGI middleware: the headers on every response, one redacted log line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

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
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            client = scope.get("client") or ("-", 0)
            access_log.info("%s %s %s %d %.1f ms", client[0], scope["method"],
                            redacted(scope["path"]), status,
                            (time.perf_counter() - started) * 1000)
