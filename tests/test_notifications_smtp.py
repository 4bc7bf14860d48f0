"""SmtpConnection against a real SMTP server (aiosmtpd on 127.0.0.1).

No test measures time. Hangs are bounded by the client timeout under test
(0.5 s) and every server is stopped at teardown, which cancels any hang.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from notifications import (
    MessageError,
    Outcome,
    OutgoingMail,
    SendResult,
    SmtpAuthError,
    SmtpConnection,
    SmtpSecurityError,
    SmtpSettings,
    SmtpUnavailableError,
    prepare,
)
from tests.smtp_server import Mode, SmtpTestServer

pytestmark = pytest.mark.timeout(60)

ServerFactory = Callable[..., SmtpTestServer]
PASSWORD = "pa55-Құпия"
SENDER = "«Қауіпсіз интернет» <noreply@tracker.example>"


def settings_for(server: SmtpTestServer, **overrides: Any) -> SmtpSettings:
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": server.port,
        "security": "none",
        "timeout": 5.0,
        "mail_from": SENDER,
        "local_hostname": "client.test",
    }
    values.update(overrides)
    return SmtpSettings(**values)


def mail(number: int, recipient: str = "info@mic.gov.kz", **overrides: Any) -> OutgoingMail:
    values: dict[str, Any] = {
        "message_id": f"<reminder-{number}@tracker.example>",
        "sender": SENDER,
        "recipients": (recipient,),
        "subject": f"Еске салу №{number}: срок по пункту {number}",
        "text": f"Құрметті әріптестер! Пункт {number}.\n",
        "html": f"<p>Пункт {number}</p>",
        "date": datetime(2017, 5, 25, 3, 30, tzinfo=UTC),
    }
    values.update(overrides)
    return OutgoingMail(**values)


def send_all(settings: SmtpSettings, mails: list[OutgoingMail]) -> list[SendResult]:
    async def run() -> list[SendResult]:
        async with SmtpConnection(settings) as connection:
            return [await connection.send(item) for item in mails]

    return asyncio.run(run())


def test_many_messages_over_one_connection(smtp_server: SmtpTestServer) -> None:
    mails = [mail(number) for number in range(25)]

    async def run() -> tuple[list[SendResult], int]:
        async with SmtpConnection(settings_for(smtp_server)) as connection:
            results = [await connection.send(item) for item in mails]
            return results, connection.connections_opened

    results, opened = asyncio.run(run())

    assert [result.outcome for result in results] == [Outcome.SENT] * 25
    assert all(result.code == 250 for result in results)
    assert smtp_server.connections == 1
    assert opened == 1
    received = smtp_server.messages
    assert [m.message_id for m in received] == [item.message_id for item in mails]
    assert [m.subject for m in received] == [item.subject for item in mails]
    assert {m.connection for m in received} == {1}
    assert received[0].mail_from == "noreply@tracker.example"
    assert received[0].rcpt_tos == ("info@mic.gov.kz",)


def test_received_bytes_are_exactly_the_built_message(smtp_server: SmtpTestServer) -> None:
    item = mail(1, text=".starts with a dot\n.\n..two dots\nend\n", html=None)
    [result] = send_all(settings_for(smtp_server), [item])

    assert result.outcome is Outcome.SENT
    [received] = smtp_server.messages
    assert received.data == prepare(item).data  # dot-stuffing undone by the server


def test_send_bytes_sends_prebuilt_data(smtp_server: SmtpTestServer) -> None:
    data = b"Subject: raw\nMessage-ID: <raw@tracker.example>\n\n.hidden?\nbody"

    async def run() -> SendResult:
        async with SmtpConnection(settings_for(smtp_server)) as connection:
            return await connection.send_bytes("noreply@tracker.example", ["a@gov.kz"], data)

    assert asyncio.run(run()).outcome is Outcome.SENT
    [received] = smtp_server.messages
    assert received.data == (
        b"Subject: raw\r\nMessage-ID: <raw@tracker.example>\r\n\r\n.hidden?\r\nbody\r\n"
    )
    assert received.rcpt_tos == ("a@gov.kz",)


def test_concurrent_sends_are_serialised_on_one_connection(smtp_server: SmtpTestServer) -> None:
    async def run() -> list[SendResult]:
        async with SmtpConnection(settings_for(smtp_server)) as connection:
            return await asyncio.gather(*(connection.send(mail(n)) for n in range(10)))

    assert {result.outcome for result in asyncio.run(run())} == {Outcome.SENT}
    assert smtp_server.connections == 1
    assert len(smtp_server.messages) == 10


def test_refused_recipients_do_not_stop_the_run(smtp_server: SmtpTestServer) -> None:
    smtp_server.reply_for("gone@gov.kz", 550)
    smtp_server.reply_for("busy@gov.kz", 451)
    mails = [
        mail(1, "first@gov.kz"),
        mail(2, "gone@gov.kz"),
        mail(3, "busy@gov.kz"),
        mail(4, "last@gov.kz"),
    ]

    results = send_all(settings_for(smtp_server), mails)

    assert [(r.outcome, r.code) for r in results] == [
        (Outcome.SENT, 250),
        (Outcome.FAILED, 550),
        (Outcome.DEFERRED, 451),
        (Outcome.SENT, 250),
    ]
    assert "gone@gov.kz" in results[1].detail and "550" in results[1].detail
    assert [m.rcpt_tos for m in smtp_server.messages] == [("first@gov.kz",), ("last@gov.kz",)]


def test_a_refused_recipient_aborts_a_multi_recipient_message(smtp_server: SmtpTestServer) -> None:
    smtp_server.reply_for("gone@gov.kz", 550)
    item = mail(1, recipients=("ok@gov.kz", "gone@gov.kz"))

    [result] = send_all(settings_for(smtp_server), [item])

    assert (result.outcome, result.code) == (Outcome.FAILED, 550)
    assert smtp_server.messages == []


@pytest.mark.parametrize(
    "code, stage", [(421, "MAIL"), (451, "MAIL"), (421, "RCPT"), (451, "RCPT"), (450, "RCPT")]
)
def test_temporary_refusals_are_deferred(
    smtp_server: SmtpTestServer, code: int, stage: Any
) -> None:
    smtp_server.set_mode(Mode.DEFER, code=code, stage=stage)

    results = send_all(settings_for(smtp_server), [mail(1), mail(2)])

    assert [(r.outcome, r.code) for r in results] == [(Outcome.DEFERRED, code)] * 2
    assert smtp_server.messages == []


def test_permanent_refusal_at_mail_from_fails(smtp_server: SmtpTestServer) -> None:
    smtp_server.set_mode(Mode.DEFER, code=550, text="5.7.1 Sender not allowed")
    [result] = send_all(settings_for(smtp_server), [mail(1)])
    assert (result.outcome, result.code) == (Outcome.FAILED, 550)
    assert "Sender not allowed" in result.detail


def test_server_down_is_deferred_and_the_connection_recovers(smtp_server: SmtpTestServer) -> None:
    async def run() -> list[SendResult]:
        async with SmtpConnection(settings_for(smtp_server)) as connection:
            first = await connection.send(mail(1))
            smtp_server.set_mode(Mode.REFUSE)  # stops listening, drops connections
            second = await connection.send(mail(2))
            smtp_server.set_mode(Mode.ACCEPT)  # listens again on the same port
            third = await connection.send(mail(3))
            return [first, second, third]

    results = asyncio.run(run())

    assert [r.outcome for r in results] == [Outcome.SENT, Outcome.DEFERRED, Outcome.SENT]
    assert results[1].code is None
    assert [m.message_id for m in smtp_server.messages] == [
        "<reminder-1@tracker.example>",
        "<reminder-3@tracker.example>",
    ]


def test_never_listening_server_is_deferred(smtp_server: SmtpTestServer) -> None:
    port = smtp_server.port
    smtp_server.stop()
    [result] = send_all(settings_for(smtp_server, port=port), [mail(1)])
    assert result.outcome is Outcome.DEFERRED


def test_connection_dropped_between_messages_is_reopened(smtp_server: SmtpTestServer) -> None:
    async def run() -> tuple[list[SendResult], int]:
        async with SmtpConnection(settings_for(smtp_server)) as connection:
            first = await connection.send(mail(1))
            smtp_server.stop()  # the server goes away between two messages...
            smtp_server.start()  # ...and comes back: the next send must just work
            second = await connection.send(mail(2))
            return [first, second], connection.connections_opened

    results, opened = asyncio.run(run())

    assert [r.outcome for r in results] == [Outcome.SENT, Outcome.SENT]
    assert opened == 2
    assert [m.message_id for m in smtp_server.messages] == [
        "<reminder-1@tracker.example>",
        "<reminder-2@tracker.example>",
    ]


def test_server_closing_a_reused_connection_at_mail_is_retried_once(
    smtp_server: SmtpTestServer,
) -> None:
    # The server answers the 3rd MAIL on a connection with 421 and hangs up.
    # Nothing of that message was sent yet, so the client reconnects and sends.
    smtp_server.max_messages_per_connection = 2
    mails = [mail(number) for number in range(5)]

    results = send_all(settings_for(smtp_server), mails)

    assert [r.outcome for r in results] == [Outcome.SENT] * 5
    assert [m.connection for m in smtp_server.messages] == [1, 1, 2, 2, 3]
    assert [m.message_id for m in smtp_server.messages] == [m.message_id for m in mails]


def test_hang_after_the_body_is_uncertain(smtp_server: SmtpTestServer) -> None:
    smtp_server.set_mode(Mode.HANG_AFTER_DATA)
    settings = settings_for(smtp_server, timeout=0.5)

    async def run() -> list[SendResult]:
        async with SmtpConnection(settings) as connection:
            hung = await connection.send(mail(1))
            smtp_server.set_mode(Mode.ACCEPT)
            after = await connection.send(mail(2))  # a fresh connection, not the hung one
            return [hung, after]

    hung, after = asyncio.run(run())

    assert hung.outcome is Outcome.UNCERTAIN
    assert hung.code is None
    assert "body was sent" in hung.detail
    assert [m.message_id for m in smtp_server.hung_messages] == ["<reminder-1@tracker.example>"]
    assert after.outcome is Outcome.SENT
    assert [m.message_id for m in smtp_server.messages] == ["<reminder-2@tracker.example>"]


def test_hang_before_the_go_ahead_is_deferred(smtp_server: SmtpTestServer) -> None:
    smtp_server.set_mode(Mode.HANG_BEFORE_DATA_REPLY)

    [result] = send_all(settings_for(smtp_server, timeout=0.5), [mail(1)])

    assert result.outcome is Outcome.DEFERRED
    assert "before the body" in result.detail
    assert smtp_server.messages == [] and smtp_server.hung_messages == []


def test_required_starttls_is_used(smtp_server_factory: ServerFactory) -> None:
    server = smtp_server_factory(require_starttls=True)
    settings = settings_for(server, security="starttls", tls_context=server.client_tls_context)

    results = send_all(settings, [mail(1), mail(2)])

    assert [r.outcome for r in results] == [Outcome.SENT] * 2
    assert [m.tls for m in server.messages] == [True, True]
    assert server.connections == 1


def test_starttls_with_authentication(smtp_server_factory: ServerFactory) -> None:
    server = smtp_server_factory(require_starttls=True, auth=("tracker", PASSWORD))
    settings = settings_for(
        server,
        security="starttls",
        tls_context=server.client_tls_context,
        username="tracker",
        password=PASSWORD,
    )

    [result] = send_all(settings, [mail(1)])

    assert result.outcome is Outcome.SENT
    [received] = server.messages
    assert (received.tls, received.login) == (True, "tracker")


def test_implicit_tls(smtp_server_factory: ServerFactory) -> None:
    server = smtp_server_factory(implicit_tls=True, auth=("tracker", PASSWORD))
    settings = settings_for(
        server,
        security="tls",
        tls_context=server.client_tls_context,
        username="tracker",
        password=PASSWORD,
    )

    [result] = send_all(settings, [mail(1)])

    assert result.outcome is Outcome.SENT
    assert [(m.tls, m.login) for m in server.messages] == [(True, "tracker")]


def test_server_without_starttls_is_refused_and_nothing_is_sent(
    smtp_server: SmtpTestServer,
) -> None:
    settings = settings_for(smtp_server, security="starttls")

    with pytest.raises(SmtpSecurityError, match="does not offer STARTTLS"):
        send_all(settings, [mail(1)])

    assert smtp_server.messages == []


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_untrusted_certificate_is_a_security_error(
    smtp_server_factory: ServerFactory, mode: str
) -> None:
    server = smtp_server_factory(starttls=mode == "starttls", implicit_tls=mode == "tls")
    settings = settings_for(server, security=mode, tls_context=ssl.create_default_context())

    with pytest.raises(SmtpSecurityError, match="certificate"):
        send_all(settings, [mail(1)])

    assert server.messages == []


def test_wrong_password_is_an_auth_error_without_the_password(
    smtp_server_factory: ServerFactory,
) -> None:
    server = smtp_server_factory(require_starttls=True, auth=("tracker", "right"))
    settings = settings_for(
        server,
        security="starttls",
        tls_context=server.client_tls_context,
        username="tracker",
        password=PASSWORD,
    )

    with pytest.raises(SmtpAuthError) as info:
        send_all(settings, [mail(1), mail(2)])

    assert "535" in str(info.value)
    assert PASSWORD not in str(info.value)
    assert server.messages == []


def test_username_without_auth_offered_is_an_auth_error(smtp_server: SmtpTestServer) -> None:
    settings = settings_for(smtp_server, username="tracker", password=PASSWORD)

    with pytest.raises(SmtpAuthError, match="does not offer AUTH"):
        send_all(settings, [mail(1)])


def test_missing_credentials_stop_the_run(smtp_server_factory: ServerFactory) -> None:
    server = smtp_server_factory(auth=("tracker", PASSWORD), auth_require_tls=False)

    with pytest.raises(SmtpAuthError, match="530"):
        send_all(settings_for(server), [mail(1), mail(2)])

    assert server.messages == []


def test_plain_client_against_a_starttls_only_server_stops_the_run(
    smtp_server_factory: ServerFactory,
) -> None:
    server = smtp_server_factory(require_starttls=True)

    with pytest.raises(SmtpSecurityError, match="530"):
        send_all(settings_for(server, security="none"), [mail(1)])

    assert server.messages == []


def test_plain_authentication_when_explicitly_allowed(smtp_server_factory: ServerFactory) -> None:
    server = smtp_server_factory(auth=("tracker", PASSWORD), auth_require_tls=False)
    settings = settings_for(server, username="tracker", password=PASSWORD)

    [result] = send_all(settings, [mail(1)])

    assert result.outcome is Outcome.SENT
    assert [(m.tls, m.login) for m in server.messages] == [(False, "tracker")]


def test_failure_details_never_contain_the_password(smtp_server_factory: ServerFactory) -> None:
    server = smtp_server_factory(require_starttls=True, auth=("tracker", PASSWORD))
    server.reply_for("gone@gov.kz", 550, f"5.1.1 echo {PASSWORD}")
    settings = settings_for(
        server,
        security="starttls",
        tls_context=server.client_tls_context,
        username="tracker",
        password=PASSWORD,
        timeout=0.5,
    )

    async def run() -> list[SendResult]:
        async with SmtpConnection(settings) as connection:
            refused = await connection.send(mail(1, "gone@gov.kz"))
            server.set_mode(Mode.HANG_AFTER_DATA)
            uncertain = await connection.send(mail(2))
            server.set_mode(Mode.REFUSE)
            deferred = await connection.send(mail(3))
            return [refused, uncertain, deferred]

    results = asyncio.run(run())

    assert [r.outcome for r in results] == [Outcome.FAILED, Outcome.UNCERTAIN, Outcome.DEFERRED]
    assert all(PASSWORD not in r.detail for r in results)
    assert "***" in results[0].detail
    assert PASSWORD not in repr(settings)


def test_invalid_mail_raises_before_connecting(smtp_server: SmtpTestServer) -> None:
    with pytest.raises(MessageError):
        send_all(settings_for(smtp_server), [mail(1, "not an address")])

    async def run() -> None:
        async with SmtpConnection(settings_for(smtp_server)) as connection:
            await connection.send_bytes("noreply@tracker.example", [], b"x")

    with pytest.raises(MessageError):
        asyncio.run(run())
    assert smtp_server.connections == 0


def test_close_says_quit(smtp_server: SmtpTestServer) -> None:
    async def run() -> tuple[bool, bool]:
        connection = SmtpConnection(settings_for(smtp_server))
        async with connection:
            await connection.send(mail(1))
            during = connection.is_connected
        return during, connection.is_connected

    assert asyncio.run(run()) == (True, False)


def test_connect_checks_the_server_without_sending(
    smtp_server_factory: ServerFactory,
) -> None:
    server = smtp_server_factory(require_starttls=True, auth=("tracker", PASSWORD))
    settings = settings_for(
        server,
        security="starttls",
        tls_context=server.client_tls_context,
        username="tracker",
        password=PASSWORD,
    )

    async def run() -> SendResult:
        async with SmtpConnection(settings) as connection:
            await connection.connect()
            assert connection.is_connected
            return await connection.send(mail(1))  # reuses the checked connection

    assert asyncio.run(run()).outcome is Outcome.SENT
    assert server.connections == 1

    server.set_mode(Mode.REFUSE)

    async def refused() -> None:
        async with SmtpConnection(settings) as connection:
            await connection.connect()

    with pytest.raises(SmtpUnavailableError) as info:
        asyncio.run(refused())
    assert info.value.code is None and "connect to" in info.value.detail

    server.set_mode(Mode.ACCEPT)
    wrong = settings_for(
        server, security="starttls", tls_context=server.client_tls_context,
        username="tracker", password="wrong",
    )
    with pytest.raises(SmtpAuthError):
        asyncio.run(SmtpConnection(wrong).connect())


@pytest.mark.parametrize(("data", "payload"), [
    (b"a\r\nb\r\n", b"a\r\nb\r\n.\r\n"),
    (b"a\nb", b"a\r\nb\r\n.\r\n"),  # bare LFs, no final line break
    (b"a\rb\r\n", b"a\r\nb\r\n.\r\n"),  # a bare CR
    (b"a\r\n\nb\r\n", b"a\r\n\r\nb\r\n.\r\n"),  # mixed
    (b".x\r\n.\r\n..y\r\n", b"..x\r\n..\r\n...y\r\n.\r\n"),  # dot-stuffing, first line too
])
def test_data_payload_normalises_line_endings_and_stuffs_dots(data: bytes, payload: bytes) -> None:
    from notifications.payload import joined, section_of

    stuffed, size = joined(b"", section_of(data))
    assert stuffed == payload
    assert size == len(payload) - len(b".\r\n") - payload.count(b"\r\n..") - \
        payload.startswith(b"..")
