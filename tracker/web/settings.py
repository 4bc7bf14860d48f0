"""What `tracker serve` is told by its environment, read and checked once at start-up.

Every value is checked here, so a mistyped setting stops the server with one line naming the
variable instead of failing at the first request.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from tracker.errors import UserError
from tracker.wording import Phrase

UPLOAD_LIMIT_ENV = "TRACKER_UPLOAD_LIMIT_MB"
DEFAULT_UPLOAD_MB = 10
TRUSTED_PROXIES_ENV = "TRACKER_TRUSTED_PROXIES"
RATE_LIMIT_ENV = "TRACKER_RATE_LIMIT"
MISS_LIMIT_ENV = "TRACKER_MISS_LIMIT"
BLOCK_MINUTES_ENV = "TRACKER_BLOCK_MINUTES"


@dataclass(frozen=True)
class RateLimits:
    """What one client address may do, per server process (tracker.web.guard.Limiter)."""

    per_minute: int = 1200
    """Requests a minute (`TRACKER_RATE_LIMIT`; 0: no limit): generous, an office behind one
    address reports from many desks at once."""
    misses: int = 30
    """Refusals (404: a bad, revoked or expired link) taken in ten minutes before the address
    is refused everything (`TRACKER_MISS_LIMIT`; 0: no limit)."""
    block: timedelta = timedelta(minutes=15)
    """How long such an address is then refused (`TRACKER_BLOCK_MINUTES`)."""


@dataclass(frozen=True)
class Clock:
    """The server's clock: the real one, or one that starts at `--now` and runs on from there
    (a simulated campaign day keeps moving, so a page shows what it would then)."""

    start: datetime | None = None
    started: datetime = field(default_factory=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        real = datetime.now(UTC)
        return real if self.start is None else self.start + (real - self.started)


@dataclass(frozen=True)
class WebSettings:
    public_url: str | None
    """`TRACKER_PUBLIC_URL`: the address agencies see (links in mail point there)."""
    upload_limit: int
    """The largest evidence or form file taken, in bytes (`TRACKER_UPLOAD_LIMIT_MB`)."""
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    """Peers whose X-Forwarded-For is believed (`TRACKER_TRUSTED_PROXIES`); none by default."""
    link_grace: timedelta
    limits: RateLimits = RateLimits()

    @property
    def behind_tls(self) -> bool:
        return bool(self.public_url and self.public_url.startswith("https://"))


def check_public_url(value: str) -> Phrase | None:
    """Why `TRACKER_PUBLIC_URL` is not an address agencies can open, or None."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Phrase("web.not_http")
    if parts.query or parts.fragment:
        return Phrase("web.query")
    return None


def read_settings(environ: Mapping[str, str] = os.environ) -> WebSettings:
    from tracker.access.links import grace, public_url

    url = public_url(environ)
    if url is not None:
        problem = check_public_url(url)
        if problem:
            raise UserError.said("web.bad_setting", variable="TRACKER_PUBLIC_URL", value=url,
                                 problem=problem)
    raw = environ.get(UPLOAD_LIMIT_ENV, "").strip()
    if raw and (not raw.isdigit() or not 1 <= int(raw) <= 100):
        raise UserError.said("web.bad_setting", variable=UPLOAD_LIMIT_ENV, value=raw,
                             problem="1–100")
    limit = int(raw or DEFAULT_UPLOAD_MB) * 1024 * 1024
    proxies = []
    for part in environ.get(TRUSTED_PROXIES_ENV, "").replace(",", " ").split():
        try:
            proxies.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise UserError.said("web.bad_setting", variable=TRUSTED_PROXIES_ENV, value=part,
                                 problem="127.0.0.1, 10.0.0.0/8, ::1") from None
    return WebSettings(url, limit, tuple(proxies), grace(environ), _limits(environ))


def _number(environ: Mapping[str, str], name: str, default: int, top: int) -> int:
    raw = environ.get(name, "").strip()
    if raw and (not raw.isdigit() or int(raw) > top):
        raise UserError.said("web.bad_setting", variable=name, value=raw, problem=f"0–{top}")
    return int(raw) if raw else default


def _limits(environ: Mapping[str, str]) -> RateLimits:
    default = RateLimits()
    return RateLimits(
        _number(environ, RATE_LIMIT_ENV, default.per_minute, 10_000_000),
        _number(environ, MISS_LIMIT_ENV, default.misses, 1_000_000),
        timedelta(minutes=_number(environ, BLOCK_MINUTES_ENV,
                                  int(default.block.total_seconds() // 60), 10_080)))
