"""SMTP settings and the relay's pace, read from the environment.

The password is the one secret this package handles, so it is kept out of
``repr()`` (and therefore out of tracebacks and logs that print settings) and
out of every error message. A password file must not be readable by group or
others: a world-readable secret is a deployment mistake worth stopping for.
"""

from __future__ import annotations

import math
import os
import re
import ssl
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

from notifications.errors import MessageError, SmtpConfigError
from notifications.headers import parse_mailbox

__all__ = ["DEFAULT_PORTS", "SECURITY_MODES", "Rate", "RelayPace", "Security", "SmtpSettings",
           "read_password"]

Security = Literal["starttls", "tls", "none"]
SECURITY_MODES: tuple[Security, ...] = ("starttls", "tls", "none")
#: Submission with STARTTLS, implicit TLS (RFC 8314), plain SMTP.
DEFAULT_PORTS: Mapping[Security, int] = {"starttls": 587, "tls": 465, "none": 25}
DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True, kw_only=True)
class SmtpSettings:
    """How to reach and log in to the SMTP server, and who the mail is from.

    ``security``: ``"starttls"`` (STARTTLS is *required*; we never fall back
    to clear text), ``"tls"`` (implicit TLS) or ``"none"`` (plain; only for a
    trusted relay). ``tls_context`` overrides the default certificate
    verification, e.g. to trust a test CA. ``local_hostname`` is the name sent
    in EHLO (default: this machine's FQDN).
    """

    host: str
    port: int
    security: Security = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT
    tls_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)
    mail_from: str
    reply_to: str | None = None
    local_hostname: str | None = None

    def __post_init__(self) -> None:
        if not self.host or any(ch.isspace() or not ch.isprintable() for ch in self.host):
            raise SmtpConfigError(f"host must be a non-empty host name: {self.host!r}")
        if not 1 <= self.port <= 65535:
            raise SmtpConfigError(f"port must be from 1 to 65535: {self.port}")
        if self.security not in SECURITY_MODES:
            raise SmtpConfigError(f"security must be one of {', '.join(SECURITY_MODES)}")
        if not (math.isfinite(self.timeout) and self.timeout > 0):
            raise SmtpConfigError(f"timeout must be a positive number of seconds: {self.timeout}")
        if (self.username is None) != (self.password is None):
            raise SmtpConfigError("username and password must be given together")
        _check_address(self.mail_from, "mail_from")
        if self.reply_to is not None:
            _check_address(self.reply_to, "reply_to")

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> SmtpSettings:
        """Read ``TRACKER_SMTP_*`` / ``TRACKER_MAIL_FROM`` / ``TRACKER_REPLY_TO``.

        Empty values count as unset. Raises ``SmtpConfigError`` with a
        one-line message naming the variable (never the password).
        """
        env = {key: value.strip() for key, value in environ.items() if value.strip()}

        host = env.get("TRACKER_SMTP_HOST")
        if host is None:
            raise SmtpConfigError("TRACKER_SMTP_HOST is required (the SMTP server host name)",
                                  "required", variable="TRACKER_SMTP_HOST")

        security = _parse_security(env.get("TRACKER_SMTP_SECURITY", "starttls"))

        port = DEFAULT_PORTS[security]
        if "TRACKER_SMTP_PORT" in env:
            port = _parse_port(env["TRACKER_SMTP_PORT"])

        timeout = DEFAULT_TIMEOUT
        if "TRACKER_SMTP_TIMEOUT" in env:
            timeout = _parse_timeout(env["TRACKER_SMTP_TIMEOUT"])

        username = env.get("TRACKER_SMTP_USERNAME")
        password = read_password(environ)
        if username is None and password is not None:
            raise SmtpConfigError(
                "a TRACKER_SMTP_PASSWORD(_FILE) is set but TRACKER_SMTP_USERNAME is not"
            )
        if username is not None and password is None:
            raise SmtpConfigError(
                "TRACKER_SMTP_USERNAME is set but neither TRACKER_SMTP_PASSWORD "
                "nor TRACKER_SMTP_PASSWORD_FILE is"
            )

        mail_from = env.get("TRACKER_MAIL_FROM")
        if mail_from is None:
            raise SmtpConfigError("TRACKER_MAIL_FROM is required (the sender address)",
                                  "required", variable="TRACKER_MAIL_FROM")
        _check_address(mail_from, "TRACKER_MAIL_FROM")
        reply_to = env.get("TRACKER_REPLY_TO")
        if reply_to is not None:
            _check_address(reply_to, "TRACKER_REPLY_TO")

        return cls(
            host=host,
            port=port,
            security=security,
            username=username,
            password=password,
            timeout=timeout,
            mail_from=mail_from,
            reply_to=reply_to,
        )


@dataclass(frozen=True)
class Rate:
    """At most `messages` messages in any `period`: sent one `interval` apart."""

    messages: int
    period: timedelta

    @property
    def interval(self) -> timedelta:
        return self.period / self.messages

    def __str__(self) -> str:
        seconds = self.period.total_seconds()
        unit, size = next((unit, size) for unit, size in (("day", 86400), ("hour", 3600),
                                                          ("min", 60), ("s", 1))
                          if seconds % size == 0 or size == 1)
        count = seconds / size
        return f"{self.messages}/{'' if count == 1 else f'{count:g}'}{unit}"


@dataclass(frozen=True)
class RelayPace:
    """How fast the relay lets us send, as its operator told us: a message rate, connections
    open at once, and messages per connection.  None is no limit.

    Relays throttle senders, and a sender that keeps to the relay's pace is never told to slow
    down; how several processes keep to one pace together is the caller's business (the
    limits hold across every process that shares them)."""

    rate: Rate | None = None
    connections: int | None = None
    messages_per_connection: int | None = None

    @property
    def limited(self) -> bool:
        return (self.rate, self.connections, self.messages_per_connection) != (None,) * 3

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> RelayPace:
        """Read TRACKER_SMTP_RATE, TRACKER_SMTP_CONNECTIONS and
        TRACKER_SMTP_MESSAGES_PER_CONNECTION (empty or unset: no limit).  Raises
        ``SmtpConfigError`` with a one-line message naming the variable."""
        env = {key: value.strip() for key, value in environ.items() if value.strip()}
        rate = env.get("TRACKER_SMTP_RATE")
        return cls(
            rate=None if rate is None else _parse_rate(rate),
            connections=_whole("TRACKER_SMTP_CONNECTIONS", env, MAX_CONNECTIONS),
            messages_per_connection=_whole("TRACKER_SMTP_MESSAGES_PER_CONNECTION", env,
                                           MAX_MESSAGES_PER_CONNECTION),
        )


MAX_CONNECTIONS = 1000
MAX_MESSAGES_PER_CONNECTION = 1_000_000
MAX_RATE = 1_000_000
_RATE = re.compile(r"(\d+)\s*/\s*(\d+(?:\.\d+)?)?\s*([a-z]+)")
_UNITS = {"s": 1, "sec": 1, "second": 1, "min": 60, "minute": 60, "h": 3600, "hour": 3600,
          "d": 86400, "day": 86400}


def _parse_rate(text: str) -> Rate:
    """`30/min`, `500/hour`, `2/s`, `10/5min`: messages per (a number of) seconds, minutes,
    hours or days."""
    found = _RATE.fullmatch(text.lower())
    unit = found and _UNITS.get(found.group(3).removesuffix("s") or "s")
    if found and unit:
        count = int(found.group(1))
        seconds = float(found.group(2) or 1) * unit
        if 1 <= count <= MAX_RATE and 0 < seconds <= 7 * 86400:
            return Rate(count, timedelta(seconds=seconds))
    raise SmtpConfigError(
        "TRACKER_SMTP_RATE must be messages per period, like 30/min, 500/hour or 2/s "
        f"(at most {MAX_RATE:,} per a period of up to a week); got {text[:40]!r}")


def _whole(name: str, env: Mapping[str, str], most: int) -> int | None:
    text = env.get(name)
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= most:
        raise SmtpConfigError(f"{name} must be a whole number from 1 to {most:,}; "
                              f"got {text[:40]!r}", "whole", variable=name, most=f"{most:,}",
                              value=repr(text[:40]))
    return int(text)


def _check_address(value: str, what: str) -> None:
    try:
        parse_mailbox(value, what)
    except MessageError as exc:
        raise SmtpConfigError(str(exc)) from None


def _parse_security(text: str) -> Security:
    for mode in SECURITY_MODES:
        if text.lower() == mode:
            return mode
    raise SmtpConfigError(
        f"TRACKER_SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}; got {text!r}",
        "one_of", variable="TRACKER_SMTP_SECURITY", choices=", ".join(SECURITY_MODES),
        value=repr(text[:40]))


def _parse_port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise SmtpConfigError(f"TRACKER_SMTP_PORT must be an integer from 1 to 65535; got {text!r}",
                              "whole", variable="TRACKER_SMTP_PORT", most="65535",
                              value=repr(text[:40]))
    return port


def _parse_timeout(text: str) -> float:
    try:
        timeout = float(text)
    except ValueError:
        timeout = math.nan
    if not (math.isfinite(timeout) and timeout > 0):
        raise SmtpConfigError(
            f"TRACKER_SMTP_TIMEOUT must be a positive number of seconds; got {text!r}",
            "seconds", variable="TRACKER_SMTP_TIMEOUT", value=repr(text[:40]))
    return timeout


def read_password(environ: Mapping[str, str], prefix: str = "TRACKER_SMTP") -> str | None:
    """Return the password from `prefix`_PASSWORD or ..._FILE, or None (the IMAP side of an
    application reads its own with prefix TRACKER_IMAP, under the same rules).

    The password value itself is not stripped of spaces (they may be part of
    it); only the file's trailing newline is removed.
    """
    direct = environ.get(f"{prefix}_PASSWORD") or None
    path = (environ.get(f"{prefix}_PASSWORD_FILE") or "").strip() or None
    if direct is not None and path is not None:
        raise SmtpConfigError(
            f"{prefix}_PASSWORD and {prefix}_PASSWORD_FILE are both set; use only one"
        )
    if path is None:
        return direct
    try:
        # Check the mode of the file we actually read (fstat on the open file),
        # not of whatever the path points to a moment earlier.
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise SmtpConfigError(f"{prefix}_PASSWORD_FILE: {path} is not a regular file")
            if info.st_mode & (stat.S_IRGRP | stat.S_IROTH):
                raise SmtpConfigError(
                    f"{prefix}_PASSWORD_FILE: {path} is readable by group or others "
                    f"(mode {stat.S_IMODE(info.st_mode):04o}); run chmod 600 on it"
                )
            raw = handle.read()
    except OSError as exc:
        raise SmtpConfigError(
            f"{prefix}_PASSWORD_FILE: cannot read {path}: {exc.strerror}"
        ) from None
    try:
        password = raw.decode("utf-8")
    except UnicodeDecodeError:
        # "from None": the decode error's text would quote the secret's bytes.
        raise SmtpConfigError(f"{prefix}_PASSWORD_FILE: {path} is not valid UTF-8") from None
    password = password.removesuffix("\n").removesuffix("\r")
    if not password:
        raise SmtpConfigError(f"{prefix}_PASSWORD_FILE: {path} is empty")
    return password
