"""A body prepared once for DATA and joined to each header section gives the same bytes as
preparing every whole message by the letter of RFC 5321 (tests/reference_message.py);
tracker.mail.sender relies on it for mails that share a body."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from notifications.payload import joined, section_of
from tests.reference_message import data_payload

# Lines made of the characters that matter to DATA: dots, CR, LF and a letter.
_TEXT = st.lists(st.sampled_from([b".", b"\r", b"\n", b"\r\n", b"a", b".."]),
                 max_size=12).map(b"".join)


@given(head=_TEXT, body=_TEXT)
@example(head=b"Subject: x\r\n\r\n", body=b".leading dot\r\n")
@example(head=b"Subject: x\r\n\r", body=b"\nbody")  # a CRLF split across the join
@example(head=b"Subject: x\r\n", body=b"")
@example(head=b"", body=b".")
def test_joined_equals_the_whole_message_prepared(head: bytes, body: bytes) -> None:
    assert joined(head, section_of(body)) == data_payload(head + body)
    assert joined(b"", section_of(head + body)) == data_payload(head + body)


def test_a_shared_body_is_not_prepared_again() -> None:
    body = section_of(b"line one\r\n.line two\r\n")
    first = joined(b"To: a@example.kz\r\n\r\n", body)
    second = joined(b"To: b@example.kz\r\n\r\n", body)
    assert first.wire.endswith(body.stuffed + b".\r\n")
    assert second.wire == b"To: b@example.kz\r\n\r\nline one\r\n..line two\r\n.\r\n"
    assert second.size == len(b"To: b@example.kz\r\n\r\nline one\r\n.line two\r\n")


@pytest.mark.parametrize("data", [b"", b"\r\n"])
def test_an_empty_message_is_one_empty_line(data: bytes) -> None:
    assert joined(b"", section_of(data)) == (b"\r\n.\r\n", 2)
    assert data_payload(data) == (b"\r\n.\r\n", 2)
