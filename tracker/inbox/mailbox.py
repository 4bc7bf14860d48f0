"""The tracker's mailbox over IMAP: the handful of commands the inbox needs, each one line.

The standard `imaplib` is enough: every operation here is a single IMAP command (LOGIN,
SELECT, UID SEARCH, UID FETCH BODY.PEEK[], UID MOVE or its COPY + STORE + EXPUNGE fallback,
CREATE), so a client library would add a dependency and nothing else.  Every socket carries
the configured timeout, so a server that stops answering ends the run instead of hanging it.

Two failures matter to callers and are told apart: the server cannot be reached or stops
answering (`Unreachable`), and it refuses the login or the folder (`Refused`); both say it in
one line without the password.
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import re
import ssl
from collections.abc import Iterator, Sequence
from types import TracebackType

from tracker.errors import RuntimeFailure
from tracker.inbox.settings import ImapSettings


class Unreachable(RuntimeFailure):
    """The server could not be reached, or the connection broke (exit status 1)."""


class Refused(RuntimeFailure):
    """The server refused the login, TLS or a folder (exit status 1)."""


_ERRORS = (OSError, EOFError, imaplib.IMAP4.abort)


def quoted(folder: str) -> str:
    """`folder` as an IMAP mailbox argument: modified UTF-7 (RFC 3501 5.1.3), quoted, so
    folder names in Kazakh or Russian work."""
    out: list[str] = []
    wide: list[str] = []

    def flush() -> None:
        if wide:
            raw = "".join(wide).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).decode().rstrip("=").replace("/", ",") + "-")
            wide.clear()

    for char in folder:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            wide.append(char)
    flush()
    return '"' + "".join(out).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _said(data: object) -> str:
    """A server's answer as one short line (imaplib hands lists of bytes)."""
    parts = data if isinstance(data, list | tuple) else [data]
    text = " ".join(p.decode(errors="replace") if isinstance(p, bytes) else str(p)
                    for p in parts if p is not None)
    # imaplib's errors: "AUTHENTICATE command error: NO [b'...']", or the str() of bytes
    text = re.sub(r"^\w+ command error: \w+ \[(.*)\]$", r"\1", text.strip())
    wrapped = re.fullmatch(r"""b(['"])(.*)\1""", text.strip(), re.DOTALL)
    if wrapped:
        text = wrapped[2]
    return " ".join(text.split())[:300]


class Mailbox:
    """One logged-in connection, its folder selected (`open`); `close()` logs out."""

    def __init__(self, settings: ImapSettings, imap: imaplib.IMAP4) -> None:
        self.settings = settings
        self.imap = imap
        self.uidvalidity = 0
        self.exists = 0

    @property
    def can_move(self) -> bool:
        """UID MOVE (RFC 6851) is offered."""
        return "MOVE" in self.imap.capabilities

    @property
    def uidplus(self) -> bool:
        """UID EXPUNGE (RFC 4315) is offered: only the moved messages are expunged."""
        return "UIDPLUS" in self.imap.capabilities

    @classmethod
    def connect(cls, settings: ImapSettings) -> Mailbox:
        """Connect, secure as configured (never falling back to clear text) and log in."""
        where = settings.where
        try:
            if settings.security == "tls":
                imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    settings.host, settings.port, ssl_context=settings.tls_context(),
                    timeout=settings.timeout)
            else:
                imap = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout)
        except ssl.SSLError as exc:
            raise Refused.said("inbox.tls", where=where, reason=_said(exc.reason or exc)) \
                from None
        except (*_ERRORS, imaplib.IMAP4.error) as exc:
            raise Unreachable.said("inbox.unreachable", where=where,
                                   reason=_said(str(exc) or type(exc).__name__)) from None
        try:
            if settings.security == "starttls":
                if "STARTTLS" not in imap.capabilities:
                    raise Refused.said("inbox.no_starttls", where=where)
                imap.starttls(settings.tls_context())
            _log_in(imap, settings.username, settings.password)
            # What the server offers once logged in (MOVE, UIDPLUS): the greeting's list is
            # the one before login, which imaplib keeps.
            status, listed = imap.capability()
            if status == "OK" and listed and isinstance(listed[-1], bytes):
                imap.capabilities = tuple(listed[-1].decode("ascii", "replace").upper().split())
        except ssl.SSLError as exc:
            _drop(imap)
            raise Refused.said("inbox.tls", where=where, reason=_said(exc.reason or exc)) \
                from None
        except imaplib.IMAP4.abort as exc:
            _drop(imap)
            raise Unreachable.said("inbox.unreachable", where=where, reason=_said(str(exc))) \
                from None
        except imaplib.IMAP4.error as exc:
            _drop(imap)
            # The server's words (e.g. [AUTHENTICATIONFAILED]); the password is never in them.
            raise Refused.said("inbox.login", where=where, user=settings.username,
                               reason=_said(str(exc).replace(settings.password, "***")))\
                from None
        except Refused:
            _drop(imap)
            raise
        except _ERRORS as exc:
            _drop(imap)
            raise Unreachable.said("inbox.unreachable", where=where,
                                   reason=_said(str(exc) or type(exc).__name__)) from None
        return cls(settings, imap)

    @classmethod
    @contextlib.contextmanager
    def opened(cls, settings: ImapSettings, readonly: bool = False) -> Iterator[Mailbox]:
        """Logged in with the folder selected; logged out afterwards."""
        mailbox = cls.connect(settings)
        try:
            mailbox.select(readonly)
            yield mailbox
        finally:
            mailbox.close()

    def _run(self, what: str, call: object, *args: object) -> list[object]:
        """Run one imaplib command; OK gives its data, else the failure it means."""
        assert callable(call)
        try:
            status, data = call(*args)
        except imaplib.IMAP4.abort as exc:
            raise Unreachable.said("inbox.unreachable", where=self.settings.where,
                                   reason=_said(str(exc))) from None
        except imaplib.IMAP4.error as exc:
            raise Refused.said("inbox.command", where=self.settings.where, command=what,
                               reason=_said(str(exc))) from None
        except _ERRORS as exc:
            raise Unreachable.said("inbox.unreachable", where=self.settings.where,
                                   reason=_said(str(exc) or type(exc).__name__)) from None
        if status != "OK":
            raise Refused.said("inbox.command", where=self.settings.where, command=what,
                               reason=_said(data))
        return list(data)

    def select(self, readonly: bool = False) -> None:
        """Select the folder: its UIDVALIDITY and how many messages it holds."""
        data = self._run("SELECT", self.imap.select, quoted(self.settings.folder), readonly)
        self.exists = int(_said(data[0]) or 0) if data else 0
        _, validity = self.imap.response("UIDVALIDITY")
        found = re.search(r"\d+", _said(validity))
        if not found:
            raise Refused.said("inbox.command", where=self.settings.where, command="SELECT",
                               reason="no UIDVALIDITY")
        self.uidvalidity = int(found[0])

    def uids(self) -> list[int]:
        """The UIDs in the folder, oldest first (those marked deleted left out: they were
        copied away by the fallback of `move` already)."""
        data = self._run("UID SEARCH", self.imap.uid, "SEARCH", "UNDELETED")
        found = b" ".join(part for part in data if isinstance(part, bytes))
        return sorted(int(n) for n in found.split() if n.isdigit())

    def fetch(self, uids: Sequence[int]) -> dict[int, bytes]:
        """Each message's bytes by UID, without setting \\Seen (BODY.PEEK[]); a UID gone
        meanwhile is simply missing from the answer."""
        if not uids:
            return {}
        data = self._run("UID FETCH", self.imap.uid, "FETCH", _set(uids), "(UID BODY.PEEK[])")
        found: dict[int, bytes] = {}
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                head = item[0] if isinstance(item[0], bytes) else b""
                uid = re.search(rb"UID (\d+)", head)
                if uid and isinstance(item[1], bytes):
                    found[int(uid[1])] = item[1]
        return found

    def ensure_folder(self, folder: str) -> None:
        """Create `folder` unless it exists (the done folder: mail is moved, never deleted)."""
        with contextlib.suppress(Refused):
            self._run("STATUS", self.imap.status, quoted(folder), "(MESSAGES)")
            return
        try:
            self._run("CREATE", self.imap.create, quoted(folder))
        except Refused as refused:
            # another fetcher made it a moment ago ([ALREADYEXISTS]); else the refusal stands
            try:
                self._run("STATUS", self.imap.status, quoted(folder), "(MESSAGES)")
            except Refused:
                raise refused from None

    def move(self, uids: Sequence[int], folder: str) -> None:
        """Move the messages to `folder`: UID MOVE, or where the server lacks it UID COPY,
        then \\Deleted and an expunge of just those (a message is never deleted uncopied)."""
        if not uids:
            return
        which = _set(uids)
        if self.can_move:
            try:
                self._run("UID MOVE", self.imap.uid, "MOVE", which, quoted(folder))
            except Refused:
                if len(uids) == 1:
                    raise
                # One of them gone meanwhile (another fetcher moved it): each on its own.
                for uid in uids:
                    with contextlib.suppress(Refused):
                        self._run("UID MOVE", self.imap.uid, "MOVE", str(uid), quoted(folder))
            return
        self._run("UID COPY", self.imap.uid, "COPY", which, quoted(folder))
        self._run("UID STORE", self.imap.uid, "STORE", which, "+FLAGS.SILENT", r"(\Deleted)")
        if self.uidplus:
            self._run("UID EXPUNGE", self.imap.uid, "EXPUNGE", which)
        else:
            self._run("EXPUNGE", self.imap.expunge)

    def close(self) -> None:
        _drop(self.imap)

    def __enter__(self) -> Mailbox:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _log_in(imap: imaplib.IMAP4, username: str, password: str) -> None:
    """AUTHENTICATE PLAIN where offered (UTF-8, so a password in Kazakh works), else LOGIN
    (which imaplib sends as ASCII only)."""
    if "AUTH=PLAIN" in imap.capabilities:
        credentials = f"\0{username}\0{password}".encode()
        imap.authenticate("PLAIN", lambda _challenge: credentials)
    else:
        imap.login(username, password)


def _set(uids: Sequence[int]) -> str:
    """A UID set, consecutive runs written as ranges (`3:7,9`)."""
    runs: list[str] = []
    ordered = sorted(set(uids))
    start = prev = ordered[0]
    for uid in [*ordered[1:], None]:
        if uid is not None and uid == prev + 1:
            prev = uid
            continue
        runs.append(str(start) if start == prev else f"{start}:{prev}")
        if uid is not None:
            start = prev = uid
    return ",".join(runs)


def _drop(imap: imaplib.IMAP4) -> None:
    """Log out, or just close the socket when the server is gone."""
    with contextlib.suppress(*_ERRORS, imaplib.IMAP4.error):
        imap.logout()
    with contextlib.suppress(OSError):
        imap.shutdown()
