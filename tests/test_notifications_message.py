"""prepare: headers, encodings, MIME structure, injection; the bytes the standard library writes."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from email.header import decode_header, make_header
from email.message import EmailMessage, MIMEPart
from email.parser import BytesHeaderParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notifications import (
    HeaderInjectionError,
    InvalidAddressError,
    MessageError,
    OutgoingMail,
    prepare,
)
from tests.reference_message import message_bytes

ALMATY = timezone(timedelta(hours=6))
SUBJECT = "Еске салу: «Қауіпсіз интернет» жоспарының 12-тармағы — срок 01.06.2017"
TEXT = "Құрметті әріптестер!\nНапоминаем о сроке.\n.line starting with a dot\n"
HTML = "<p>Құрметті әріптестер!</p>\n<p>Напоминаем о сроке.</p>\n"


def make_mail(**overrides: object) -> OutgoingMail:
    mail = OutgoingMail(
        message_id="<reminder-12-3.20170525@tracker.example>",
        sender="«Қауіпсіз интернет» штабы <noreply@tracker.example>",
        recipients=("Министерство информации и коммуникаций РК <info@mic.gov.kz>",),
        subject=SUBJECT,
        text=TEXT,
        html=HTML,
        reply_to="Иван Иванов <ivanov@edu.gov.kz>",
        extra_headers=(("X-Tracker-Task", "12.3"),),
        date=datetime(2017, 5, 25, 9, 30, tzinfo=ALMATY),
    )
    return replace(mail, **overrides)  # type: ignore[arg-type]


def parse(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def header_names(data: bytes) -> list[str]:
    """Top-level header names exactly as they appear on the wire."""
    head = data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    return [line.split(":", 1)[0] for line in head.split("\r\n") if not line[:1].isspace()]


def wire(mail: OutgoingMail) -> bytes:
    return prepare(mail).data


def roundtrip(mail: OutgoingMail) -> EmailMessage:
    return parse(wire(mail))


def content(part: MIMEPart | None) -> str:
    """Decoded text of *part*; text travels with CRLF line breaks (canonical form)."""
    assert part is not None
    text = part.get_content()
    assert isinstance(text, str)
    assert "\n" not in text.replace("\r\n", "")
    return text.replace("\r\n", "\n")


def test_headers_round_trip_through_the_email_parser() -> None:
    parsed = roundtrip(make_mail())

    assert parsed["Subject"] == SUBJECT
    assert parsed["Message-ID"] == "<reminder-12-3.20170525@tracker.example>"
    assert parsed["Date"].datetime == datetime(2017, 5, 25, 9, 30, tzinfo=ALMATY)
    assert parsed["MIME-Version"] == "1.0"
    assert parsed["X-Tracker-Task"] == "12.3"
    (sender,) = parsed["From"].addresses
    assert sender.addr_spec == "noreply@tracker.example"
    # Multi-word names span several encoded-words; see the decode_header test.
    assert sender.display_name.split() == ["«Қауіпсіз", "интернет»", "штабы"]
    (reply_to,) = parsed["Reply-To"].addresses
    assert (reply_to.display_name, reply_to.addr_spec) == ("Иван Иванов", "ivanov@edu.gov.kz")
    (recipient,) = parsed["To"].addresses
    assert recipient.addr_spec == "info@mic.gov.kz"


def test_long_display_name_decodes_exactly_with_an_rfc2047_decoder() -> None:
    # Python's address parser keeps the folding space between encoded-words
    # (RFC 2047 says to drop it), so check the exact text with decode_header.
    name = "Министерство информации и коммуникаций Республики Казахстан"
    data = wire(make_mail(recipients=(f"{name} <info@mic.gov.kz>",)))
    raw_to = BytesHeaderParser(policy=email.policy.compat32).parsebytes(data)["To"]
    unfolded = re.sub(r"\r?\n", "", raw_to)
    assert str(make_header(decode_header(unfolded))) == f"{name} <info@mic.gov.kz>"
    parsed_name = parse(data)["To"].addresses[0].display_name
    assert parsed_name.split() == name.split()


def test_multipart_alternative_with_text_and_html() -> None:
    parsed = roundtrip(make_mail())

    assert parsed.get_content_type() == "multipart/alternative"
    parts = list(parsed.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in parts)
    assert content(parsed.get_body(("plain",))) == TEXT
    assert content(parsed.get_body(("html",))) == HTML


def test_text_only_mail_is_a_single_text_part() -> None:
    parsed = roundtrip(make_mail(html=None))

    assert not parsed.is_multipart()
    assert parsed.get_content_type() == "text/plain"
    assert content(parsed) == TEXT


def test_ascii_body_uses_quoted_printable_and_round_trips() -> None:
    text = "Plain ASCII reminder\n" + "x" * 200 + "\n--=_boundary-lookalike\n"
    parsed = roundtrip(make_mail(text=text, html=None))

    assert parsed["Content-Transfer-Encoding"] == "quoted-printable"
    assert content(parsed) == text


def test_line_endings_of_bodies_are_normalised() -> None:
    parsed = roundtrip(make_mail(text="one\r\ntwo\rthree\nfour", html=None))
    assert content(parsed) == "one\ntwo\nthree\nfour\n"


def test_wire_format_is_crlf_7bit_and_short_lined() -> None:
    data = wire(make_mail())

    assert data.isascii()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    head, _ = data.split(b"\r\n\r\n", 1)
    assert max(len(line) for line in head.split(b"\r\n")) <= 78
    assert max(len(line) for line in data.split(b"\r\n")) <= 78


def test_output_is_deterministic() -> None:
    assert wire(make_mail()) == wire(make_mail())


def test_several_recipients_share_one_to_header() -> None:
    mail = make_mail(recipients=("Бірінші <one@gov.kz>", "two@gov.kz", '"Doe, John" <j@x.kz>'))
    parsed = roundtrip(mail)

    assert [a.addr_spec for a in parsed["To"].addresses] == ["one@gov.kz", "two@gov.kz", "j@x.kz"]
    assert parsed["To"].addresses[2].display_name == "Doe, John"
    assert prepare(mail).recipients == ("one@gov.kz", "two@gov.kz", "j@x.kz")


def test_prepare_gives_bare_envelope_addresses_and_idna_domains() -> None:
    prepared = prepare(make_mail(recipients=("Мекеме <info@білім.kz>",)))
    ascii_address = "info@xn--" + "білім".encode("punycode").decode("ascii") + ".kz"

    assert prepared.sender == "noreply@tracker.example"
    assert prepared.recipients == (ascii_address,)
    assert prepared.message_id == "<reminder-12-3.20170525@tracker.example>"
    assert parse(prepared.data)["To"].addresses[0].addr_spec == ascii_address


# -- header injection --------------------------------------------------------

EXPECTED_HEADERS = [
    "Message-ID", "Date", "From", "To", "Reply-To", "Subject", "X-Tracker-Task",
    "MIME-Version", "Content-Type",
]


@pytest.mark.parametrize(
    "subject",
    [
        "Deadline\r\nBcc: victim@example.com",
        "Deadline\nBcc: victim@example.com",
        "Deadline\rBcc: victim@example.com",
        "Срок\r\n\r\nBcc: victim@example.com",
        "Deadline\u2028Bcc: victim@example.com",
        "Deadline\x85Bcc: victim@example.com",
    ],
)
def test_line_breaks_in_subject_become_spaces_and_add_no_header(subject: str) -> None:
    data = wire(make_mail(subject=subject))
    parsed = parse(data)

    assert header_names(data) == EXPECTED_HEADERS
    assert parsed["Bcc"] is None
    assert "Bcc: victim@example.com" in parsed["Subject"]
    assert "\n" not in parsed["Subject"] and "\r" not in parsed["Subject"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("sender", "noreply@tracker.example\r\nBcc: victim@example.com"),
        ("sender", "Evil\r\nBcc: victim@example.com <noreply@tracker.example>"),
        ("reply_to", "Evil\nBcc: victim@example.com <a@b.kz>"),
        ("reply_to", "a@b.kz\rBcc: victim@example.com"),
    ],
)
def test_line_breaks_in_addresses_and_names_are_rejected(field: str, value: str) -> None:
    with pytest.raises(HeaderInjectionError):
        prepare(make_mail(**{field: value}))


@pytest.mark.parametrize(
    "recipient",
    ["info@gov.kz\r\nBcc: victim@example.com", "Name\n <info@gov.kz>", "x@y.kz\n"],
)
def test_line_breaks_in_recipients_are_rejected(recipient: str) -> None:
    with pytest.raises(HeaderInjectionError):
        prepare(make_mail(recipients=(recipient,)))
    with pytest.raises(HeaderInjectionError):
        prepare(make_mail(recipients=("ok@gov.kz", recipient)))


def test_line_breaks_in_message_id_and_extra_headers_are_rejected() -> None:
    with pytest.raises(HeaderInjectionError):
        prepare(make_mail(message_id="<a@b>\r\nBcc: victim@example.com"))
    with pytest.raises(HeaderInjectionError):
        prepare(make_mail(extra_headers=(("X-Task", "1\r\nBcc: victim@example.com"),)))
    with pytest.raises(HeaderInjectionError):
        prepare(make_mail(extra_headers=(("X-Task\r\nBcc", "victim@example.com"),)))


def test_header_injection_error_is_a_value_error() -> None:
    assert issubclass(HeaderInjectionError, ValueError)


@pytest.mark.parametrize(
    "address",
    [
        "no-at-sign.kz",
        "two@@gov.kz",
        "a@b@gov.kz",
        "with space@gov.kz",
        "Name <with space@gov.kz>",
        "tab\t@gov.kz",
        "nul\x00@gov.kz",
        "@gov.kz",
        "user@",
        "",
        "user@-bad-.kz",
        "user@gov..kz",
        ".dot@gov.kz",
        "пайдаланушы@gov.kz",
    ],
)
def test_invalid_addresses_are_rejected_with_a_clear_error(address: str) -> None:
    with pytest.raises(InvalidAddressError) as info:
        prepare(make_mail(recipients=(address,)))
    assert "recipient #1" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_other_invalid_input_is_rejected() -> None:
    with pytest.raises(MessageError, match="timezone-aware"):
        prepare(make_mail(date=datetime(2017, 5, 25, 9, 30)))
    with pytest.raises(MessageError, match="at least one recipient"):
        prepare(make_mail(recipients=()))
    with pytest.raises(MessageError, match="not a string"):
        prepare(make_mail(recipients="info@gov.kz"))
    with pytest.raises(MessageError, match="set by prepare"):
        prepare(make_mail(extra_headers=(("Subject", "second subject"),)))
    with pytest.raises(MessageError, match="header name"):
        prepare(make_mail(extra_headers=(("X Bad:Name", "v"),)))
    with pytest.raises(MessageError, match="message_id"):
        prepare(make_mail(message_id="no-angle-brackets@tracker.example"))
    with pytest.raises(MessageError, match="subject is empty"):
        prepare(make_mail(subject=" \r\n\t "))


# -- property tests -------------------------------------------------------------

SUBJECT_RUN = re.compile("[\x00-\x20\x7f-\x9f\u2028\u2029]+")
subject_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=300
).filter(lambda s: SUBJECT_RUN.sub(" ", s).strip() != "")


@settings(max_examples=300, deadline=None)
@given(subject=subject_text)
def test_any_subject_round_trips_as_one_line(subject: str) -> None:
    data = wire(make_mail(subject=subject))
    parsed = parse(data)

    assert parsed["Subject"] == SUBJECT_RUN.sub(" ", subject).strip()
    assert header_names(data) == EXPECTED_HEADERS


name_text = st.text(
    alphabet=st.characters(
        categories=["L", "M", "N", "P", "S", "Zs"], exclude_characters='"\\<>'
    ),
    min_size=1,
    max_size=120,
).map(lambda s: " ".join(s.split())).filter(bool)


@settings(max_examples=300, deadline=None)
@given(name=name_text)
def test_any_display_name_round_trips(name: str) -> None:
    data = wire(make_mail(sender=f"{name} <noreply@tracker.example>"))
    (sender,) = parse(data)["From"].addresses

    assert sender.addr_spec == "noreply@tracker.example"
    if name.isascii():
        assert sender.display_name == name
    else:  # see test_long_display_name_decodes_exactly_with_an_rfc2047_decoder
        assert "".join(sender.display_name.split()) == "".join(name.split())
    assert header_names(data) == EXPECTED_HEADERS


def test_prepare_writes_what_the_standard_generator_writes() -> None:
    """prepare() writes messages itself; on random content it must equal the stdlib's output
    for the same headers and parts (tests/reference_message.py)."""
    import random

    rng = random.Random(7)
    pieces = ["Сәлем ", "hello ", "\n", "Привет\r\n", ".dot\n", "x" * 80, "ә", "=3D", "\t"]
    for number in range(200):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 60)))
        if number % 5 == 0:
            text = "plain ascii only\n.line\n"
        mail = OutgoingMail(
            message_id=f"<id{number}@x.example>", sender="«Қ» <a@b.example>",
            recipients=("Аты Жөні <c@d.example>",), subject="Тақырып " * rng.randint(1, 9),
            text=text, html=None if number % 3 == 0 else f"<p>{text}</p>",
            reply_to="r@b.example", date=datetime(2017, 4, 18, tzinfo=UTC),
            extra_headers=(("X-Tracker-Key", "a b c"),))
        assert prepare(mail).data == message_bytes(mail), number


def test_prepare_writes_the_same_bytes_as_the_built_message() -> None:
    """prepare() writes headers and a shared encoded body directly; it must give exactly the
    bytes of the full message object as the standard generator writes it."""
    text, html = "Сәлем\n.line\n" * 50, "<p>Привет</p>\n" * 40
    for number, recipient in enumerate(("Аты Жөні <c@d.example>", "plain@d.example",
                                        "\"Long, Name\" <x@білім.kz>")):
        mail = OutgoingMail(
            message_id=f"<id{number}@x.example>", sender="«Қ» <a@b.example>",
            recipients=(recipient,), subject=f"Тақырып {number}", text=text,
            html=None if number == 1 else html, reply_to="r@b.example",
            date=datetime(2017, 4, 18, 3, number, tzinfo=UTC),
            extra_headers=(("X-Tracker-Key", f"a b {number}"),))
        assert prepare(mail).data == message_bytes(mail), number


def test_same_content_shares_one_boundary_and_body_for_every_recipient() -> None:
    first, second = (prepare(make_mail(recipients=(address,), html="<p>Сәлем</p>"))
                     for address in ("one@gov.kz", "two@gov.kz"))
    head_one, body_one = first.data.split(b"\r\n\r\n", 1)
    head_two, body_two = second.data.split(b"\r\n\r\n", 1)
    assert body_one == body_two and head_one != head_two
    other = prepare(make_mail(html="<p>Басқа мәтін</p>"))
    assert other.data.split(b"\r\n\r\n", 1)[1] != body_one  # a different boundary and text


def test_every_unicode_space_or_control_character_in_an_address_is_refused() -> None:
    from notifications.headers import validate_addr_spec

    refused = [chr(c) for c in range(0x110000)
               if (chr(c).isspace() or chr(c) in "\x7f\u2028\u2029" or c < 0x20
                   or 0x80 <= c <= 0x9f) and chr(c) not in "\r\n"]  # line breaks: header injection
    assert "\u00a0" in refused and "\u3000" in refused  # no-break and ideographic spaces
    for char in refused:
        with pytest.raises(InvalidAddressError, match="spaces or control"):
            validate_addr_spec(f"a{char}b@example.kz", "recipient")
    assert validate_addr_spec("a.b@example.kz", "recipient") == "a.b@example.kz"
