"""Delivering mail over one reusable SMTP connection, with honest outcomes.

The point of this module is the ``Outcome`` of each send, because the caller
decides on retries from it:

* ``SENT`` -- the server answered 2xx to the end of DATA.
* ``DEFERRED`` -- the message certainly did not get through and may be
  retried: connection refused or dropped, a timeout *before* the body was
  sent, or any 4xx reply (including a 4xx after the body).
* ``FAILED`` -- a 5xx reply: the server permanently refused this message.
* ``UNCERTAIN`` -- the body was handed to the server but no final reply
  arrived (timeout or disconnect). The server may well have queued it, so the
  caller must NOT resend automatically (that is how recipients get
  duplicates); a human decides.

Problems that concern the whole configuration rather than one message are
raised, not returned: ``SmtpSecurityError`` (TLS cannot be had, certificate
not trusted, or the server demands STARTTLS with a 530) and ``SmtpAuthError``
(credentials rejected, no usable AUTH, or a 530 "authentication required").
The caller stops the run on them, so no message spends a delivery attempt.

The transaction is done step by step (MAIL, one RCPT per recipient, DATA,
body) so that each failure is attributed to its step. A message goes to all
its recipients or to none. After any failure the connection is dropped and a
new one is opened by the next send; if a *reused* connection turns out to be
dead at MAIL (disconnect, or a 421 from a server that limits messages per
connection), the message is retried once on a fresh connection, which is
safe because nothing of it had been sent. A connection given a
``messages_per_connection`` cap says QUIT after that many messages, so a relay
that limits them never has to refuse one.

How aiosmtplib (5.x) behaves, read from its source, and what follows:

* ``SMTP.data()`` sends DATA, waits for 354, writes the body and waits for the
  final reply inside one call, raising the same ``SMTPReadTimeoutError`` for a
  timeout in either wait. It cannot tell "no 354" from "no final reply", so we
  do the DATA step ourselves: ``execute_command(b"DATA")`` for the 354, then
  ``SMTP.protocol.write()`` and ``SMTP.protocol.read_response()`` for the body
  and the final reply. These are public methods of aiosmtplib's
  ``SMTPProtocol``, not part of its documented API; the tests (hang before
  354 vs. hang after the body) will catch a change in a future release.
  (We bypass aiosmtplib's per-command lock there; our own lock guarantees a
  single transaction at a time.) "Body sent" means handed to the socket: a
  failure after that point is reported as UNCERTAIN even if, in fact, the
  bytes never left this machine -- the safe side.
* ``execute_command`` closes the connection itself on a read timeout or a
  disconnect, and on a 421 reply.
* ``mail()``/``rcpt()`` raise ``SMTPSenderRefused``/``SMTPRecipientRefused``
  (both ``SMTPResponseException`` with ``.code``) for any non-250/251 reply.
* Opening the session (connect, EHLO, STARTTLS, login) is notifications.session;
  outcomes and how replies are told are notifications.outcome.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType

import aiosmtplib

from notifications.errors import (
    MessageError,
    SmtpAuthError,
    SmtpSecurityError,
    SmtpUnavailableError,
)
from notifications.headers import validate_addr_spec
from notifications.message import OutgoingMail, PreparedMail, prepare
from notifications.outcome import Outcome, ReplyReader, SendResult, StepFailed
from notifications.payload import Payload, joined, section_of
from notifications.session import abort, open_session
from notifications.settings import SmtpSettings

__all__ = ["Outcome", "SendResult", "SmtpConnection", "SmtpSettings"]

logger = logging.getLogger("notifications.smtp")


class SmtpConnection:
    """One SMTP connection, opened lazily and reused for many messages.

    Use as ``async with SmtpConnection(settings) as smtp: await smtp.send(mail)``.
    The connection is opened on the first send and reopened on the next send
    after any error, so one bad message never poisons the following ones.
    Sends are serialised: SMTP allows one transaction at a time per connection.
    """

    def __init__(self, settings: SmtpSettings, *,
                 messages_per_connection: int | None = None) -> None:
        self._settings = settings
        self._replies = ReplyReader(settings.password, settings.username)
        self._smtp: aiosmtplib.SMTP | None = None
        self._lock = asyncio.Lock()
        self.connections_opened = 0
        """How many connections were opened (and authenticated) so far."""
        self.messages_per_connection = messages_per_connection
        """After this many messages sent on one connection, it is closed (QUIT) and the next
        message opens a new one: relays limit messages per connection (None: no limit)."""
        self._sent_here = 0

    async def __aenter__(self) -> SmtpConnection:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is not None and not isinstance(exc, Exception):
            self._discard()  # cancelled or interrupted: no polite QUIT
        else:
            await self.close()

    @property
    def is_connected(self) -> bool:
        """True while a connection is open (it may still turn out to be dead)."""
        return self._smtp is not None and self._smtp.is_connected

    async def close(self) -> None:
        """Say QUIT (best effort, short timeout) and close the connection."""
        async with self._lock:
            await self._quit()

    async def _quit(self) -> None:
        smtp = self._smtp
        if smtp is None:
            return
        transport = smtp.transport
        try:
            if smtp.is_connected:
                await smtp.quit(timeout=min(self._settings.timeout, 5.0))
        except (aiosmtplib.SMTPException, OSError):
            pass
        finally:
            # quit() only starts a graceful close, which over TLS needs more
            # turns of the loop than a caller about to end it may give.
            # After QUIT nothing is left to say: close the socket now.
            if isinstance(transport, asyncio.WriteTransport):
                transport.abort()
            self._discard()

    async def connect(self) -> None:
        """Open, secure and authenticate the connection now; send nothing.

        For health checks, or to fail fast before a run. Raises
        ``SmtpSecurityError``/``SmtpAuthError`` exactly as ``send()`` would,
        and ``SmtpUnavailableError`` when the server cannot be reached or
        refuses the session for now (what ``send()`` reports as DEFERRED).
        An already open connection is kept as it is.
        """
        async with self._lock:
            try:
                await self._connection()
            except StepFailed as failure:
                self._discard()
                raise SmtpUnavailableError(failure.result.detail, failure.result.code) from None

    async def send(self, mail: OutgoingMail | PreparedMail) -> SendResult:
        """Build (unless already a ``PreparedMail``) and send one mail.

        Returns the ``SendResult``; see ``Outcome`` for what each outcome
        allows the caller to do. Invalid mail raises ``MessageError`` before
        anything is sent; ``SmtpSecurityError``/``SmtpAuthError`` mean "stop
        the run". If the calling task is cancelled mid-send, the outcome is
        unknown: treat it like UNCERTAIN.
        """
        prepared = mail if isinstance(mail, PreparedMail) else prepare(mail)
        return await self._send(
            prepared.sender, prepared.recipients, prepared.data, prepared.message_id
        )

    async def send_bytes(
        self,
        sender: str,
        recipients: Sequence[str],
        data: bytes | Payload,
        *,
        before_body: Callable[[], Awaitable[None]] | None = None,
        before_mail: Callable[[], Awaitable[None]] | None = None,
    ) -> SendResult:
        """Send pre-built message bytes with the given envelope.

        *sender* and *recipients* are bare addresses. Line endings are
        normalised to CRLF and leading dots are escaped here, unless *data* is
        already a `Payload` (see notifications.payload). A message goes to
        all its recipients or to none: any refused RCPT aborts the transaction
        (4xx: DEFERRED, 5xx: FAILED). ``before_mail`` runs once the session
        is open, right before each MAIL command (again if a dead reused
        connection is replaced): where a caller keeping to a relay's rate
        waits for its turn, the connection's set-up already behind it.
        """
        return await self._send(sender, recipients, data, None, before_body, before_mail)

    async def _send(
        self,
        sender: str,
        recipients: Sequence[str],
        data: bytes | Payload,
        message_id: str | None,
        before_body: Callable[[], Awaitable[None]] | None = None,
        before_mail: Callable[[], Awaitable[None]] | None = None,
    ) -> SendResult:
        if isinstance(recipients, str):
            raise MessageError("recipients must be a sequence of addresses, not a string")
        if not recipients:
            raise MessageError("a mail needs at least one recipient")
        envelope_from = validate_addr_spec(sender, "sender")
        envelope_to = [validate_addr_spec(rcpt, "recipient") for rcpt in recipients]
        payload, size = data if isinstance(data, Payload) else joined(b"", section_of(data))
        label = message_id or "message"

        async with self._lock:
            for attempt in (1, 2):
                reused = self.is_connected
                try:
                    smtp = await self._connection()
                    result = await self._transaction(
                        smtp, envelope_from, envelope_to, payload, size, before_body,
                        before_mail,
                    )
                except StepFailed as failure:
                    self._discard()
                    if failure.stale and reused and attempt == 1:
                        logger.info("reused SMTP connection was dead (%s); reconnecting", failure)
                        continue
                    result = failure.result
                except BaseException:
                    self._discard()
                    raise
                self._log_result(label, envelope_to, result)
                self._sent_here += 1
                if (self.messages_per_connection is not None
                        and self._sent_here >= self.messages_per_connection):
                    await self._quit()  # the relay's cap: the next message opens a new one
                return result
        raise AssertionError("unreachable")  # pragma: no cover

    async def _connection(self) -> aiosmtplib.SMTP:
        """Return the open connection, or open, secure and authenticate a new one."""
        if self._smtp is not None and self._smtp.is_connected:
            return self._smtp
        self._discard()
        smtp = await open_session(self._settings, self._replies)
        self._smtp = smtp
        self.connections_opened += 1
        self._sent_here = 0
        logger.debug("SMTP connection %d to %s:%s ready", self.connections_opened,
                     self._settings.host, self._settings.port)
        return smtp

    async def _transaction(
        self,
        smtp: aiosmtplib.SMTP,
        sender: str,
        recipients: list[str],
        payload: bytes,
        size: int,
        before_body: Callable[[], Awaitable[None]] | None = None,
        before_mail: Callable[[], Awaitable[None]] | None = None,
    ) -> SendResult:
        """MAIL, RCPT..., DATA, body: each step's failure maps to its own outcome.

        ``before_body`` runs after the server's 354 and before the first byte of the body:
        the caller's last chance to record "the message may now reach the server" (or to
        abort by raising, which drops the connection so nothing is delivered).
        """
        options: list[str] = []
        if smtp.supports_extension("size"):
            options.append(f"SIZE={size}")
        if not payload.isascii() and smtp.supports_extension("8bitmime"):
            options.append("BODY=8BITMIME")

        if before_mail is not None:
            await before_mail()
        try:
            await smtp.mail(sender, options=options)
        except aiosmtplib.SMTPResponseException as exc:
            self._raise_if_run_level(exc.code, exc.message)
            failure = self._replies.reply(exc.code, exc.message, "MAIL FROM")
            raise StepFailed(failure, stale=exc.code == 421) from exc
        except aiosmtplib.SMTPServerDisconnected as exc:
            failure = self._replies.error(Outcome.DEFERRED, exc, "MAIL FROM")
            raise StepFailed(failure, stale=True) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise StepFailed(self._replies.error(Outcome.DEFERRED, exc, "MAIL FROM")) from exc

        for recipient in recipients:
            try:
                await smtp.rcpt(recipient)
            except aiosmtplib.SMTPResponseException as exc:
                self._raise_if_run_level(exc.code, exc.message)
                failure = self._replies.reply(exc.code, exc.message, f"RCPT TO:<{recipient}>")
                raise StepFailed(failure) from exc
            except (aiosmtplib.SMTPException, OSError) as exc:
                raise StepFailed(self._replies.error(Outcome.DEFERRED, exc, "RCPT TO")) from exc

        try:
            go_ahead = await smtp.execute_command(b"DATA")
        except (aiosmtplib.SMTPException, OSError) as exc:
            failure = self._replies.error(Outcome.DEFERRED, exc, "DATA (before the body)")
            raise StepFailed(failure) from exc
        if go_ahead.code != 354:
            raise StepFailed(self._replies.reply(go_ahead.code, go_ahead.message, "DATA"))

        if before_body is not None:
            await before_body()
        protocol = smtp.protocol
        try:
            if protocol is None:
                raise aiosmtplib.SMTPServerDisconnected("connection lost after 354")
            protocol.write(payload)
        except (aiosmtplib.SMTPException, OSError) as exc:
            failure = self._replies.error(Outcome.DEFERRED, exc, "DATA (writing the body)")
            raise StepFailed(failure) from exc

        # From here on the server may hold the complete message.
        try:
            reply = await protocol.read_response(timeout=self._settings.timeout)
        except Exception as exc:  # timeout, disconnect, garbage: all mean "unknown"
            raise StepFailed(
                self._replies.error(Outcome.UNCERTAIN, exc, "end of DATA (body was sent)")
            ) from exc
        if 200 <= reply.code < 300:
            return SendResult(Outcome.SENT, reply.code, self._replies.redact(reply.message))
        if 400 <= reply.code < 600:
            raise StepFailed(self._replies.reply(reply.code, reply.message, "end of DATA"))
        raise StepFailed(
            SendResult(
                Outcome.UNCERTAIN,
                reply.code,
                f"end of DATA (body was sent): unexpected reply {reply.code} "
                f"{self._replies.redact(reply.message)}",
            )
        )

    def _raise_if_run_level(self, code: int, message: str) -> None:
        """530 means "not like this" for every message, not "not this message".

        RFC 4954 (authentication required) and RFC 3207 (must STARTTLS first)
        both use 530. Reporting each mail as FAILED would wrongly mark them
        permanently undeliverable, so stop the run with a configuration error.
        """
        if code != 530:
            return
        text = f"{self._settings.host} refused the mail: {code} {self._replies.redact(message)}"
        if "STARTTLS" in message.upper():
            raise SmtpSecurityError(f"{text} (set TRACKER_SMTP_SECURITY=starttls)")
        raise SmtpAuthError(f"{text} (are TRACKER_SMTP_USERNAME/PASSWORD set?)")

    def _discard(self) -> None:
        """Drop the connection without QUIT (after errors the state is unknown)."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            abort(smtp)

    @staticmethod
    def _log_result(label: str, recipients: list[str], result: SendResult) -> None:
        level = logging.INFO if result.outcome is Outcome.SENT else logging.WARNING
        logger.log(
            level, "%s to %s: %s (%s)", label, ", ".join(recipients),
            result.outcome.value, result.detail,
        )

