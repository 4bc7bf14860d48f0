"""Opening an SMTP session: connect, EHLO, STARTTLS when required, log in.

A failure that concerns the whole configuration is raised as ``SmtpSecurityError``
(TLS cannot be had, the certificate is not trusted, STARTTLS is required but not
offered) or ``SmtpAuthError`` (credentials rejected, no usable AUTH); a server
that cannot be reached or refuses the session for now is a ``StepFailed`` with a
DEFERRED result, for notifications.smtp to report.

How aiosmtplib (5.x) behaves here, read from its source: ``connect()`` raises
``SMTPConnectError`` (refused, unreachable, TLS handshake failure wrapped with
the ``ssl`` error as ``__cause__``), ``SMTPConnectTimeoutError``, or
``SMTPConnectResponseError`` for a non-220 greeting. ``starttls()`` lets
``ssl.SSLError`` (e.g. certificate verification) escape unwrapped and raises
plain ``SMTPException`` if the server does not advertise STARTTLS. ``login()``
raises ``SMTPAuthenticationError`` (``.code``) once every advertised mechanism
failed.
"""

from __future__ import annotations

import asyncio
import logging
import ssl

import aiosmtplib

from notifications.errors import SmtpAuthError, SmtpSecurityError
from notifications.outcome import Outcome, ReplyReader, StepFailed
from notifications.settings import SmtpSettings

logger = logging.getLogger("notifications.smtp")


async def open_session(settings: SmtpSettings, replies: ReplyReader) -> aiosmtplib.SMTP:
    """A connected, secured (as configured) and authenticated session, or an exception."""
    smtp = aiosmtplib.SMTP(
        hostname=settings.host,
        port=settings.port,
        timeout=settings.timeout,
        use_tls=settings.security == "tls",
        start_tls=False,  # we do STARTTLS ourselves, to make it mandatory
        tls_context=settings.tls_context,
        local_hostname=settings.local_hostname,
    )
    where = f"{settings.host}:{settings.port}"
    try:
        await smtp.connect()
        await _hello(smtp, settings)
        if settings.security == "starttls":
            await _starttls(smtp, settings)
        if settings.username is not None:
            await _login(smtp, settings, replies)
    except (SmtpSecurityError, SmtpAuthError, StepFailed):
        abort(smtp)
        raise
    except ssl.SSLError as exc:
        abort(smtp)
        raise SmtpSecurityError(f"TLS with {where} failed: {exc}") from exc
    except aiosmtplib.SMTPConnectError as exc:
        abort(smtp)
        if isinstance(exc.__cause__, ssl.SSLError):
            raise SmtpSecurityError(f"TLS with {where} failed: {exc.__cause__}") from exc
        raise StepFailed(replies.error(Outcome.DEFERRED, exc, f"connect to {where}")) from exc
    except (aiosmtplib.SMTPException, OSError) as exc:
        abort(smtp)
        raise StepFailed(replies.error(Outcome.DEFERRED, exc, f"connect to {where}")) from exc
    except BaseException:
        abort(smtp)
        raise
    return smtp


def abort(smtp: aiosmtplib.SMTP) -> None:
    """Close *smtp* at once, without QUIT and without a graceful TLS shutdown.

    A graceful TLS close needs more turns of the event loop; if the loop ends
    first (the run stops on an SmtpAuthError, say) the socket stays open.
    """
    if isinstance(smtp.transport, asyncio.WriteTransport):
        smtp.transport.abort()
    smtp.close()


async def _hello(smtp: aiosmtplib.SMTP, settings: SmtpSettings) -> None:
    try:
        await smtp.ehlo()
    except aiosmtplib.SMTPHeloError as exc:
        if 400 <= exc.code < 500 or not smtp.is_connected:
            raise
        if settings.security == "starttls":
            raise SmtpSecurityError(
                "server refused EHLO, so it cannot offer the required STARTTLS"
            ) from exc
        await smtp.helo()


async def _starttls(smtp: aiosmtplib.SMTP, settings: SmtpSettings) -> None:
    if not smtp.supports_extension("starttls"):
        raise SmtpSecurityError(
            f"{settings.host} does not offer STARTTLS, which is required "
            "(TRACKER_SMTP_SECURITY=starttls); refusing to send in clear text"
        )
    try:
        await smtp.starttls()
    except aiosmtplib.SMTPResponseException as exc:
        if 400 <= exc.code < 500:
            raise
        raise SmtpSecurityError(f"server refused STARTTLS: {exc.code} {exc.message}") from exc
    # RFC 3207: forget what we learnt before TLS and ask again (AUTH, SIZE).
    await smtp.ehlo()


async def _login(smtp: aiosmtplib.SMTP, settings: SmtpSettings, replies: ReplyReader) -> None:
    assert settings.username is not None and settings.password is not None
    if not smtp.supports_extension("auth"):
        raise SmtpAuthError(
            f"{settings.host} does not offer AUTH (on this connection), "
            "but a username is configured"
        )
    if settings.security == "none":
        logger.warning("logging in to %s without TLS (security=none)", settings.host)
    try:
        await smtp.login(settings.username, settings.password)
    except aiosmtplib.SMTPAuthenticationError as exc:
        if 400 <= exc.code < 500:
            raise  # temporary (e.g. 454): DEFERRED, not a configuration error
        raise SmtpAuthError(
            f"{settings.host} rejected the credentials of user {settings.username!r}: "
            f"{exc.code} {replies.redact(exc.message)}"
        ) from None
    except (
        aiosmtplib.SMTPServerDisconnected,
        aiosmtplib.SMTPTimeoutError,
        aiosmtplib.SMTPResponseException,
    ):
        raise  # transport trouble: DEFERRED
    except aiosmtplib.SMTPException as exc:
        # e.g. "No suitable authentication method found."
        raise SmtpAuthError(
            f"cannot log in to {settings.host}: {replies.redact(str(exc))}") from None
