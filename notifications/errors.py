"""Exceptions raised by the ``notifications`` package.

They live in one small module so that callers can catch them without importing
the SMTP machinery (and so that ``message`` and ``smtp`` do not import each
other just for exception types).
"""

from __future__ import annotations


class NotificationError(Exception):
    """Base class of every error this package raises on purpose."""


class MessageError(NotificationError, ValueError):
    """A mail cannot be built: the caller handed us invalid data.

    A ``ValueError`` because it is always a data problem, never a transport
    problem: retrying will not help, fixing the input will.
    """


class InvalidAddressError(MessageError):
    """An e-mail address is malformed (not exactly one ``@``, spaces, ...)."""


class HeaderInjectionError(MessageError):
    """A header value contains CR or LF.

    Raised instead of silently cleaning the value, because a line break in an
    address or a machine-set header means that something upstream is
    attacker-controlled or broken; either way no mail should go out.
    """


class SmtpError(NotificationError):
    """Base class of the errors that stop a whole sending run.

    Per-message problems are never raised: ``SmtpConnection.send`` reports them
    as a ``SendResult``. These exceptions mean that *no* message can be sent
    with the current configuration, so the caller must stop rather than burn
    a delivery attempt on every queued mail.
    """


class SmtpConfigError(SmtpError, ValueError):
    """The SMTP configuration (usually the environment) is invalid.

    The message is one line, names the offending variable and never contains
    the password.  The common problems also carry a `reason` (``required``,
    ``whole``, ``one_of``, ``seconds``) and its `details` (``variable``,
    ``value``...), so that an application can say them in its reader's language.
    """

    def __init__(self, message: str, reason: str | None = None, **details: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.details = details


class SmtpSecurityError(SmtpError):
    """The connection cannot be made as secure as configured.

    For example: STARTTLS is required but the server does not offer it, or the
    server certificate does not verify. We never fall back to clear text.
    """


class SmtpAuthError(SmtpError):
    """The server rejected our credentials (or offers no way to log in)."""


class SmtpUnavailableError(NotificationError):
    """``SmtpConnection.connect()`` could not reach the server right now.

    Only raised by ``connect()`` (a health check or an early, explicit
    connect); ``send()`` reports the same situation as a DEFERRED result.
    """

    def __init__(self, detail: str, code: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code
