"""A real IMAP server for tests: a private Dovecot instance on free 127.0.0.1 ports.

The inbox reader must be proved against the server officials' mail really sits on, not a
stand-in, so each test gets Debian's Dovecot (`dovecot-imapd`) with a configuration of its own
(`dovecot -F -c CONFIG`): its own base_dir, state_dir and log file in a temporary directory, a
Maildir per user, passdb and userdb from a passwd-file, and a certificate from a throw-away CA
(`trustme`). It listens on two ports: `port` speaks plain IMAP and offers STARTTLS, `tls_port`
is implicit TLS (imaps). Nothing of the system's Dovecot (its config, its service, ports
143/993) is used or touched.

Working as root (as CI does): Dovecot refuses to run its login processes or to open mail as
root, so the login processes run as `dovenull` (made by the package; `nobody` when absent) and
mail is stored as `nobody`; the temporary directory is made traversable for them. Run by any
other user, everything runs as that user and nothing is chrooted.

`stop()` and `start()` again keep the port, the mail and therefore UIDVALIDITY and UIDs, as a
restarted production server does; `stop(hard=True)` SIGKILLs every process of the instance, as
a crash would. Mail is placed with the standard `imaplib` over TLS (IMAP APPEND), and read back
the same way.

Under CI=true a missing Dovecot fails the test (`.ci/run` installs it); elsewhere it is skipped.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import email
import email.message
import email.policy
import functools
import grp
import imaplib
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import trustme

from tests.office import _required

HOST = "127.0.0.1"
#: The names the certificate is good for; clients connect to HOST and check it.
CERT_NAMES = (HOST, "localhost", "imap.test")
DEFAULT_USERS: Mapping[str, str] = {
    "inbox@tracker.test": "inbox-secret-1",
    "other@tracker.test": "other secret \"2\"",
}
START_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0


def dovecot() -> str:
    """Dovecot's command, or the test fails (CI) or is skipped."""
    return _required(("dovecot", "/usr/sbin/dovecot"), "Dovecot (dovecot-imapd)")


@dataclass(frozen=True)
class StoredMessage:
    """One message as the server holds it."""

    uid: int
    flags: frozenset[str]
    data: bytes

    def parsed(self) -> email.message.EmailMessage:
        """The message parsed with the modern (decoding) email policy."""
        message = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(message, email.message.EmailMessage)
        return message


def mailbox_name(folder: str) -> str:
    """`folder` as an IMAP mailbox argument: modified UTF-7, quoted, as the tracker sends it
    (Dovecot refuses a name that is not valid modified UTF-7, so a wrong encoding still fails
    the tests that use it)."""
    from tracker.inbox.mailbox import quoted

    return quoted(folder)


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((HOST, 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _kill_group(leader: int) -> None:
    """SIGKILL the process group Dovecot's master leads (it and every child it forked)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(leader, signal.SIGKILL)


def _accounts() -> tuple[str, str, int, int]:
    """(internal user, login user, mail uid, mail gid) for this process's user."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid()).pw_name
        return me, me, os.geteuid(), os.getegid()
    nobody = pwd.getpwnam("nobody")
    try:
        login = pwd.getpwnam("dovenull").pw_name
    except KeyError:
        login = nobody.pw_name
    return "root", login, nobody.pw_uid, nobody.pw_gid


def _ok(result: tuple[str, Any], what: str) -> list[Any]:
    status, data = result
    assert status == "OK", f"IMAP {what}: {status} {data!r}"
    return list(data)


class ImapTestServer:
    """Start with ``with ImapTestServer(ca=...) as server:`` or ``start()``/``close()``.

    `users` maps login names to passwords (no ':' or line breaks: they go in a passwd-file).
    LOGIN without TLS is allowed on `port` (Dovecot counts 127.0.0.1 to itself as secure
    anyway); `logins()` tells which logins used TLS, to prove a client upgraded first.
    """

    def __init__(
        self,
        *,
        ca: trustme.CA | None = None,
        users: Mapping[str, str] | None = None,
    ) -> None:
        self.command = dovecot()
        self.host = HOST
        self.ca = ca or trustme.CA()
        self.users = dict(DEFAULT_USERS if users is None else users)
        for name, password in self.users.items():
            if re.search(r"[:\r\n]", name + password) or not name:
                raise ValueError(f"user {name!r}: no ':' or line breaks in names or passwords")
        self.root = Path(tempfile.mkdtemp(prefix="dovecot-test-"))
        self.root.chmod(0o755)
        self.port, self.tls_port = 0, 0
        self.startup_seconds = 0.0
        self._process: subprocess.Popen[bytes] | None = None
        self._reaper: Callable[[], None] | None = None
        self._prepare()

    # -- files ------------------------------------------------------------------------------

    @property
    def log_path(self) -> Path:
        return self.root / "dovecot.log"

    @property
    def mail_root(self) -> Path:
        return self.root / "mail"

    def log(self) -> str:
        """Everything Dovecot logged so far (this instance only)."""
        parts = [p.read_text(errors="replace") for p in
                 (self.log_path, self.root / "dovecot.stderr") if p.exists()]
        return "".join(parts)

    def logins(self) -> list[tuple[str, bool]]:
        """(user, over TLS) for each successful login so far, from the log."""
        found = re.findall(r"imap-login: Info: Login: user=<([^>]*)>, (.*)", self.log())
        return [(user, bool(re.search(r", (TLS|TLS handshaking)[,:]", rest)))
                for user, rest in found]

    def _prepare(self) -> None:
        internal, login, uid, gid = _accounts()
        self._uid, self._gid = uid, gid
        cert = self.ca.issue_cert(*CERT_NAMES)
        cert.cert_chain_pems[0].write_to_path(str(self.root / "cert.pem"))
        for blob in cert.cert_chain_pems[1:]:
            blob.write_to_path(str(self.root / "cert.pem"), append=True)
        cert.private_key_pem.write_to_path(str(self.root / "key.pem"))
        (self.root / "key.pem").chmod(0o600)
        for name in ("run", "state"):
            (self.root / name).mkdir()
        self.mail_root.mkdir()
        os.chown(self.mail_root, uid, gid)
        lines = []
        for index, (name, password) in enumerate(self.users.items()):
            home = self.mail_root / f"user{index}"
            home.mkdir()
            os.chown(home, uid, gid)
            lines.append(f"{name}:{{PLAIN}}{password}:{uid}:{gid}::{home}::\n")
        passwd = self.root / "passwd"
        passwd.write_text("".join(lines))
        passwd.chmod(0o600)
        self._internal, self._login = internal, login

    def _write_config(self) -> Path:
        chroot, anvil_chroot = ("login", "empty") if os.geteuid() == 0 else ("", "")
        # Unprivileged, the internal group must be our own (the package's `dovecot` otherwise).
        group = "" if os.geteuid() == 0 else grp.getgrgid(os.getegid()).gr_name
        config = self.root / "dovecot.conf"
        config.write_text(f"""\
# A private test instance: nothing here refers to the system's Dovecot.
instance_name = tracker-test-{self.port}
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.log_path}
protocols = imap
listen = {HOST}
default_internal_user = {self._internal}
default_login_user = {self._login}
{f"default_internal_group = {group}" if group else ""}
first_valid_uid = {min(self._uid, 500)}
first_valid_gid = {min(self._gid, 500)}
mail_uid = {self._uid}
mail_gid = {self._gid}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
mail_fsync = never
ssl = yes
ssl_cert = <{self.root}/cert.pem
ssl_key = <{self.root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
auth_verbose = yes
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {self.root}/passwd
}}
userdb {{
  driver = passwd-file
  args = {self.root}/passwd
}}
protocol imap {{
  mail_max_userip_connections = 100
}}
service imap-login {{
  chroot = {chroot}
  inet_listener imap {{
    address = {HOST}
    port = {self.port}
  }}
  inet_listener imaps {{
    address = {HOST}
    port = {self.tls_port}
    ssl = yes
  }}
}}
# No penalty of up to 15 s after failed logins: tests log in wrongly on purpose.
service anvil {{
  chroot = {anvil_chroot}
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service auth-worker {{
  user = $default_internal_user
}}
""")
        return config

    # -- running ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> ImapTestServer:
        """Start Dovecot: on fresh free ports the first time, on the same ports afterwards."""
        assert not self.running, "already running"
        began = time.monotonic()
        attempts = 3 if self.port == 0 else 1
        for attempt in range(attempts):
            if attempts > 1:
                self.port, self.tls_port = _free_ports(2)
            try:
                self._launch()
                break
            except RuntimeError:
                # Another process may have taken a port between our probe and Dovecot's bind.
                if attempt == attempts - 1 or "in use" not in self.log():
                    raise
        self.startup_seconds = time.monotonic() - began
        return self

    def _launch(self) -> None:
        config = self._write_config()
        stderr = (self.root / "dovecot.stderr").open("ab")
        with stderr:
            self._process = subprocess.Popen(
                [self.command, "-F", "-c", str(config)], stdin=subprocess.DEVNULL,
                stdout=stderr, stderr=stderr, start_new_session=True)
        # A test run that dies without teardown must not leave Dovecot listening.
        self._reaper = functools.partial(_kill_group, self._process.pid)
        atexit.register(self._reaper)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self._process.poll() is not None:
                self._process = None
                atexit.unregister(self._reaper)
                raise RuntimeError(f"Dovecot did not start:\n{self.log()}")
            if self._greets(self.port) and self._greets(self.tls_port, tls=True):
                return
            if time.monotonic() > deadline:
                self.stop(hard=True)
                raise RuntimeError(f"Dovecot not ready in {START_TIMEOUT} s:\n{self.log()}")
            time.sleep(0.01)

    def _greets(self, port: int, tls: bool = False) -> bool:
        try:
            with socket.create_connection((HOST, port), timeout=2) as sock:
                if tls:
                    with self.ssl_context().wrap_socket(sock, server_hostname=HOST) as wrapped:
                        return wrapped.recv(5) == b"* OK "
                return sock.recv(5) == b"* OK "
        except OSError:
            return False

    def stop(self, hard: bool = False) -> None:
        """Stop every process of this instance (SIGTERM; SIGKILL when `hard` or too slow).

        Open client connections are cut. Mail, ports and UIDVALIDITY stay for `start()`.
        """
        process, self._process = self._process, None
        if process is None:
            return
        if self._reaper:
            atexit.unregister(self._reaper)
        if hard:
            _kill_group(process.pid)
        else:
            process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            _kill_group(process.pid)
            process.wait(STOP_TIMEOUT)
        # Children left behind (a SIGKILLed master's) would keep the listening sockets.
        _kill_group(process.pid)
        deadline = time.monotonic() + STOP_TIMEOUT
        while self._listening() and time.monotonic() < deadline:
            time.sleep(0.01)

    def _listening(self) -> bool:
        for port in (self.port, self.tls_port):
            with contextlib.suppress(OSError), socket.create_connection((HOST, port), 0.2):
                return True
        return False

    def restart(self) -> ImapTestServer:
        self.stop()
        return self.start()

    def close(self) -> None:
        """Stop (at once: nothing will read this mail again) and remove the temporary
        directory (mail, log, certificate)."""
        self.stop(hard=True)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> ImapTestServer:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- clients ----------------------------------------------------------------------------

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts this server's CA (and nothing else)."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self.ca.configure_trust(context)
        return context

    def environ(self, user: str | None = None, security: str = "tls") -> dict[str, str]:
        """TRACKER_IMAP_* settings for the tracker to reach this server as `user`."""
        name = user or next(iter(self.users))
        port = self.tls_port if security == "tls" else self.port
        return {"TRACKER_IMAP_HOST": self.host, "TRACKER_IMAP_PORT": str(port),
                "TRACKER_IMAP_SECURITY": security, "TRACKER_IMAP_USERNAME": name,
                "TRACKER_IMAP_PASSWORD": self.users[name]}

    @contextlib.contextmanager
    def client(self, user: str | None = None) -> Iterator[imaplib.IMAP4_SSL]:
        """A logged-in `imaplib` connection over implicit TLS; logged out afterwards."""
        name = user or next(iter(self.users))
        connection = imaplib.IMAP4_SSL(self.host, self.tls_port, ssl_context=self.ssl_context(),
                                       timeout=30)
        try:
            _ok(connection.login(name, self.users[name]), "LOGIN")
            yield connection
        finally:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                connection.logout()

    def append(self, user: str, folder: str, message: bytes, flags: Iterable[str] = (),
               when: datetime | None = None) -> int:
        """Place `message` in `folder` (created when missing) with IMAP APPEND; its UID."""
        return self.append_many(user, folder, [message], flags, when)[0]

    def append_many(self, user: str, folder: str, messages: Iterable[bytes],
                    flags: Iterable[str] = (), when: datetime | None = None) -> list[int]:
        """APPEND each message on one connection; their UIDs in order."""
        flag_list = f"({' '.join(flags)})" if flags else None
        date = imaplib.Time2Internaldate(when) if when else None
        mailbox = mailbox_name(folder)
        uids = []
        with self.client(user) as imap:
            if folder.upper() != "INBOX":
                imap.create(mailbox)  # NO [ALREADYEXISTS] is fine
            for message in messages:
                data = _ok(imap.append(mailbox, flag_list, date, message), "APPEND")
                found = re.search(rb"APPENDUID \d+ (\d+)", bytes(data[0]))
                assert found, data
                uids.append(int(found[1]))
        return uids

    def messages(self, user: str, folder: str = "INBOX") -> list[StoredMessage]:
        """Every message in `folder`, by UID, without setting \\Seen; [] if it is missing."""
        with self.client(user) as imap:
            status, data = imap.select(mailbox_name(folder), readonly=True)
            if status != "OK" or int(data[0] or 0) == 0:
                return []
            fetched = _ok(imap.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[])"), "FETCH")
        return _stored(fetched)

    def uidvalidity(self, user: str, folder: str = "INBOX") -> int:
        with self.client(user) as imap:
            data = _ok(imap.status(mailbox_name(folder), "(UIDVALIDITY)"), "STATUS")
        found = re.search(rb"UIDVALIDITY (\d+)", bytes(data[0]))
        assert found, data
        return int(found[1])

    def folders(self, user: str) -> list[str]:
        """Mailbox names as the server lists them, decoded from modified UTF-7."""
        with self.client(user) as imap:
            data = _ok(imap.list(), "LIST")
        names = []
        for line in data:
            found = re.search(rb' "[^"]*" "?(.*?)"?$', bytes(line))
            if found:
                names.append(_decoded(found[1].decode()))
        return names


def _decoded(name: str) -> str:
    """Modified UTF-7 (RFC 3501 5.1.3) to text: the inverse of `mailbox_name` unquoted."""
    def wide(match: re.Match[str]) -> str:
        chunk = match[1].replace(",", "/")
        if not chunk:
            return "&"
        return base64.b64decode(chunk + "=" * (-len(chunk) % 4)).decode("utf-16-be")

    return re.sub(r"&([^-]*)-", wide, name).replace('\\"', '"').replace("\\\\", "\\")


def _stored(fetched: list[Any]) -> list[StoredMessage]:
    """StoredMessages from imaplib's FETCH answer: (head, literal) pairs, then the rest."""
    found: list[StoredMessage] = []
    head, body = b"", None
    for item in [*fetched, None]:
        if isinstance(item, tuple) or item is None:
            if body is not None:
                uid = re.search(rb"UID (\d+)", head)
                flags = re.search(rb"FLAGS \(([^)]*)\)", head)
                assert uid and flags, head
                found.append(StoredMessage(int(uid[1]),
                                           frozenset(flags[1].decode().split()), body))
            if isinstance(item, tuple):
                head, body = bytes(item[0]), bytes(item[1])
        elif isinstance(item, bytes):
            head += item
    return sorted(found, key=lambda message: message.uid)
