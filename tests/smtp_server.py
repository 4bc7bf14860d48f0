"""A real SMTP server for tests: aiosmtpd in a background thread on 127.0.0.1.

Tests drive it with a synchronous API and switch its behaviour at runtime to
reproduce what real servers do to us: per-recipient replies (550 for one
address, 451 for another), deferring everything (421/451), refusing
connections (not listening), and hanging before the 354 go-ahead or after the
message body. It can offer or require STARTTLS with a certificate from a
throw-away CA (``trustme``), serve implicit TLS, and require AUTH.

It counts connections so tests can prove that one SMTP connection carried
many messages (and the most open at once, for a relay's connection limit),
records every message it accepted with the moment its MAIL command came (for a
relay's rate), and can ask the sender to slow down (421) once it has accepted
a number of messages, as a throttling relay does.

Shutdown is deterministic: ``stop()`` closes every client connection in the
server's loop (which cancels any hang), stops the loop and joins the thread.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import enum
import socket
import ssl
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

HOST = "127.0.0.1"
SERVER_NAME = "smtp.test"
#: Long enough to outlast any client timeout used in tests; hangs end earlier
#: anyway, when the client gives up or the server stops.
DEFAULT_HANG_SECONDS = 60.0


class Mode(enum.Enum):
    """Global behaviour of the server."""

    ACCEPT = "accept"
    DEFER = "defer"
    REFUSE = "refuse"
    HANG_AFTER_DATA = "hang_after_data"
    HANG_BEFORE_DATA_REPLY = "hang_before_data_reply"


@dataclass(frozen=True)
class ReceivedMessage:
    """One message as the server received it."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    message_id: str | None
    subject: str | None
    tls: bool
    login: str | None
    connection: int
    began: float = 0.0
    """`time.monotonic()` when its MAIL command arrived: when a relay counts a message."""

    def parsed(self) -> email.message.EmailMessage:
        """The message parsed with the modern (decoding) email policy."""
        message = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(message, email.message.EmailMessage)
        return message


_DEFAULT_TEXTS = {
    421: "4.3.2 Service shutting down, closing connection",
    450: "4.2.1 Mailbox busy, try again later",
    451: "4.3.0 Local error, try again later",
    452: "4.3.1 Insufficient storage",
    550: "5.1.1 Mailbox unavailable",
    552: "5.3.4 Message too big",
    553: "5.1.3 Mailbox name not allowed",
    554: "5.7.1 Rejected",
}


def _reply(code: int, text: str | None) -> str:
    return f"{code} {text or _DEFAULT_TEXTS.get(code, 'Test reply')}"


class SmtpTestServer:
    """Start with ``with SmtpTestServer() as server:`` or ``start()``/``stop()``."""

    def __init__(
        self,
        *,
        starttls: bool = False,
        require_starttls: bool = False,
        implicit_tls: bool = False,
        auth: tuple[str, str] | None = None,
        auth_require_tls: bool = True,
        ca: trustme.CA | None = None,
        hang_seconds: float = DEFAULT_HANG_SECONDS,
        auth_mechanisms: tuple[str, ...] | None = None,
    ) -> None:
        if require_starttls:
            starttls = True
        if starttls and implicit_tls:
            raise ValueError("choose STARTTLS or implicit TLS, not both")
        self.hang_seconds = hang_seconds
        #: After this many accepted messages on one connection, answer the next
        #: MAIL with 421 and close, as servers limiting messages per connection do.
        self.max_messages_per_connection: int | None = None
        #: Once this many messages were accepted (in all), answer MAIL with
        #: ``slow_down_reply`` and close, as a relay throttling its senders does.
        self.slow_down_after: int | None = None
        self.slow_down_reply = "421 4.7.0 Too many messages, slow down"
        self._auth = auth
        #: Offer only these AUTH mechanisms (e.g. ("PLAIN",)); None: aiosmtpd's own.
        self.auth_mechanisms = auth_mechanisms
        # aiosmtpd cannot tell that an implicit-TLS connection is encrypted and
        # would hide AUTH (aio-libs/aiosmtpd#281), so do not require TLS there.
        self._auth_require_tls = auth_require_tls and not implicit_tls
        self._starttls = starttls
        self._require_starttls = require_starttls
        self._implicit_tls = implicit_tls
        self.ca = ca if ca is not None else (trustme.CA() if starttls or implicit_tls else None)
        self._server_tls: ssl.SSLContext | None = None
        self.client_tls_context: ssl.SSLContext | None = None
        if self.ca is not None:
            self._server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.ca.issue_cert(HOST, "localhost").configure_cert(self._server_tls)
            self.client_tls_context = ssl.create_default_context()
            self.ca.configure_trust(self.client_tls_context)

        self._lock = threading.Lock()
        self._messages: list[ReceivedMessage] = []
        self._hung: list[ReceivedMessage] = []
        self._replies: dict[str, str] = {}
        self._connections = 0
        self._open = 0
        self._most_open = 0
        self._mode = Mode.ACCEPT
        self._defer_reply = _reply(451, None)
        self._defer_stage: Literal["MAIL", "RCPT"] = "MAIL"
        self._controller: _Controller | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> SmtpTestServer:
        """Listen on a free port of 127.0.0.1 (the same port again after REFUSE)."""
        if self._controller is not None:
            return self
        controller = _Controller(self, port=self.port)
        controller.start()
        self.port = controller.port
        self._controller = controller
        with self._lock:
            self._connections = 0  # forget aiosmtpd's own start-up probe connection
            self._most_open = self._open
        return self

    def stop(self) -> None:
        """Close all connections, stop listening and join the server thread."""
        controller, self._controller = self._controller, None
        if controller is None:
            return
        controller.close_connections()
        controller.stop()

    def __enter__(self) -> SmtpTestServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- behaviour switches --------------------------------------------------

    @property
    def mode(self) -> Mode:
        return self._mode

    def set_mode(
        self,
        mode: Mode | str,
        *,
        code: int = 451,
        text: str | None = None,
        stage: Literal["MAIL", "RCPT"] = "MAIL",
    ) -> None:
        """Switch the global behaviour.

        ``DEFER`` answers *code* (421 or 451...) at *stage*; after a 421 the
        server closes the connection, as real servers do. ``REFUSE`` stops
        listening (clients get "connection refused"); any other mode listens
        again on the same port.
        """
        mode = Mode(mode)
        with self._lock:
            self._mode = mode
            self._defer_reply = _reply(code, text)
            self._defer_stage = stage
        if mode is Mode.REFUSE:
            self.stop()
        else:
            self.start()

    def reply_for(self, recipient: str, code: int, text: str | None = None) -> None:
        """Answer RCPT TO:<recipient> with *code* (e.g. 550, 451) from now on."""
        with self._lock:
            self._replies[recipient.lower()] = _reply(code, text)

    def clear(self) -> None:
        """Forget received messages and the connection count (not the behaviour)."""
        with self._lock:
            self._messages.clear()
            self._hung.clear()
            self._connections = 0
            self._most_open = self._open

    def reset(self) -> None:
        """Back to accepting everything, with no special replies."""
        with self._lock:
            self._replies.clear()
        self.set_mode(Mode.ACCEPT)

    # -- observations --------------------------------------------------------

    @property
    def messages(self) -> list[ReceivedMessage]:
        """Messages accepted with 250 (a copy, safe to keep)."""
        with self._lock:
            return list(self._messages)

    @property
    def hung_messages(self) -> list[ReceivedMessage]:
        """Bodies received in HANG_AFTER_DATA mode (never acknowledged)."""
        with self._lock:
            return list(self._hung)

    @property
    def connections(self) -> int:
        """Client connections accepted since start() or clear()."""
        with self._lock:
            return self._connections

    @property
    def most_open(self) -> int:
        """The most client connections open at once since start() or clear()."""
        with self._lock:
            return self._most_open

    # -- called from the server thread --------------------------------------

    def _new_connection(self) -> int:
        with self._lock:
            self._connections += 1
            self._open += 1
            self._most_open = max(self._most_open, self._open)
            return self._connections

    def _connection_closed(self) -> None:
        with self._lock:
            self._open -= 1

    def _mail_reply(self, stage: str) -> str | None:
        with self._lock:
            if self._mode is Mode.DEFER and self._defer_stage == stage:
                return self._defer_reply
            return None

    def _recipient_reply(self, address: str) -> str | None:
        with self._lock:
            return self._replies.get(address.lower())

    def _record(self, message: ReceivedMessage, *, hung: bool) -> None:
        with self._lock:
            (self._hung if hung else self._messages).append(message)

    def _authenticate(self, mechanism: str, auth_data: Any) -> AuthResult:
        if self._auth is None or not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        username, password = self._auth
        if auth_data.login == username.encode() and auth_data.password == password.encode():
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)


class _Handler:
    """aiosmtpd hooks; all decisions are delegated to the owning test server."""

    def __init__(self, owner: SmtpTestServer) -> None:
        self.owner = owner

    async def handle_MAIL(
        self, server: _Smtp, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        reply = self.owner._mail_reply("MAIL")
        limit = self.owner.max_messages_per_connection
        if reply is None and limit is not None and server.accepted >= limit:
            reply = "421 4.7.0 Too many messages on this connection, closing"
        enough = self.owner.slow_down_after
        if reply is None and enough is not None and len(self.owner.messages) >= enough:
            reply = self.owner.slow_down_reply
        server.began = time.monotonic()
        if reply is not None:
            return _maybe_close_after(server, reply)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: _Smtp, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        reply = self.owner._mail_reply("RCPT") or self.owner._recipient_reply(address)
        if reply is not None and not reply.startswith("2"):
            return _maybe_close_after(server, reply)
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return reply or "250 OK"

    async def handle_DATA(self, server: _Smtp, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        parsed = email.message_from_bytes(data, policy=email.policy.default)
        transport = server.transport
        auth = session.auth_data
        message = ReceivedMessage(
            mail_from=envelope.mail_from or "",
            rcpt_tos=tuple(envelope.rcpt_tos),
            data=data,
            message_id=str(parsed["Message-ID"]) if parsed["Message-ID"] else None,
            subject=str(parsed["Subject"]) if parsed["Subject"] is not None else None,
            tls=transport is not None and transport.get_extra_info("sslcontext") is not None,
            login=auth.login.decode() if isinstance(auth, LoginPassword) else None,
            connection=server.connection_number,
            began=server.began,
        )
        if self.owner.mode is Mode.HANG_AFTER_DATA:
            self.owner._record(message, hung=True)
            await asyncio.sleep(self.owner.hang_seconds)
            return "451 4.3.0 Gave up hanging"
        self.owner._record(message, hung=False)
        server.accepted += 1
        return f"250 2.0.0 OK queued as {len(self.owner.messages)}"


def _maybe_close_after(server: _Smtp, reply: str) -> str:
    """After a 421 reply, close the connection like a real server would.

    The reply is written synchronously right after the hook returns, before
    the loop runs the scheduled close, and close() flushes what was written.
    """
    if reply.startswith("421") and server.transport is not None:
        asyncio.get_running_loop().call_soon(server.transport.close)
    return reply


class _Smtp(SMTP):
    """aiosmtpd's SMTP with a connection number and a hang before the 354."""

    def __init__(
        self,
        owner: SmtpTestServer,
        connection_number: int,
        on_lost: Callable[[_Smtp], None],
        **kwargs: Any,
    ) -> None:
        # aiosmtpd warns on every connection when AUTH is required without TLS,
        # which some tests do on purpose; set the requirement after __init__.
        auth_required = kwargs.pop("auth_required", False)
        super().__init__(_Handler(owner), auth_required=False, **kwargs)
        self._auth_required = auth_required
        self.owner = owner
        self.connection_number = connection_number
        self.accepted = 0  # messages accepted on this connection
        self.began = 0.0  # when the MAIL command of the current transaction came
        self._on_lost = on_lost

    def connection_lost(self, error: Exception | None) -> None:
        self._on_lost(self)
        self.owner._connection_closed()
        super().connection_lost(error)

    async def smtp_DATA(self, arg: str) -> None:
        if self.owner.mode is Mode.HANG_BEFORE_DATA_REPLY:
            # Swallow the DATA command and never send 354.
            await asyncio.sleep(self.owner.hang_seconds)
            return
        await super().smtp_DATA(arg)


class _Controller(Controller):
    """Threaded controller on a socket we bind ourselves.

    Binding first (port 0, or the previous port with SO_REUSEADDR) gives a free
    port without the race of "find a free port, close it, hope it stays free".
    """

    def __init__(self, owner: SmtpTestServer, port: int) -> None:
        self.owner = owner
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((HOST, port))
        self._sock.listen(64)
        self._active: set[_Smtp] = set()
        kwargs: dict[str, Any] = {
            "server_hostname": SERVER_NAME,
            "ready_timeout": 10.0,
            "auth_require_tls": owner._auth_require_tls,
            "authenticator": lambda server, session, envelope, mechanism, data: (
                owner._authenticate(mechanism, data)
            ),
        }
        if owner._auth is not None:
            kwargs["auth_required"] = True
        if owner.auth_mechanisms is not None:
            kwargs["auth_exclude_mechanism"] = {"LOGIN", "PLAIN"} - set(owner.auth_mechanisms)
        if owner._starttls:
            kwargs["tls_context"] = owner._server_tls
            kwargs["require_starttls"] = owner._require_starttls
        super().__init__(
            _Handler(owner),
            hostname=HOST,
            port=self._sock.getsockname()[1],
            ssl_context=owner._server_tls if owner._implicit_tls else None,
            **kwargs,
        )

    def factory(self) -> _Smtp:
        # Called once per accepted connection.
        smtp = _Smtp(
            self.owner, self.owner._new_connection(), self._active.discard, **self.SMTP_kwargs
        )
        self._active.add(smtp)
        return smtp

    def _create_server(self) -> Awaitable[asyncio.AbstractServer]:
        return self.loop.create_server(self._factory_invoker, sock=self._sock, ssl=self.ssl_context)

    def close_connections(self) -> None:
        """Close every client connection from inside the server loop and wait."""

        async def close_all() -> None:
            for smtp in list(self._active):
                # abort, not close: a graceful TLS shutdown would wait for a
                # client that may be gone.
                if smtp.transport is not None:
                    smtp.transport.abort()
            for _ in range(10):  # let connection_lost callbacks and cancellations run
                if not self._active:
                    break
                await asyncio.sleep(0.01)

        if self.loop.is_running():
            asyncio.run_coroutine_threadsafe(close_all(), self.loop).result(timeout=5)
