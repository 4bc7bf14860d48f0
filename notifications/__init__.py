"""Rendering and delivering reminder e-mails.

This package knows nothing of ``tracker``: it turns template names and
contexts into mails (``render``), mails into MIME bytes (``message``) and bytes
into SMTP deliveries with an honest outcome (``smtp``).
"""

from notifications.errors import (
    HeaderInjectionError,
    InvalidAddressError,
    MessageError,
    NotificationError,
    SmtpAuthError,
    SmtpConfigError,
    SmtpError,
    SmtpSecurityError,
    SmtpUnavailableError,
)
from notifications.message import Attachment, OutgoingMail, PreparedMail, prepare
from notifications.render import MailRenderer, RenderedMail
from notifications.settings import SmtpSettings
from notifications.smtp import Outcome, SendResult, SmtpConnection

__all__ = [
    "Attachment",
    "HeaderInjectionError",
    "InvalidAddressError",
    "MailRenderer",
    "MessageError",
    "NotificationError",
    "Outcome",
    "OutgoingMail",
    "PreparedMail",
    "RenderedMail",
    "SendResult",
    "SmtpAuthError",
    "SmtpConfigError",
    "SmtpConnection",
    "SmtpError",
    "SmtpSecurityError",
    "SmtpSettings",
    "SmtpUnavailableError",
    "prepare",
]
