"""prepare with attachments: multipart/mixed around the readable parts, the file intact."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from notifications import Attachment, MessageError, OutgoingMail, prepare
from tests.reference_message import message_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATA = bytes(range(256)) * 40 + b"\r\n.\r\n"


def _mail(html: str | None = "<p>Нысан тіркелді</p>\n",
          attachments: tuple[Attachment, ...] = (Attachment("form-akmola.xlsx", XLSX, DATA),)
          ) -> OutgoingMail:
    return OutgoingMail(message_id="<a1@bkk.example>", sender="noreply@bkk.example",
                        recipients=("Білім басқармасы <edu@akmola.example>",),
                        subject="Нысан", text="Нысан тіркелді.\n.dot\n", html=html,
                        attachments=attachments, date=datetime(2017, 4, 18, 3, tzinfo=UTC))


def _parse(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


@pytest.mark.parametrize("html", [None, "<p>Нысан тіркелді</p>\n"])
def test_an_attachment_makes_the_mail_mixed_and_arrives_byte_for_byte(html: str | None) -> None:
    parsed = _parse(prepare(_mail(html)).data)
    assert parsed.get_content_type() == "multipart/mixed"
    first = next(parsed.iter_parts())
    assert first.get_content_type() == ("multipart/alternative" if html else "text/plain")
    body = parsed.get_body(("plain",))
    assert body is not None and body.get_content().replace("\r\n", "\n") == \
        "Нысан тіркелді.\n.dot\n"
    files = list(parsed.iter_attachments())
    assert [(f.get_filename(), f.get_content_type()) for f in files] == \
        [("form-akmola.xlsx", XLSX)]
    assert files[0].get_content() == DATA


def test_prepare_with_attachments_writes_what_the_standard_generator_writes() -> None:
    two = (Attachment("a.xlsx", XLSX, DATA), Attachment("b.txt", "text/plain", b"x" * 100))
    for mail in (_mail(), _mail(html=None), _mail(attachments=two)):
        assert prepare(mail).data == message_bytes(mail)


def test_a_mail_without_attachments_is_as_before() -> None:
    assert _parse(prepare(_mail(attachments=())).data).get_content_type() == \
        "multipart/alternative"


def test_the_boundary_follows_the_file_so_another_file_is_another_body() -> None:
    one = prepare(_mail()).body
    assert prepare(_mail()).body == one  # deterministic
    other = prepare(_mail(attachments=(Attachment("form-akmola.xlsx", XLSX, DATA + b"!"),)))
    assert other.body != one


@pytest.mark.parametrize("name", ["форма.xlsx", "a b.xlsx", "a\r\nb.xlsx", "", '"x".xlsx',
                                  "../x.xlsx"])
def test_a_file_name_that_needs_encoding_or_could_inject_is_refused(name: str) -> None:
    with pytest.raises(MessageError, match="file name"):
        Attachment(name, XLSX, DATA)


def test_a_content_type_that_is_not_a_type_is_refused() -> None:
    with pytest.raises(MessageError, match="content type"):
        Attachment("a.xlsx", "text/plain\r\nBcc: x@y.example", DATA)
