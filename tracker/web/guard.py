"""What every response carries, what no log may hold, and what a client address may do.

Headers forbid framing, sniffing and referrers (a page's address holds its token, and a
Referer would hand it to any site a page links to); a strict content security policy allows
this server's own style sheet and nothing else.  The access log is the server's own: uvicorn's
would print each request's path, and a path holds a token, so the token is written as `…`.

Guessing links costs the guesser: every 404 under /r/ (a bad, revoked or expired token) spends
one of the address's misses (a browser's own /favicon.ico does not, or it would lock out a busy
office), and an address out of misses gets 429 for everything for a while; every request also
spends one of a generous per-minute allowance.  The address is the
peer's, or the one X-Forwarded-For names when the peer is a trusted proxy: uvicorn's proxy
header middleware rewrites the client only for TRACKER_TRUSTED_PROXIES (tracker.cli.web), so a
forged header from anyone else changes nothing.  The counts live in each process (a worker or a
host keeps its own): enough to make guessing a 30-character token hopeless, with no shared store.
The server sets no cookies.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tracker.web.settings import RateLimits

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


async def _refuse(send: Send, status: int, retry_after: float | None = None) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"),
               (b"content-length", str(len(str(status))).encode())]
    if retry_after is not None:
        headers.append((b"retry-after", str(max(1, int(retry_after + 0.999))).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
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


MISS_WINDOW = 600.0
"""Seconds in which an address's allowance of misses comes back in full."""


@dataclass
class _Allowance:
    """One address's two token buckets, filled up as time passes when next looked at."""

    requests: float
    misses: float
    at: float
    blocked_until: float = 0.0


class Limiter:
    """Token buckets per client address: requests a minute, and misses in ten minutes after
    which the address is refused everything for `block`.

    Bounded: past `MAX_ADDRESSES` the addresses with full buckets are forgotten first (they
    lose nothing by it), then the longest unseen."""

    MAX_ADDRESSES = 50_000

    def __init__(self, limits: RateLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self.addresses: dict[str, _Allowance] = {}

    def _allowance(self, address: str, now: float) -> _Allowance:
        limits = self.limits
        found = self.addresses.get(address)
        if found is None:
            if len(self.addresses) >= self.MAX_ADDRESSES:
                self._forget(now)
            found = self.addresses[address] = _Allowance(limits.per_minute, limits.misses, now)
            return found
        elapsed = now - found.at
        found.requests = min(limits.per_minute, found.requests + elapsed * limits.per_minute / 60)
        found.misses = min(limits.misses, found.misses + elapsed * limits.misses / MISS_WINDOW)
        found.at = now
        return found

    def _forget(self, now: float) -> None:
        full = [a for a, s in self.addresses.items()
                if s.blocked_until <= now and s.misses >= self.limits.misses]
        for address in full:
            del self.addresses[address]
        if len(self.addresses) >= self.MAX_ADDRESSES:
            by_age = sorted(self.addresses, key=lambda a: self.addresses[a].at)
            for address in by_age[:len(by_age) // 2]:
                del self.addresses[address]

    def admit(self, address: str) -> float | None:
        """None when the address may make this request (it is counted), else the seconds until
        it may again."""
        limits = self.limits
        if not limits.per_minute and not limits.misses:
            return None
        now = self.clock()
        allowance = self._allowance(address, now)
        if allowance.blocked_until > now:
            return allowance.blocked_until - now
        if limits.per_minute:
            if allowance.requests < 1:
                return (1 - allowance.requests) * 60 / limits.per_minute
            allowance.requests -= 1
        return None

    def missed(self, address: str) -> None:
        """A refusal (404) spent one of the address's misses; the last one blocks it."""
        if not self.limits.misses:
            return
        now = self.clock()
        allowance = self._allowance(address, now)
        allowance.misses -= 1
        if allowance.misses < 1:
            allowance.blocked_until = now + self.limits.block.total_seconds()


class Guard:
    """ASGI middleware: the headers on every response, one redacted log line per request, the
    cap on request bodies, and the limits per client address."""

    def __init__(self, app: ASGIApp, upload_limit: int,
                 limits: RateLimits | None = None) -> None:
        self.app = app
        self.upload_limit = upload_limit
        self.limiter = Limiter(limits or RateLimits())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        client = scope.get("client") or ("-", 0)

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                own = message.get("headers", [])
                named = {name.lower() for name, _ in own}  # a page's own policy stands
                message["headers"] = [*own, *(h for h in HEADERS if h[0] not in named)]
            await send(message)

        try:
            wait = self.limiter.admit(client[0])
            if wait is not None:
                await _refuse(sending, 429, wait)
                return
            refusal = body_refusal(scope, self.upload_limit)
            if refusal is not None:
                await _refuse(sending, refusal)
                return
            await self.app(scope, receive, sending)
            if status == 404 and scope["path"].startswith("/r/"):
                self.limiter.missed(client[0])
        finally:
            access_log.info("%s %s %s %d %.1f ms", client[0], scope["method"],
                            redacted(scope["path"]), status,
                            (time.perf_counter() - started) * 1000)
