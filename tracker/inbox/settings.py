"""Where the tracker's mailbox is and how to log in to it, read from TRACKER_IMAP_*.

Configured like the SMTP side: implicit TLS by default, STARTTLS when asked, clear text only
when `none` is written out; certificates checked against the system's authorities (or the file
SSL_CERT_FILE names, as for SMTP); the password from the environment or a file only its owner
can read, kept out of `repr()` and every message.  Unset (no TRACKER_IMAP_HOST), the inbox is
simply not read.
"""

from __future__ import annotations

import math
import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from notifications.errors import SmtpConfigError
from notifications.settings import read_password
from tracker.errors import Phrase, UserError

Security = Literal["tls", "starttls", "none"]
SECURITY_MODES: tuple[Security, ...] = ("tls", "starttls", "none")
DEFAULT_PORTS: Mapping[Security, int] = {"tls": 993, "starttls": 143, "none": 143}
DEFAULT_FOLDER = "INBOX"
DEFAULT_DONE_FOLDER = "Tracker-Done"
"""Where handled mail goes when TRACKER_IMAP_DONE_FOLDER is not set (created when missing)."""
DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True, kw_only=True)
class ImapSettings:
    host: str
    port: int
    security: Security = "tls"
    username: str
    password: str = field(repr=False)
    folder: str = DEFAULT_FOLDER
    done_folder: str = DEFAULT_DONE_FOLDER
    timeout: float = DEFAULT_TIMEOUT
    """Seconds any one socket operation may take (connecting, each command's answer)."""

    @property
    def mailbox(self) -> str:
        """The `inbox_message.mailbox` of this folder: `user@host/INBOX` (a row is known by
        the account and folder it was read from)."""
        return f"{self.username}@{self.host}/{self.folder}"[:400]

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def tls_context(self) -> ssl.SSLContext:
        """Certificates checked as the SMTP side checks them (SSL_CERT_FILE honoured)."""
        return ssl.create_default_context()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> ImapSettings:
        """Read TRACKER_IMAP_*; a mistake is a `UserError` naming the variable (never the
        password).  Call only when `configured(environ)`."""
        env = {key: value.strip() for key, value in environ.items() if value.strip()}
        host = env.get("TRACKER_IMAP_HOST", "")
        if not host or any(ch.isspace() or not ch.isprintable() for ch in host):
            raise _required("TRACKER_IMAP_HOST", "inbox.what_host")
        text = env.get("TRACKER_IMAP_SECURITY", "tls").lower()
        security = next((mode for mode in SECURITY_MODES if mode == text), None)
        if security is None:
            raise UserError.said("mail.one_of", variable="TRACKER_IMAP_SECURITY",
                                 choices=", ".join(SECURITY_MODES),
                                 value=repr(env["TRACKER_IMAP_SECURITY"][:40]))
        port = DEFAULT_PORTS[security]
        if "TRACKER_IMAP_PORT" in env:
            raw = env["TRACKER_IMAP_PORT"]
            if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 65535):
                raise UserError.said("mail.whole", variable="TRACKER_IMAP_PORT", most="65535",
                                     value=repr(raw[:40]))
            port = int(raw)
        timeout = DEFAULT_TIMEOUT
        if "TRACKER_IMAP_TIMEOUT" in env:
            raw = env["TRACKER_IMAP_TIMEOUT"]
            try:
                timeout = float(raw)
            except ValueError:
                timeout = math.nan
            if not (math.isfinite(timeout) and 0 < timeout <= 3600):
                raise UserError.said("mail.seconds", variable="TRACKER_IMAP_TIMEOUT",
                                     value=repr(raw[:40]))
        username = env.get("TRACKER_IMAP_USERNAME")
        if username is None:
            raise _required("TRACKER_IMAP_USERNAME", "inbox.what_username")
        try:
            password = read_password(environ, "TRACKER_IMAP")
        except SmtpConfigError as exc:  # its words never hold the password
            raise UserError.said("inbox.config", detail=str(exc)) from None
        if password is None:
            raise _required("TRACKER_IMAP_PASSWORD", "inbox.what_password")
        folder = _folder(env, "TRACKER_IMAP_FOLDER", DEFAULT_FOLDER)
        done = _folder(env, "TRACKER_IMAP_DONE_FOLDER", DEFAULT_DONE_FOLDER)
        if done == folder or done.upper() == folder.upper() == "INBOX":
            raise UserError.said("inbox.same_folder", folder=folder)
        return cls(host=host, port=port, security=security, username=username,
                   password=password, folder=folder, done_folder=done, timeout=timeout)


def configured(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the inbox is to be read at all (TRACKER_IMAP_HOST is set)."""
    return bool(environ.get("TRACKER_IMAP_HOST", "").strip())


def _required(variable: str, what: str) -> UserError:
    return UserError.said("mail.required", variable=variable, what=Phrase(what))


def _folder(env: Mapping[str, str], variable: str, default: str) -> str:
    name = env.get(variable, default)
    if len(name) > 200 or any(not ch.isprintable() for ch in name) or name.strip("/.") == "":
        raise UserError.said("inbox.bad_folder", variable=variable, value=repr(name[:40]))
    return name
